"""Treatment plans (issue 24): "book the plan" as the front desk does it — a plan of
twelve visits (physiotherapy twice a week for six weeks) proposed and booked, with its
measures asked for the visits, in one timed call.

On the two-clinic dataset: the demo's physiotherapists with their calendars about 70 %
held for the 90 days ahead, and patients with two years of history with them — so the
usual times come from real history, and some wanted times are taken and get their
alternatives. Each call books the next of the plans written beforehand (untimed, through
plan_create), each for another patient of a physiotherapist's, starting five weeks
ahead (a day later for each next plan, so they do not all want the same days). It
writes, so it runs on the throw-away copy (bench/README.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from rehabdesk.accounts.models import User
from rehabdesk.clinic.models import Practitioner, Service
from rehabdesk.demo.clinic import FRONT_DESK
from rehabdesk.patients.models import Patient
from rehabdesk.plans.inputs import CourseInput, GoalInput, MeasureInput
from rehabdesk.plans.models import TreatmentPlan
from rehabdesk.plans.services import plan_book, plan_booking_propose, plan_create
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

Operation = Callable[[], object]

PLAN_BOOK_TARGET_P95_MS = 300.0
PLAN_BOOK_WARMUPS, PLAN_BOOK_ITERATIONS = 5, 50
PLAN_CALLS = PLAN_BOOK_WARMUPS + 1 + PLAN_BOOK_ITERATIONS  # warm-ups, the counted call, timed
PLAN_VISITS = 12
STARTS_IN = timedelta(weeks=5)
SERVICE = "Physiotherapy follow-up, 30 minutes"


class PlanCaseError(Exception):
    pass


def _plans(count: int) -> list[TreatmentPlan]:
    """`count` plans, each for another patient of a physiotherapist's (their latest
    follow-ups with them), taking the physiotherapists in turn."""
    now = timezone.now()
    today = timezone.localdate()
    seen = (
        Appointment.objects.filter(
            service__name=SERVICE,
            status=AppointmentStatus.FULFILLED,
            start__lt=now,
            patient__active=True,
        )
        .order_by("-start")
        .values_list("patient_id", "practitioner_id", "location_id", "service_id")
    )
    by_practitioner: dict[int, list[tuple[int, int, int]]] = {}
    taken: set[int] = set()
    for patient_id, practitioner_id, location_id, service_id in seen.iterator():
        if patient_id in taken:
            continue
        taken.add(patient_id)
        by_practitioner.setdefault(practitioner_id, []).append(
            (patient_id, location_id, service_id)
        )
    turns = [
        (practitioner_id, *choice)
        for row in zip(*by_practitioner.values(), strict=False)
        for practitioner_id, choice in zip(by_practitioner, row, strict=True)
    ][:count]
    if len(turns) < count:
        raise PlanCaseError(f"{len(turns)} patients seen for {SERVICE}, not {count}")
    return [_plan(number, *turn, today=today) for number, turn in enumerate(turns)]


def _plan(
    number: int,
    practitioner_id: int,
    patient_id: int,
    location_id: int,
    service_id: int,
    *,
    today: date,
) -> TreatmentPlan:
    practitioner = Practitioner.objects.select_related("user").get(pk=practitioner_id)
    service = Service.objects.get(pk=service_id)
    starts_on = today + STARTS_IN + timedelta(days=number % 14)
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
    fewer than the proposal's times, voids the case."""
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
        if len(booked) != len(proposal.bookable):
            raise PlanCaseError(f"{len(booked)} booked of {len(proposal.bookable)} proposed")
        return booked

    return book
