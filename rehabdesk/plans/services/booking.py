"""Booking a plan as proposed: every visit through scheduling's series service, all or
nothing (docs/algorithms/treatment-plans.md, "Booking").

Each course's visits at its location are one series (`series_book`) on the course's
weekly pattern: the pattern's dates that are not visits — the off-weeks of a course
every second week, the days before the first visit, a date left out — are left out of
the series (a replacement of None), and a date moved to its alternative is replaced by
that time. A visit moved to another location is a series of its own, one date long, at
that location. So every visit is an ordinary appointment checked by the engine and the
database's guards, and every one belongs to a series the course records.

All in one transaction: a time taken since the proposal (series_book's SeriesConflict)
rolls everything back and is refused as PROPOSAL_CHANGED. Then the plan's measures are
asked for the booked visits (plans/services/measures.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from django.db import transaction

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.clinic.models import Location
from rehabdesk.core.clock import date_and_clock
from rehabdesk.patients.models import Patient
from rehabdesk.plans.choices import PlanStatus
from rehabdesk.plans.errors import PlanError, PlanErrorCode
from rehabdesk.plans.models import PlanCourse, TreatmentPlan
from rehabdesk.plans.proposal import CourseProposal, Proposal, ProposedVisit
from rehabdesk.plans.services.measures import plan_visits, requests_schedule
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.models import Appointment, AppointmentSeries
from rehabdesk.scheduling.services import Actor, SeriesConflict, SeriesPlan, series_book
from rehabdesk.scheduling.services.series import MAX_WEEKS

PLAN = "plans.treatmentplan"


def plan_book(
    *,
    plan: TreatmentPlan,
    proposal: Proposal,
    actor: Actor,
    now: datetime,
    leave_out: Collection[str] = (),
) -> list[Appointment]:
    """Book the proposal's visits that have a time (but those whose `key` is in
    `leave_out`), then ask the plan's measures for them. Returns the plan's booked
    visits. PROPOSAL_CHANGED, with nothing booked, when a time was taken meanwhile or
    a course was booked or changed since; STALE_PLAN when the plan changed."""
    if proposal.plan_id != plan.pk:
        raise PlanError(PlanErrorCode.INVALID, "This booking is for another plan.")
    locations = Location.objects.select_related("clinic").in_bulk(
        {v.location_id for c in proposal.courses for v in c.visits}
        | {c.location_id for c in proposal.courses}
    )
    try:
        with transaction.atomic():
            locked = TreatmentPlan.objects.select_for_update().order_by().get(pk=plan.pk)
            courses = _courses_as_proposed(locked, proposal)
            patient = Patient.objects.get(pk=locked.patient_id)
            count = 0
            for course_proposal in proposal.courses:
                course = courses[course_proposal.course_id]
                visits = [
                    visit
                    for visit in course_proposal.visits
                    if visit.start is not None and visit.key not in leave_out
                ]
                series = _book_course(
                    patient, course, course_proposal, visits, locations, actor, now
                )
                course.series.add(*series)
                count += len(visits)
            booked = plan_visits(plan=locked)
            requests_schedule(plan=locked, visits=booked, user=actor, now=now)
            audit_record(
                actor=actor,
                action=AuditAction.CHANGE,
                object_type=PLAN,
                object_id=locked.pk,
                patient_ids=[locked.patient_id],
                summary=f"treatment plan booked ({count} visits)",
                now=now,
            )
    except SeriesConflict as conflict:
        zone = locations[proposal.courses[0].location_id].zone
        taken = "; ".join(
            date_and_clock(c.start.astimezone(zone), "D M j") for c in conflict.conflicts
        )
        raise PlanError(
            PlanErrorCode.PROPOSAL_CHANGED,
            f"{len(conflict.conflicts)} of the proposed times were taken meanwhile ({taken}); "
            "nothing was booked. Look at the times again.",
        ) from None
    return booked


def _courses_as_proposed(plan: TreatmentPlan, proposal: Proposal) -> dict[int, PlanCourse]:
    """The proposal's courses, as they still are: not booked since, with the same
    practitioner, service and location; the plan at the proposal's revision."""
    if plan.status == PlanStatus.DISCHARGED:
        raise PlanError(PlanErrorCode.DISCHARGED, "This plan is discharged: nothing to book.")
    if plan.revision != proposal.revision:
        raise PlanError(
            PlanErrorCode.STALE_PLAN,
            "The plan was changed since these times were proposed: look at them again.",
        )
    courses = (
        PlanCourse.objects.filter(plan=plan).select_related("practitioner", "service").in_bulk()
    )
    booked = set(
        PlanCourse.series.through.objects.filter(plancourse__plan=plan).values_list(
            "plancourse_id", flat=True
        )
    )
    for proposed in proposal.courses:
        course = courses.get(proposed.course_id)
        if (
            course is None
            or course.pk in booked
            or (course.practitioner_id, course.service_id, course.location_id)
            != (proposed.practitioner_id, proposed.service_id, proposed.location_id)
        ):
            raise PlanError(
                PlanErrorCode.PROPOSAL_CHANGED,
                "The plan's courses were booked or changed since these times were proposed: "
                "look at them again.",
            )
    return courses


