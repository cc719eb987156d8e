"""What a plan may say, checked before anything is written: the problems, goals,
courses and measures as the practitioner wrote them, cleaned, or a PlanError naming
the field at fault (`goals-2-target_on`: the third goal's target date).

A plan runs for at most MAX_PLAN_WEEKS from its start: a course, a goal's target date
or a reassessment date beyond that is TOO_LONG. A course's service and practitioner
must be of the course's discipline (WRONG_DISCIPLINE)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from rehabdesk.clinic.models import Discipline, Location, Practitioner, Service
from rehabdesk.outcomes.scoring import SPECS, Instrument
from rehabdesk.plans.errors import PlanError, PlanErrorCode
from rehabdesk.plans.inputs import CourseInput, GoalInput, MeasureInput
from rehabdesk.plans.models import MAX_PLAN_WEEKS

PROBLEMS_MAX = 20
PROBLEM_LENGTH = 300
GOALS_MAX = 12
GOAL_LENGTH = 300  # PlanGoal.text
COURSES_MAX = 6
VISITS_PER_WEEK_MAX = 7  # PlanCourse.visits
EVERY_WEEKS_MAX = 8  # PlanCourse.every_weeks
EVERY_VISITS_MAX = 52
REASSESS_AFTER_MAX = 7 * MAX_PLAN_WEEKS
CRITERIA_LENGTH = 2000
SUMMARY_LENGTH = 5000
# PlanGoal.target: 7 digits, 2 after the point.
TARGET_LIMIT = Decimal("99999.99")


def invalid(message: str, field: str | None = None) -> PlanError:
    return PlanError(PlanErrorCode.INVALID, message, field=field)


def plan_end(starts_on: date) -> date:
    """The last day a plan starting on `starts_on` may reach."""
    return starts_on + timedelta(weeks=MAX_PLAN_WEEKS)


def clean_problems(problems: Sequence[str]) -> list[str]:
    cleaned = [str(problem).strip() for problem in problems if str(problem).strip()]
    if not cleaned:
        raise invalid("Write at least one problem the plan addresses.", "problems")
    if len(cleaned) > PROBLEMS_MAX:
        raise invalid(f"A plan lists at most {PROBLEMS_MAX} problems.", "problems")
    for problem in cleaned:
        if len(problem) > PROBLEM_LENGTH:
            raise invalid(f"Write each problem in at most {PROBLEM_LENGTH} characters.", "problems")
    return cleaned


def clean_dates(
    *, starts_on: date, reassess_on: date | None, reassess_after_visits: int | None
) -> None:
    if not isinstance(starts_on, date):
        raise invalid("When does the plan start?", "starts_on")
    if reassess_on is not None:
        if reassess_on < starts_on:
            raise invalid("Reassess on or after the plan's start.", "reassess_on")
        if reassess_on > plan_end(starts_on):
            raise _too_long("reassess_on")
    if reassess_after_visits is not None and not 1 <= reassess_after_visits <= REASSESS_AFTER_MAX:
        raise invalid(f"Reassess after 1 to {REASSESS_AFTER_MAX} visits.", "reassess_after_visits")
    if reassess_on is None and reassess_after_visits is None:
        raise invalid(
            "Say when to reassess: on a date, after a number of visits, or both.", "reassess_on"
        )


def clean_text(text: str, *, limit: int, field: str, required: bool = False) -> str:
    cleaned = (text or "").strip()
    if required and not cleaned:
        raise invalid("This is required.", field)
    if len(cleaned) > limit:
        raise invalid(f"At most {limit} characters.", field)
    return cleaned


def clean_goals(goals: Sequence[GoalInput], *, starts_on: date) -> list[GoalInput]:
    if not goals:
        raise invalid("Write at least one measurable goal.", "goals")
    if len(goals) > GOALS_MAX:
        raise invalid(f"A plan has at most {GOALS_MAX} goals.", "goals")
    return [_goal(goal, starts_on, f"goals-{index}") for index, goal in enumerate(goals)]


def _goal(goal: GoalInput, starts_on: date, field: str) -> GoalInput:
    text = clean_text(goal.text, limit=GOAL_LENGTH, field=f"{field}-text", required=True)
    if not isinstance(goal.target_on, date):
        raise invalid("A goal needs a target date.", f"{field}-target_on")
    if goal.target_on < starts_on:
        raise invalid("A goal's target date is after the plan's start.", f"{field}-target_on")
    if goal.target_on > plan_end(starts_on):
        raise _too_long(f"{field}-target_on")
    instrument = _instrument(goal.instrument, f"{field}-instrument", required=False)
    target = _target(goal.target, f"{field}-target")
    if bool(instrument) != (target is not None):
        raise invalid(
            "A goal tied to a measure names both the measure and the score to reach.",
            f"{field}-target" if instrument else f"{field}-instrument",
        )
    if instrument and target is not None:
        spec = SPECS[Instrument(instrument)]
        if not spec.score_min <= target <= spec.score_max:
            raise invalid(
                f"A {instrument.upper()} score is between {spec.score_min} and {spec.score_max}.",
                f"{field}-target",
            )
    return GoalInput(text=text, target_on=goal.target_on, instrument=instrument, target=target)


def _target(value: Decimal | None, field: str) -> Decimal | None:
    if value is None:
        return None
    try:
        target = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise invalid("Write the target as a number.", field) from None
    if not target.is_finite() or abs(target) > TARGET_LIMIT or target != round(target, 2):
        raise invalid("Write the target as a number with at most two decimals.", field)
    return target


def _instrument(code: str, field: str, *, required: bool) -> str:
    if not code:
        if required:
            raise invalid("Choose a measure.", field)
        return ""
    if code not in {instrument.value for instrument in Instrument}:
        raise invalid("Choose one of the measures offered.", field)
    return str(code)


@dataclass(frozen=True)
class CleanCourse:
    """A course as checked: its rows loaded, its counts in range."""

    id: int | None
    discipline: Discipline
    service: Service
    practitioner: Practitioner
    location: Location
    visits: int
    every_weeks: int
    weeks: int


def clean_courses(courses: Sequence[CourseInput]) -> list[CleanCourse]:
    """Each course with its discipline, service, practitioner and location read in one
    query per kind, whatever the number of courses."""
    if not courses:
        raise invalid("Plan at least one course of visits.", "courses")
    if len(courses) > COURSES_MAX:
        raise invalid(f"A plan has at most {COURSES_MAX} courses.", "courses")
    disciplines = Discipline.objects.in_bulk({c.discipline_id for c in courses})
    services = Service.objects.in_bulk({c.service_id for c in courses})
    practitioners = Practitioner.objects.in_bulk({c.practitioner_id for c in courses})
    locations = Location.objects.in_bulk({c.location_id for c in courses})
    practises = set(
        Practitioner.disciplines.through.objects.filter(
            practitioner_id__in=list(practitioners)
        ).values_list("practitioner_id", "discipline_id")
    )
    return [
        _course(
            course,
            f"courses-{index}",
            disciplines.get(course.discipline_id),
            services.get(course.service_id),
            practitioners.get(course.practitioner_id),
            locations.get(course.location_id),
            practises,
        )
        for index, course in enumerate(courses)
    ]


def _course(
    course: CourseInput,
    field: str,
    discipline: Discipline | None,
    service: Service | None,
    practitioner: Practitioner | None,
    location: Location | None,
    practises: set[tuple[int, int]],
) -> CleanCourse:
    if discipline is None or not discipline.active:
        raise invalid("Choose one of the clinic's disciplines.", f"{field}-discipline")
    if service is None or not service.active:
        raise invalid("Choose one of the clinic's services.", f"{field}-service")
    if practitioner is None or not practitioner.active:
        raise invalid("Choose one of the clinic's practitioners.", f"{field}-practitioner")
    if location is None or not location.active:
        raise invalid("Choose one of the clinic's locations.", f"{field}-location")
    if service.discipline_id != discipline.pk:
        raise PlanError(
            PlanErrorCode.WRONG_DISCIPLINE,
            f"{service.name} is not a {discipline.name.lower()} service.",
            field=f"{field}-service",
        )
    if (practitioner.pk, discipline.pk) not in practises:
        raise PlanError(
            PlanErrorCode.WRONG_DISCIPLINE,
            f"{practitioner.display_name} does not practise {discipline.name.lower()}.",
            field=f"{field}-practitioner",
        )
    visits, every_weeks, weeks = (
        _whole(course.visits, f"{field}-visits"),
        _whole(course.every_weeks, f"{field}-every_weeks"),
        _whole(course.weeks, f"{field}-weeks"),
    )
    if not 1 <= visits <= VISITS_PER_WEEK_MAX:
        raise invalid(f"1 to {VISITS_PER_WEEK_MAX} visits at a time.", f"{field}-visits")
    if not 1 <= every_weeks <= EVERY_WEEKS_MAX:
        raise invalid(f"Every 1 to {EVERY_WEEKS_MAX} weeks.", f"{field}-every_weeks")
    if weeks > MAX_PLAN_WEEKS:
        raise _too_long(f"{field}-weeks")
    if weeks < 1:
        raise invalid("A course runs for at least a week.", f"{field}-weeks")
    return CleanCourse(
        id=course.id,
        discipline=discipline,
        service=service,
        practitioner=practitioner,
        location=location,
        visits=visits,
        every_weeks=every_weeks,
        weeks=weeks,
    )


def _whole(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid("Write a whole number.", field)
    return value


def clean_measures(measures: Sequence[MeasureInput]) -> list[MeasureInput]:
    cleaned, seen = [], set()
    for index, measure in enumerate(measures):
        field = f"measures-{index}"
        instrument = _instrument(measure.instrument, f"{field}-instrument", required=True)
        if instrument in seen:
            raise invalid("Each measure once per plan.", f"{field}-instrument")
        seen.add(instrument)
        every = measure.every_visits
        if (
            every is not None
            and not 1 <= _whole(every, f"{field}-every_visits") <= EVERY_VISITS_MAX
        ):
            raise invalid(f"Every 1 to {EVERY_VISITS_MAX} visits.", f"{field}-every_visits")
        if not (measure.at_start or every or measure.at_discharge):
            raise invalid(
                "Ask the measure at the start, every few visits or at discharge.",
                f"{field}-at_start",
            )
        cleaned.append(
            MeasureInput(
                instrument=instrument,
                at_start=bool(measure.at_start),
                every_visits=every,
                at_discharge=bool(measure.at_discharge),
            )
        )
    return cleaned


def _too_long(field: str) -> PlanError:
    return PlanError(
        PlanErrorCode.TOO_LONG,
        f"A plan runs for at most {MAX_PLAN_WEEKS} weeks: plan a reassessment and a new "
        "plan instead.",
        field=field,
    )
