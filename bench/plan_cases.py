"""Treatment plans (issue 24): "book the plan" as the front desk does it — a plan of
twelve visits (twice a week for six weeks) proposed and booked, with its measure asked
for the visits, in one timed call.

On the two-clinic dataset: the demo's physiotherapists and massage therapists with
their calendars about 70 % held for the 90 days ahead, and patients with two years of
history with them — so the usual times come from real history, and many wanted times
are taken and get their alternatives (the nearest free time within three days; some
have none, and are left for the desk: most calls book 8 to 12 visits). Each call books
the next of the plans written beforehand (untimed, through plan_create), each for
another patient, the practitioners in turn, starting from a week ahead and spread over
six weeks. It writes, so it runs on the throw-away copy (bench/README.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from itertools import zip_longest

from django.utils import timezone

from rehabdesk.accounts.models import User
from rehabdesk.clinic.models import Practitioner, Service, WorkingHours
from rehabdesk.clinic.qualifications import practitioners_qualified
from rehabdesk.demo.clinic import FRONT_DESK
from rehabdesk.patients.models import Patient
from rehabdesk.plans.inputs import CourseInput, GoalInput, MeasureInput
from rehabdesk.plans.models import TreatmentPlan
from rehabdesk.plans.services import plan_book, plan_booking_propose, plan_create
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

Operation = Callable[[], object]

PLAN_BOOK_TARGET_P95_MS = 300.0
# Each call books up to twelve visits into calendars about 70 % held: more calls would
# fill the practitioners' free time and leave the last plans little to book.
PLAN_BOOK_WARMUPS, PLAN_BOOK_ITERATIONS = 3, 20
PLAN_CALLS = PLAN_BOOK_WARMUPS + 1 + PLAN_BOOK_ITERATIONS  # warm-ups, the counted call, timed
PLAN_VISITS = 12
# The plans start from a week ahead, spread over six weeks (their last visits within the
# clinic's 90 days), so they do not all want the same weeks' free time.
STARTS_IN = timedelta(weeks=1)
SPREAD_DAYS = 42
# Each practitioner's thirty-minute visit: more practitioners share the plans.
SERVICES = ("Physiotherapy follow-up, 30 minutes", "Massage therapy, 30 minutes")


class PlanCaseError(Exception):
    pass


def _plans(count: int) -> list[TreatmentPlan]:
    """`count` plans, each for another patient of a practitioner's (seen for the
    service), taking the practitioners in turn: those qualified for their service over
    the plans' weeks, each at the location where they work most days (two at least)."""
    today = timezone.localdate()
    first, last = today + STARTS_IN, today + STARTS_IN + timedelta(days=SPREAD_DAYS, weeks=6)
    services = {service.pk: service for service in Service.objects.filter(name__in=SERVICES)}
    qualified = {
        (practitioner.pk, service.pk)
        for service in services.values()
        for practitioner in practitioners_qualified(service=service, on=first)
        if practitioner in practitioners_qualified(service=service, on=last)
    }
    home = _homes({practitioner_id for practitioner_id, _ in qualified})
    seen = (
        Appointment.objects.filter(
            service_id__in=list(services),
            status=AppointmentStatus.FULFILLED,
            start__lt=timezone.now(),
            patient__active=True,
        )
        .order_by("-start")
        .values_list("patient_id", "practitioner_id", "service_id")
    )
    patients: dict[tuple[int, int], list[int]] = {}
    taken: set[int] = set()
    for patient_id, practitioner_id, service_id in seen.iterator():
        pair = (practitioner_id, service_id)
        if patient_id not in taken and pair in qualified and practitioner_id in home:
            taken.add(patient_id)
            patients.setdefault(pair, []).append(patient_id)
    turns = [
        (pair, patient_id)
        for row in zip_longest(*patients.values())
        for pair, patient_id in zip(patients, row, strict=True)
        if patient_id is not None
    ][:count]
    if len(turns) < count:
        raise PlanCaseError(f"{len(turns)} patients seen for {SERVICES}, not {count}")
    return [
        _plan(
            number,
            practitioner_id,
            patient_id,
            home[practitioner_id],
            services[service_id],
            today=today,
        )
        for number, ((practitioner_id, service_id), patient_id) in enumerate(turns)
    ]


def _homes(practitioner_ids: set[int]) -> dict[int, int]:
    """Each practitioner's location with the most working days, if two or more."""
    days = Counter(
        WorkingHours.objects.filter(practitioner_id__in=practitioner_ids).values_list(
            "practitioner_id", "location_id"
        )
    )
    home: dict[int, int] = {}
    for (practitioner_id, location_id), weekdays in sorted(days.items(), key=lambda d: -d[1]):
        if weekdays >= 2:
            home.setdefault(practitioner_id, location_id)
    return home


def _plan(
    number: int,
    practitioner_id: int,
    patient_id: int,
    location_id: int,
    service: Service,
    *,
    today: date,
) -> TreatmentPlan:
    practitioner = Practitioner.objects.select_related("user").get(pk=practitioner_id)
    starts_on = today + STARTS_IN + timedelta(days=number * 11 % SPREAD_DAYS)
    return plan_create(
        patient=Patient.objects.get(pk=patient_id),
        practitioner=practitioner,
        problems=["Low back pain limiting sitting and lifting"],
        goals=[
            GoalInput("Sits through a work day", starts_on + timedelta(weeks=6), "odi", Decimal(20))
        ],
        courses=[
            CourseInput(
                discipline_id=service.discipline_id,
                service_id=service.pk,
                practitioner_id=practitioner.pk,
                location_id=location_id,
                visits=2,
                weeks=6,
            )
        ],
        measures=[MeasureInput("odi", at_start=True, every_visits=4, at_discharge=True)],
        starts_on=starts_on,
        reassess_on=starts_on + timedelta(weeks=3),
        reassess_after_visits=None,
        discharge_criteria="ODI 20 or less",
        user=practitioner.user,
        now=timezone.now(),
    )


def plan_book_12() -> Operation:
    """Each call: propose the next plan's booking and book it (the front desk's two
    steps, without the pages). A proposal without its twelve visits, or a booking of
    none or of fewer than the proposal's times, voids the case."""
    plans = _plans(PLAN_CALLS)
    desk = User.objects.get(email=FRONT_DESK)

    def book() -> object:
        if not plans:
            raise PlanCaseError("more calls than plans written")
        plan = plans.pop()
        now = timezone.now()
        proposal = plan_booking_propose(plan=plan, both_locations=False, now=now)
        if len(proposal.visits) != PLAN_VISITS:
            raise PlanCaseError(f"{len(proposal.visits)} visits proposed, not {PLAN_VISITS}")
        booked = plan_book(plan=plan, proposal=proposal, actor=desk, now=now)
        if not booked or len(booked) != len(proposal.bookable):
            raise PlanCaseError(f"{len(booked)} booked of {len(proposal.bookable)} with a time")
        return booked

    return book