def _book_course(
    patient: Patient,
    course: PlanCourse,
    proposed: CourseProposal,
    visits: list[ProposedVisit],
    locations: dict[int, Location],
    actor: Actor,
    now: datetime,
) -> list[AppointmentSeries]:
    home = locations[course.location_id]
    at_home = [visit for visit in visits if visit.location_id == course.location_id]
    booked = [
        series_book(plan=plan, actor=actor, now=now)
        for plan in _home_series(patient, course, proposed, at_home, home)
    ]
    for visit in visits:
        if visit.location_id != course.location_id:
            booked.append(
                series_book(
                    plan=_one_date(patient, course, visit, locations[visit.location_id]),
                    actor=actor,
                    now=now,
                )
            )
    return booked


def _home_series(
    patient: Patient,
    course: PlanCourse,
    proposed: CourseProposal,
    visits: list[ProposedVisit],
    location: Location,
) -> list[SeriesPlan]:
    """The course's pattern as series (one per MAX_WEEKS calendar weeks), each date
    either a visit (at its wanted time or moved to its alternative) or left out."""
    zone = location.zone
    monday = proposed.first_day - timedelta(days=proposed.first_day.weekday())
    by_chunk: dict[int, list[ProposedVisit]] = defaultdict(list)
    for visit in visits:
        week = (visit.wanted.astimezone(zone).date() - monday).days // 7
        by_chunk[week // MAX_WEEKS].append(visit)
    plans = []
    for chunk, chunk_visits in sorted(by_chunk.items()):
        first_day = max(proposed.first_day, monday + timedelta(weeks=chunk * MAX_WEEKS))
        last = max(visit.wanted.astimezone(zone).date() for visit in chunk_visits)
        weeks = (last - _monday(first_day)).days // 7 + 1
        plan = _series_plan(patient, course, location, proposed.pattern, first_day, weeks)
        keep = {visit.wanted: visit.start for visit in chunk_visits}
        assert set(keep) <= set(plan.starts()), "a visit's wanted time is one of the pattern's"
        replacements = {
            start: keep.get(start) for start in plan.starts() if keep.get(start) != start
        }
        plans.append(
            _series_plan(
                patient, course, location, proposed.pattern, first_day, weeks, replacements
            )
        )
    return plans


def _one_date(
    patient: Patient, course: PlanCourse, visit: ProposedVisit, location: Location
) -> SeriesPlan:
    """A visit moved to another location: a series of that one date there."""
    assert visit.start is not None
    local = visit.start.astimezone(location.zone)
    plan = _series_plan(
        patient, course, location, ((local.weekday(), local.time()),), local.date(), 1
    )
    # The pattern's instant is the first of a repeated hour; the visit may be the second.
    (pattern_start,) = plan.starts()
    if pattern_start == visit.start:
        return plan
    return _series_plan(
        patient,
        course,
        location,
        ((local.weekday(), local.time()),),
        local.date(),
        1,
        {pattern_start: visit.start},
    )


def _series_plan(
    patient: Patient,
    course: PlanCourse,
    location: Location,
    pattern: tuple[tuple[int, time], ...],
    first_day: date,
    weeks: int,
    replacements: dict[datetime, datetime | None] | None = None,
) -> SeriesPlan:
    return SeriesPlan(
        patient=patient,
        practitioner=course.practitioner,
        service=course.service,
        location=location,
        channel=Channel.STAFF,
        pattern=pattern,
        first_day=first_day,
        weeks=weeks,
        replacements=replacements or {},
    )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
