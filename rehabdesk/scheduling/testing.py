"""Test support for scheduling: a bookable world on top of the personas, and lifting the
booking guards for the test suite's table flush only."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from rehabdesk.clinic import loading
from rehabdesk.clinic.description import (
    WEEKDAYS,
    RegisteredWith,
    RegistrationSpec,
    ResourceSpec,
    ShiftSpec,
    resources,
)
from rehabdesk.clinic.models import Location, Practitioner, Resource, Service
from rehabdesk.clinic.testing import LONG_AGO, sample_practitioner, sample_service
from rehabdesk.core import database
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling import guards
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.services import BookingRequest

TORONTO = ZoneInfo("America/Toronto")
# A Monday morning; bookings in the tests are for the days after.
NOW = datetime(2027, 3, 8, 8, 0, tzinfo=TORONTO)


def weekday_at(hour: int, minute: int = 0, *, after_days: int = 3) -> datetime:
    """A Toronto time on a weekday (the world's hours are Monday to Friday) some days
    from today, or before it when `after_days` is negative: for tests that go through
    pages and the API, which use the real clock."""
    day = timezone.localdate() + timedelta(days=after_days)
    step = 1 if after_days >= 0 else -1
    while day.weekday() >= 5:
        day += timedelta(days=step)
    return datetime.combine(day, time(hour, minute), tzinfo=TORONTO)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A Toronto time in the week of 2027-03-08 (day = day of March)."""
    return datetime(2027, 3, day, hour, minute, tzinfo=TORONTO)


OVERLAPPING_APPOINTMENTS = """
    SELECT COUNT(*) FROM scheduling_appointment a JOIN scheduling_appointment b
      ON a.practitioner_id = b.practitioner_id AND a.id < b.id
     AND a.start < b.busy_until AND b.start < a.busy_until
     WHERE a.status IN ('pending', 'booked', 'arrived', 'fulfilled')
       AND b.status IN ('pending', 'booked', 'arrived', 'fulfilled')
"""
# Visits of one patient at once, however many practitioners and locations: the
# patient's own time is [start, end), the practitioner's buffer after it left out.
OVERLAPPING_VISITS = """
    SELECT COUNT(*) FROM scheduling_appointment a JOIN scheduling_appointment b
      ON a.patient_id = b.patient_id AND a.id < b.id
     AND a.start < b."end" AND b.start < a."end"
     WHERE a.status IN ('pending', 'booked', 'arrived', 'fulfilled')
       AND b.status IN ('pending', 'booked', 'arrived', 'fulfilled')
"""
OVERLAPPING_RESOURCES = """
    SELECT COUNT(*) FROM scheduling_appointmentresource a
      JOIN scheduling_appointmentresource b
      ON a.resource_id = b.resource_id AND a.id < b.id
     AND a.start < b.busy_until AND b.start < a.busy_until
     WHERE a.active AND b.active
"""


def overlaps() -> tuple[int, int]:
    """Pairs of active appointments of one practitioner, and of active holds of one
    resource, that overlap — found by SQL, independently of the code that books."""
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPPING_APPOINTMENTS)
        appointments = cursor.fetchone()[0]
        cursor.execute(OVERLAPPING_RESOURCES)
        return appointments, cursor.fetchone()[0]


def patient_overlaps() -> int:
    """Pairs of active appointments of one patient that overlap — found by SQL,
    independently of the code that books."""
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPPING_VISITS)
        return int(cursor.fetchone()[0])


def guards_lifted(connection: BaseDatabaseWrapper) -> AbstractContextManager[None]:
    """Drop the guards, run the block, put them back — in one transaction, so nothing
    else ever sees the tables unguarded (`core.database.guards_lifted`)."""
    return database.guards_lifted(connection, guards.GUARDS)


@dataclass
class BookingWorld:
    pickering: Location
    physio: Practitioner
    massage_therapist: Practitioner
    follow_up: Service  # 30 min + 10 min buffer, a treatment room
    massage: Service  # 60 min + 10 min buffer, a massage room
    rooms: list[Resource]
    massage_room: Resource
    patient: Patient
    other_patient: Patient
    milton: Location  # no hours there unless a test gives some (massage_at_milton)

    def request(
        self,
        start: datetime,
        *,
        patient: Patient | None = None,
        practitioner: Practitioner | None = None,
        service: Service | None = None,
        location: Location | None = None,
        channel: Channel = Channel.STAFF,
    ) -> BookingRequest:
        return BookingRequest(
            patient=patient or self.patient,
            practitioner=practitioner or self.physio,
            service=service or self.follow_up,
            location=location or self.pickering,
            start=start,
            channel=channel,
        )


def build_booking_world(personas: object) -> BookingWorld:
    """Weekday hours 09:00–17:00 (lunch 12:00–12:30) at Pickering for the physio and the
    massage therapist, two treatment rooms and one massage room."""
    p = personas
    pickering = Location.objects.select_related("clinic").get(pk=p.pickering.pk)  # type: ignore[attr-defined]
    rooms = [
        loading.resource_load(location=pickering, resource=room)
        for room in resources("treatment-room", "Room 1", "Room 2")
    ]
    massage_room = loading.resource_load(
        location=pickering, resource=ResourceSpec("massage-room", "Massage room")
    )
    hours = ShiftSpec(
        pickering.slug, WEEKDAYS, "09:00", "17:00", (("12:00", "12:30"),), effective_from=LONG_AGO
    )
    for practitioner in (p.physio, p.massage_therapist):  # type: ignore[attr-defined]
        loading.working_hours_load(practitioner=practitioner, shift=hours, today=NOW.date())
    follow_up = loading.service_load(
        service=sample_service(
            "Follow-up", minutes=30, buffer=10, resource_kinds=["treatment-room"]
        ),
        today=NOW.date(),
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
        today=NOW.date(),
    )
    return BookingWorld(
        pickering=pickering,
        physio=p.physio,  # type: ignore[attr-defined]
        massage_therapist=p.massage_therapist,  # type: ignore[attr-defined]
        follow_up=follow_up,
        massage=massage,
        rooms=rooms,
        massage_room=massage_room,
        patient=p.patient_a,  # type: ignore[attr-defined]
        other_patient=p.patient_b,  # type: ignore[attr-defined]
        milton=Location.objects.select_related("clinic").get(pk=p.milton.pk),  # type: ignore[attr-defined]
    )


def massage_at_milton(world: BookingWorld) -> Practitioner:
    """A second massage therapist, at Milton on weekdays 09:00–17:00 (lunch 12:00–12:30)
    with a massage room of its own: one patient's massages at Pickering and at Milton
    could then be booked for the same time, with nobody's calendar in the way."""
    therapist = loading.practitioner_load(
        practitioner=sample_practitioner(
            "Mira Massage",
            disciplines=["massage-therapy"],
            registrations=[RegistrationSpec("cmto", "WORLD-RMT-2", LONG_AGO)],
        ),
        today=NOW.date(),
    )
    loading.resource_load(
        location=world.milton, resource=ResourceSpec("massage-room", "Milton massage room")
    )
    hours = ShiftSpec(
        world.milton.slug,
        WEEKDAYS,
        "09:00",
        "17:00",
        (("12:00", "12:30"),),
        effective_from=LONG_AGO,
    )
    loading.working_hours_load(practitioner=therapist, shift=hours, today=NOW.date())
    return therapist
