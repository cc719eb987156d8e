"""Test support for treatment plans: a clinic where one physiotherapist works at two
locations, a plan written through the services, and the plans' guards lifted for the
test suite's table flush only (never in production)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.backends.base.base import BaseDatabaseWrapper

from rehabdesk.accounts.models import User
from rehabdesk.clinic import loading
from rehabdesk.clinic.description import RegisteredWith, ResourceSpec, ShiftSpec, TimeOffSpec
from rehabdesk.clinic.models import Discipline, Location, Practitioner, Service
from rehabdesk.clinic.testing import LONG_AGO, sample_service
from rehabdesk.core import database
from rehabdesk.patients.models import Patient
from rehabdesk.plans import guards
from rehabdesk.plans.inputs import CourseInput, GoalInput, MeasureInput
from rehabdesk.plans.models import TreatmentPlan
from rehabdesk.plans.services import plan_create
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import BookingRequest, appointment_book

TORONTO = ZoneInfo("America/Toronto")
# A Monday morning in Toronto, the week before the clocks go forward (Sunday 14 March
# 2027, 02:00 -> 03:00).
NOW = datetime(2027, 3, 8, 8, 0, tzinfo=TORONTO)
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = range(5)
LUNCH = (("12:00", "12:30"),)


def guards_lifted(connection: BaseDatabaseWrapper) -> AbstractContextManager[None]:
    """Drop the plans' guards, run the block, put them back
    (`core.database.guards_lifted`: one transaction, the guards back before it ends)."""
    return database.guards_lifted(connection, guards.GUARDS)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A Toronto wall-clock time."""
    return datetime.combine(day, time(hour, minute), tzinfo=TORONTO)


@dataclass
class PlanWorld:
    pickering: Location
    milton: Location
    physio: Practitioner  # Pickering Mon, Wed, Fri; Milton Tue, Thu; 09:00-17:00
    massage_therapist: Practitioner  # Pickering weekdays 09:00-17:00
    physiotherapy: Discipline
    massage_therapy: Discipline
    follow_up: Service  # physiotherapy, 30 min + 10 min buffer, a treatment room
    massage: Service  # massage therapy, 60 min + 10 min buffer, a massage room
    patient: Patient  # in the physio's care (an assignment)
    other_patient: Patient  # in nobody's care
    front_desk_user: User

    def course(
        self,
        *,
        visits: int = 2,
        weeks: int = 6,
        every_weeks: int = 1,
        massage: bool = False,
        location: Location | None = None,
        id: int | None = None,
    ) -> CourseInput:
        return CourseInput(
            discipline_id=(self.massage_therapy if massage else self.physiotherapy).pk,
            service_id=(self.massage if massage else self.follow_up).pk,
            practitioner_id=(self.massage_therapist if massage else self.physio).pk,
            location_id=(location or self.pickering).pk,
            visits=visits,
            weeks=weeks,
            every_weeks=every_weeks,
            id=id,
        )

    def book(
        self,
        start: datetime,
        *,
        patient: Patient | None = None,
        practitioner: Practitioner | None = None,
        location: Location | None = None,
        service: Service | None = None,
        now: datetime = NOW,
    ) -> Appointment:
        """An ordinary booking through the booking service (the front desk's), for the
        other patient unless another is named."""
        return appointment_book(
            request=BookingRequest(
                patient=patient or self.other_patient,
                practitioner=practitioner or self.physio,
                service=service or self.follow_up,
                location=location or self.pickering,
                start=start,
                channel=Channel.STAFF,
            ),
            actor=None,
            now=now,
        )

    def day_off(self, practitioner: Practitioner, day: date) -> None:
        loading.time_off_load(
            practitioner=practitioner, time_off=TimeOffSpec(day, 1, "Away"), today=NOW.date()
        )


def build_plan_world(personas: object) -> PlanWorld:
    p = personas
    pickering = Location.objects.select_related("clinic").get(pk=p.pickering.pk)  # type: ignore[attr-defined]
    milton = Location.objects.select_related("clinic").get(pk=p.milton.pk)  # type: ignore[attr-defined]
    for location in (pickering, milton):
        loading.resource_load(location=location, resource=ResourceSpec("treatment-room", "Room 1"))
        loading.resource_load(location=location, resource=ResourceSpec("massage-room", "Massage"))
    today = NOW.date()
    shifts = (
        ShiftSpec(pickering.slug, (MONDAY, WEDNESDAY, FRIDAY), "09:00", "17:00", LUNCH, LONG_AGO),
        ShiftSpec(milton.slug, (TUESDAY, THURSDAY), "09:00", "17:00", LUNCH, LONG_AGO),
    )
    for shift in shifts:
        loading.working_hours_load(practitioner=p.physio, shift=shift, today=today)  # type: ignore[attr-defined]
    loading.working_hours_load(
        practitioner=p.massage_therapist,  # type: ignore[attr-defined]
        shift=ShiftSpec(pickering.slug, tuple(range(5)), "09:00", "17:00", LUNCH, LONG_AGO),
        today=today,
    )
    follow_up = loading.service_load(
        service=sample_service(
            "Follow-up", minutes=30, buffer=10, resource_kinds=["treatment-room"]
        ),
        today=today,
    )
    massage = loading.service_load(
        service=sample_service(
            "Massage, 60 minutes",
            discipline="massage-therapy",
            qualifications=[RegisteredWith("cmto")],
            tax="massage-therapy",
            minutes=60,
            buffer=10,
            resource_kinds=["massage-room"],
        ),
        today=today,
    )
    return PlanWorld(
        pickering=pickering,
        milton=milton,
        physio=p.physio,  # type: ignore[attr-defined]
        massage_therapist=p.massage_therapist,  # type: ignore[attr-defined]
        physiotherapy=Discipline.objects.get(slug="physiotherapy"),
        massage_therapy=Discipline.objects.get(slug="massage-therapy"),
        follow_up=follow_up,
        massage=massage,
        patient=p.patient_a,  # type: ignore[attr-defined]
        other_patient=p.patient_b,  # type: ignore[attr-defined]
        front_desk_user=p.front_desk,  # type: ignore[attr-defined]
    )


def write_plan(
    world: PlanWorld,
    *,
    courses: Sequence[CourseInput] | None = None,
    measures: Sequence[MeasureInput] = (),
    goals: Sequence[GoalInput] | None = None,
    starts_on: date | None = None,
    reassess_on: date | None = None,
    reassess_after_visits: int | None = 6,
    practitioner: Practitioner | None = None,
    now: datetime = NOW,
) -> TreatmentPlan:
    """A plan for the world's patient by the physio, through plan_create: by default
    twice a week for six weeks at Pickering, starting on `now`'s day."""
    starts_on = starts_on or now.astimezone(TORONTO).date()
    return plan_create(
        patient=world.patient,
        practitioner=practitioner or world.physio,
        problems=["Low back pain limiting sitting and lifting"],
        goals=goals
        or [
            GoalInput(
                text="Sits through a work day with pain under 3/10",
                target_on=starts_on + timedelta(weeks=6),
                instrument="odi",
                target=Decimal("20"),
            )
        ],
        courses=courses or [world.course()],
        measures=measures,
        starts_on=starts_on,
        reassess_on=reassess_on,
        reassess_after_visits=reassess_after_visits,
        discharge_criteria="ODI 20 or less; back to full duties",
        user=(practitioner or world.physio).user,
        now=now,
    )
