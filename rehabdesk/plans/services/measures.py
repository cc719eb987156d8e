"""The plan's outcome measures on its booked visits (docs/algorithms/treatment-plans.md,
"Measures").

The visits counted are the plan's booked ones with the plan's own practitioner (who
asks the measures), or all of the plan's visits when none is theirs, in time order:
a measure `at_start` is asked for the first, `every_visits` N for every Nth, and
`at_discharge` for the last planned one. One request per measure and visit; on a visit
that is both, the first visit's is the assessment's and the last's the discharge's.
Each request is outcomes' `measure_request_create`, due on the visit's day.

A request whose visit is cancelled is cancelled with it. Scheduling sits below plans
and outcomes and cannot call them when a visit is cancelled, so: the plan's selectors
count a request whose visit no longer stands as cancelled at once (plans/selectors.py),
and `plan_measures_release`, run in the scheduler's round, writes it down through
outcomes' `measure_requests_cancel` for each such visit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from rehabdesk.accounts.models import User
from rehabdesk.outcomes.choices import RequestPurpose
from rehabdesk.outcomes.models import MeasureRequest
from rehabdesk.outcomes.services import measure_request_create, measure_requests_cancel
from rehabdesk.plans.models import PlanCourse, PlanMeasure, TreatmentPlan
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

Actor = AbstractBaseUser | AnonymousUser | None
# A plan's visit that stands: booked, or taking or taken place.
STANDING = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.FULFILLED)


def plan_visits(*, plan: TreatmentPlan) -> list[Appointment]:
    """The plan's visits that stand, in time order: those of its courses' series."""
    series = PlanCourse.series.through.objects.filter(plancourse__plan_id=plan.pk).values(
        "appointmentseries_id"
    )
    return list(
        Appointment.objects.filter(series_id__in=series, status__in=STANDING)
        .select_related("location")
        .order_by("start", "pk")
    )


def planned_requests(
    measures: Sequence[PlanMeasure], visits: Sequence[Appointment], practitioner_id: int
) -> list[tuple[str, RequestPurpose, Appointment]]:
    """Which measure is asked at which visit, and why (see the module's docstring)."""
    counted = [visit for visit in visits if visit.practitioner_id == practitioner_id] or list(
        visits
    )
    wanted = []
    last = len(counted)
    for measure in measures:
        for number, visit in enumerate(counted, start=1):
            if number == 1 and measure.at_start:
                purpose = RequestPurpose.ASSESSMENT
            elif number == last and measure.at_discharge:
                purpose = RequestPurpose.DISCHARGE
            elif measure.every_visits and number % measure.every_visits == 0:
                purpose = RequestPurpose.PROGRESS
            else:
                continue
            wanted.append((measure.instrument, purpose, visit))
    return wanted


def requests_schedule(
    *, plan: TreatmentPlan, visits: Sequence[Appointment], user: Actor, now: datetime
) -> int:
    """Ask each planned measure for its visit, unless asked already (a request not
    cancelled for that measure and visit). Returns how many were asked."""
    measures = list(PlanMeasure.objects.filter(plan_id=plan.pk))
    if not measures or not visits:
        return 0
    asked = set(
        MeasureRequest.objects.filter(plan_id=plan.pk, cancelled_at__isnull=True).values_list(
            "instrument", "appointment_id"
        )
    )

    requested_by = user if isinstance(user, User) else None
    count = 0
    for instrument, purpose, visit in planned_requests(measures, visits, plan.practitioner_id):
        if (instrument, visit.pk) in asked:
            continue
        measure_request_create(
            patient=plan.patient,
            instrument=instrument,
            purpose=purpose,
            due_on=visit.start.astimezone(visit.location.zone).date(),
            appointment=visit,
            plan_id=plan.pk,
            requested_by=requested_by,
            now=now,
        )
        count += 1
    return count


def plan_measures_release(*, now: datetime) -> int:
    """Cancel the plans' open measure requests whose visit no longer stands (cancelled,
    missed, entered in error), through outcomes' `measure_requests_cancel` for each such
    visit. A chore of the scheduler's round (plans/apps.py); safe to repeat. Returns how
    many requests it cancelled."""
    visits = (
        MeasureRequest.objects.filter(
            plan_id__isnull=False,
            cancelled_at__isnull=True,
            result__isnull=True,
            appointment__isnull=False,
        )
        .exclude(appointment__status__in=STANDING)
        .values("appointment_id")
    )

    return sum(
        measure_requests_cancel(appointment=appointment, now=now)
        for appointment in Appointment.objects.filter(pk__in=visits).order_by("pk")
    )
