"""Reads of treatment plans, each in a fixed number of queries. They decide nothing
about access and audit nothing: the accessors (access/) do, before calling them.

`plan_progress` follows a plan (docs/algorithms/treatment-plans.md, "Following"): per
course, visits planned, booked and attended, and whether the patient is behind — a
period of the course wholly past with no visit held, or none booked for the next one
while the course runs; whether the reassessment is due; each goal with the patient's
latest score of its measure; the measures asked for the plan's visits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.utils import timezone

from rehabdesk.outcomes.models import MeasureRequest, MeasureResult
from rehabdesk.outcomes.scoring import SPECS, Instrument
from rehabdesk.outcomes.selectors import Visits, latest_scores, requests_less
from rehabdesk.plans.choices import PlanStatus
from rehabdesk.plans.models import PlanCourse, PlanGoal, TreatmentPlan
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

# Visits that stand (booked, or taking or taken place), and those held.
STANDING = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.FULFILLED)
HELD = (AppointmentStatus.ARRIVED, AppointmentStatus.FULFILLED)


def plan_by_id(*, plan_id: int) -> TreatmentPlan | None:
    return (
        TreatmentPlan.objects.select_related(
            "patient", "practitioner", "assessment_note", "created_by", "discharged_by"
        )
        .filter(pk=plan_id)
        .first()
    )


def _plan_parts() -> tuple[Prefetch, Prefetch]:
    """A plan's goals in order, and its courses with their discipline, service,
    practitioner and location."""
    return (
        Prefetch("goals", queryset=PlanGoal.objects.order_by("position")),
        Prefetch(
            "courses",
            queryset=PlanCourse.objects.select_related(
                "discipline", "service", "practitioner", "location"
            ).order_by("pk"),
        ),
    )


def goals_with_targets(*, patient_id: int) -> list[PlanGoal]:
    """The goals with a target score on a measure of the patient's plans under way,
    soonest target first: one query."""
    return list(
        PlanGoal.objects.filter(
            plan__patient_id=patient_id, plan__status=PlanStatus.ACTIVE, target__isnull=False
        )
        .exclude(instrument="")
        .order_by("target_on", "pk")
    )


def plans_for_patient(*, patient_id: int) -> list[TreatmentPlan]:
    """The patient's plans, newest first, each with its practitioner, goals and courses
    (with their discipline, service, practitioner and location): three queries."""
    return list(
        TreatmentPlan.objects.filter(patient_id=patient_id)
        .select_related("practitioner")
        .prefetch_related(*_plan_parts())
        .order_by("-starts_on", "-pk")
    )


@dataclass(frozen=True)
class CourseProgress:
    course: PlanCourse
    planned: int
    booked: int  # visits that stand (attended ones included)
    attended: int
    first_day: date
    last_day: date  # the course's last day (its weeks counted from first_day)
    # The first day of each period (a week, or `every_weeks` weeks) wholly past with
    # no visit held.
    missed: tuple[date, ...]
    # The next period, while the course runs, has no visit booked.
    next_unbooked: bool
    next_visit: datetime | None
    visits: tuple[Appointment, ...]  # every visit of its series, any status, in order

    @property
    def behind(self) -> bool:
        return bool(self.missed) or self.next_unbooked


@dataclass(frozen=True)
class Reassessment:
    on: date | None
    after_visits: int | None
    attended: int  # the plan's visits held so far
    due_by_date: bool
    due_by_visits: bool

    @property
    def due(self) -> bool:
        return self.due_by_date or self.due_by_visits


@dataclass(frozen=True)
class GoalProgress:
    goal: PlanGoal
    latest: MeasureResult | None  # the patient's latest result of the goal's measure

    @property
    def reached(self) -> bool | None:
        """Whether the latest score is at the target or better (the measure's own
        direction: lower is better for ODI, higher for LEFS); None without both."""
        goal, latest = self.goal, self.latest
        if goal.target is None or latest is None or latest.score is None:
            return None
        if SPECS[Instrument(goal.instrument)].higher_is_better:
            return latest.score >= goal.target
        return latest.score <= goal.target


@dataclass(frozen=True)
class MeasureLine:
    request: MeasureRequest
    state: str  # "open", "answered", "cancelled" (by hand, or with its visit)


@dataclass(frozen=True)
class Progress:
    plan: TreatmentPlan
    courses: tuple[CourseProgress, ...]
    reassessment: Reassessment
    goals: tuple[GoalProgress, ...]
    measures: tuple[MeasureLine, ...]

    @property
    def behind(self) -> bool:
        return any(course.behind for course in self.courses)

    @property
    def planned(self) -> int:
        return sum(course.planned for course in self.courses)

    @property
    def booked(self) -> int:
        return sum(course.booked for course in self.courses)

    @property
    def attended(self) -> int:
        return sum(course.attended for course in self.courses)


def plan_progress(*, plan: TreatmentPlan, now: datetime, leaving_out: Visits = None) -> Progress:
    """The plan followed as of `now` (see the module's docstring): six queries, four
    for a plan read by `plans_for_patient` (its goals and courses are not read again).
    The measures asked for the visits `leaving_out` (the reader's lockbox), and the
    scores taken for them, are left out: a goal shows the latest score the reader may
    see."""
    prefetch_related_objects([plan], *_plan_parts(), "courses__series")
    goals = list(plan.goals.all())
    courses = list(plan.courses.all())
    course_of_series = {s.pk: c.pk for c in courses for s in c.series.all()}
    by_course: dict[int, list[Appointment]] = defaultdict(list)
    for visit in (
        Appointment.objects.filter(series_id__in=list(course_of_series))
        .select_related("location")
        .order_by("start", "pk")
    ):
        by_course[course_of_series[visit.series_id]].append(visit)  # type: ignore[index]
    followed = tuple(
        _course_progress(course, by_course[course.pk], plan.starts_on, now) for course in courses
    )
    attended = sum(course.attended for course in followed)
    today = _today(courses, plan, now)
    reassessment = Reassessment(
        on=plan.reassess_on,
        after_visits=plan.reassess_after_visits,
        attended=attended,
        due_by_date=plan.reassess_on is not None and today >= plan.reassess_on,
        due_by_visits=plan.reassess_after_visits is not None
        and attended >= plan.reassess_after_visits,
    )
    latest = (
        latest_scores(patient_id=plan.patient_id, leaving_out=leaving_out)
        if any(g.instrument for g in goals)
        else {}
    )
    return Progress(
        plan=plan,
        courses=followed,
        reassessment=reassessment,
        goals=tuple(
            GoalProgress(goal, latest.get(Instrument(goal.instrument)))
            if goal.instrument
            else GoalProgress(goal, None)
            for goal in goals
        ),
        measures=_measure_lines(plan, leaving_out),
    )


def _course_progress(
    course: PlanCourse, visits: list[Appointment], starts_on: date, now: datetime
) -> CourseProgress:
    zone = course.location.zone
    today = now.astimezone(zone).date()
    series = list(course.series.all())
    first_day = min((s.first_day for s in series), default=starts_on)
    last_day = first_day + timedelta(weeks=course.weeks, days=-1)
    period = timedelta(weeks=course.every_weeks)
    standing = [v for v in visits if v.status in STANDING]
    held_days = [v.start.astimezone(zone).date() for v in standing if v.status in HELD]
    booked_days = [v.start.astimezone(zone).date() for v in standing]
    periods = [
        (first_day + period * n, min(first_day + period * (n + 1), last_day + timedelta(days=1)))
        for n in range(-(-course.weeks // course.every_weeks))
    ]
    missed = tuple(
        begins
        for begins, ends in periods
        if ends <= today and not any(begins <= day < ends for day in held_days)
    )
    upcoming = [(begins, ends) for begins, ends in periods if begins > today]
    next_unbooked = (
        bool(upcoming)
        and today <= last_day
        and not any(upcoming[0][0] <= day < upcoming[0][1] for day in booked_days)
    )
    return CourseProgress(
        course=course,
        planned=course.planned_visits,
        booked=len(standing),
        attended=len(held_days),
        first_day=first_day,
        last_day=last_day,
        missed=missed,
        next_unbooked=next_unbooked,
        next_visit=next((v.start for v in standing if v.start >= now), None),
        visits=tuple(visits),
    )


def _today(courses: list[PlanCourse], plan: TreatmentPlan, now: datetime) -> date:
    if courses:
        return now.astimezone(courses[0].location.zone).date()
    return timezone.localdate(now)  # the clinic's zone (settings.TIME_ZONE), not UTC's


def _measure_lines(plan: TreatmentPlan, leaving_out: Visits) -> tuple[MeasureLine, ...]:
    requests = (
        requests_less(MeasureRequest.objects.filter(plan_id=plan.pk), leaving_out)
        .select_related("appointment")
        .annotate(answered=Exists(MeasureResult.objects.filter(request_id=OuterRef("pk"))))
        .order_by("due_on", "pk")
    )
    return tuple(MeasureLine(request, _state(request)) for request in requests)


def _state(request: MeasureRequest) -> str:
    if request.answered:  # type: ignore[attr-defined]
        return "answered"
    visit = request.appointment
    if request.cancelled_at is not None or (visit is not None and visit.status not in STANDING):
        return "cancelled"
    return "open"
