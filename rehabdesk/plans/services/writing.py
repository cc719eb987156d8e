"""Writing a plan: created from an assessment, changed while it runs (each change
checked against the revision the page showed), and discharged with a summary — after
which it never changes (plans/guards.py). Each function owns its transaction and puts
what it did on the audit trail for the patient (the kind of change, never its content).
docs/algorithms/treatment-plans.md
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.care.models import VisitNote
from rehabdesk.clinic.models import Practitioner
from rehabdesk.consents.selectors import visits_withheld_from_anyone
from rehabdesk.outcomes.selectors import latest_scores
from rehabdesk.patients.models import Patient
from rehabdesk.plans.choices import DischargeReason, GoalOutcome, PlanStatus
from rehabdesk.plans.errors import PlanError, PlanErrorCode
from rehabdesk.plans.inputs import CourseInput, GoalInput, MeasureInput
from rehabdesk.plans.models import PlanCourse, PlanGoal, PlanMeasure, TreatmentPlan
from rehabdesk.plans.services.checks import (
    CRITERIA_LENGTH,
    SUMMARY_LENGTH,
    CleanCourse,
    clean_courses,
    clean_dates,
    clean_goals,
    clean_measures,
    clean_problems,
    clean_text,
    invalid,
)
from rehabdesk.scheduling.care import cares_for

PLAN = "plans.treatmentplan"


def plan_create(
    *,
    patient: Patient,
    practitioner: Practitioner,
    problems: Sequence[str],
    goals: Sequence[GoalInput],
    courses: Sequence[CourseInput],
    measures: Sequence[MeasureInput],
    starts_on: date,
    reassess_on: date | None,
    reassess_after_visits: int | None,
    discharge_criteria: str,
    assessment_note: VisitNote | None = None,
    user: User,
    now: datetime,
) -> TreatmentPlan:
    """Write a plan for a patient in `practitioner`'s care: problems, measurable goals
    with target dates, courses of visits per discipline, the measures and when, when to
    reassess. Nothing is booked (plan_booking_propose, plan_book)."""
    content = _content(
        patient=patient,
        practitioner=practitioner,
        problems=problems,
        goals=goals,
        courses=courses,
        measures=measures,
        starts_on=starts_on,
        reassess_on=reassess_on,
        reassess_after_visits=reassess_after_visits,
        discharge_criteria=discharge_criteria,
        assessment_note=assessment_note,
    )
    with transaction.atomic():
        plan = TreatmentPlan.objects.create(
            patient=patient,
            practitioner=practitioner,
            assessment_note=assessment_note,
            problems=content.problems,
            starts_on=starts_on,
            reassess_on=reassess_on,
            reassess_after_visits=reassess_after_visits,
            discharge_criteria=content.criteria,
            created_by=user,
        )
        _goals_write(plan, content.goals)
        _measures_write(plan, content.measures)
        PlanCourse.objects.bulk_create(_course_row(plan, course) for course in content.courses)
        _audit(plan, user, AuditAction.CREATE, "treatment plan written", now)
    return plan


def plan_update(
    *,
    plan: TreatmentPlan,
    practitioner: Practitioner,
    problems: Sequence[str],
    goals: Sequence[GoalInput],
    courses: Sequence[CourseInput],
    measures: Sequence[MeasureInput],
    starts_on: date,
    reassess_on: date | None,
    reassess_after_visits: int | None,
    discharge_criteria: str,
    assessment_note: VisitNote | None = None,
    revision: int,
    user: User,
    now: datetime,
) -> TreatmentPlan:
    """Change the plan as the page showed it at `revision` (STALE_PLAN when it changed
    meanwhile, DISCHARGED once discharged). Goals and measures are replaced by the
    lists given; courses are matched by id: a course left out is removed unless it is
    booked, and a booked course keeps its discipline, service, practitioner and
    location (its visits are booked with them) while its counts may change."""
    content = _content(
        patient=plan.patient,
        practitioner=practitioner,
        problems=problems,
        goals=goals,
        courses=courses,
        measures=measures,
        starts_on=starts_on,
        reassess_on=reassess_on,
        reassess_after_visits=reassess_after_visits,
        discharge_criteria=discharge_criteria,
        assessment_note=assessment_note,
    )
    with transaction.atomic():
        # The revision's UPDATE first: it waits for (and then sees) a booking of the
        # plan in progress, which locks the same row.
        changed = TreatmentPlan.objects.filter(
            pk=plan.pk, revision=revision, status=PlanStatus.ACTIVE
        ).update(
            practitioner=practitioner,
            assessment_note=assessment_note,
            problems=content.problems,
            starts_on=starts_on,
            reassess_on=reassess_on,
            reassess_after_visits=reassess_after_visits,
            discharge_criteria=content.criteria,
            revision=F("revision") + 1,
            updated_at=timezone.now(),
        )
        if not changed:
            raise why_not_changed(plan.pk)
        PlanGoal.objects.filter(plan=plan).delete()
        _goals_write(plan, content.goals)
        PlanMeasure.objects.filter(plan=plan).delete()
        _measures_write(plan, content.measures)
        _courses_write(plan, content.courses)
        _audit(plan, user, AuditAction.CHANGE, "treatment plan changed", now)
    return TreatmentPlan.objects.select_related("patient", "practitioner").get(pk=plan.pk)


def plan_discharge(
    *,
    plan: TreatmentPlan,
    reason: str,
    summary: str,
    goal_outcomes: Mapping[int, str],
    user: User,
    now: datetime,
) -> TreatmentPlan:
    """Close the plan: why, the summary, each goal judged (met, partly met, not met,
    by goal id; every goal once). The patient's last score of each measure is copied
    into the summary as it stands now, so the summary reads the same whatever is
    recorded later. From then on the plan never changes (plans/guards.py)."""
    if reason not in DischargeReason.values:
        raise invalid("Choose why the plan ends.", "reason")
    text = clean_text(summary, limit=SUMMARY_LENGTH, field="summary", required=True)
    with transaction.atomic():
        locked = TreatmentPlan.objects.select_for_update().order_by().get(pk=plan.pk)
        if locked.status == PlanStatus.DISCHARGED:
            raise _discharged()
        goals = list(PlanGoal.objects.filter(plan=locked).order_by("position"))
        _judge(goals, goal_outcomes)
        PlanGoal.objects.bulk_update(goals, ["outcome"])
        locked.status = PlanStatus.DISCHARGED
        locked.discharged_at = now
        locked.discharged_by = user
        locked.discharge_reason = reason
        locked.discharge_summary = text + _scores_text(locked.patient_id)
        locked.revision += 1
        locked.save(
            update_fields=[
                "status",
                "discharged_at",
                "discharged_by",
                "discharge_reason",
                "discharge_summary",
                "revision",
                "updated_at",
            ]
        )
        _audit(locked, user, AuditAction.CHANGE, "treatment plan discharged", now)
    return locked


# --- Helpers ----------------------------------------------------------------------------


class _Content:
    def __init__(
        self,
        problems: list[str],
        goals: list[GoalInput],
        courses: list[CleanCourse],
        measures: list[MeasureInput],
        criteria: str,
    ) -> None:
        self.problems, self.goals, self.courses = problems, goals, courses
        self.measures, self.criteria = measures, criteria


def _content(
    *,
    patient: Patient,
    practitioner: Practitioner,
    problems: Sequence[str],
    goals: Sequence[GoalInput],
    courses: Sequence[CourseInput],
    measures: Sequence[MeasureInput],
    starts_on: date,
    reassess_on: date | None,
    reassess_after_visits: int | None,
    discharge_criteria: str,
    assessment_note: VisitNote | None,
) -> _Content:
    """Everything checked before anything is written: a refusal leaves nothing."""
    clean_dates(
        starts_on=starts_on,
        reassess_on=reassess_on,
        reassess_after_visits=reassess_after_visits,
    )
    content = _Content(
        problems=clean_problems(problems),
        goals=clean_goals(goals, starts_on=starts_on),
        courses=clean_courses(courses),
        measures=clean_measures(measures),
        criteria=clean_text(discharge_criteria, limit=CRITERIA_LENGTH, field="discharge_criteria"),
    )
    if assessment_note is not None and assessment_note.patient_id != patient.pk:
        raise invalid("The assessment is another patient's note.", "assessment_note")
    if not _in_care(practitioner, patient):
        raise PlanError(
            PlanErrorCode.NOT_THEIR_PATIENT,
            f"{practitioner.display_name} has not seen this patient and is not assigned "
            "to their care.",
            field="practitioner",
        )
    return content


def _in_care(practitioner: Practitioner, patient: Patient) -> bool:
    """Whether the practitioner looks after the patient (scheduling.care)."""
    return cares_for(practitioner_id=practitioner.pk, patient_id=patient.pk)


def why_not_changed(plan_id: int) -> PlanError:
    status = TreatmentPlan.objects.filter(pk=plan_id).values_list("status", flat=True).first()
    if status == PlanStatus.DISCHARGED:
        return _discharged()
    return PlanError(
        PlanErrorCode.STALE_PLAN,
        "This plan was changed meanwhile, in another window: reload it to carry on.",
    )


def _discharged() -> PlanError:
    return PlanError(
        PlanErrorCode.DISCHARGED,
        "This plan is discharged and never changes: write a new plan instead.",
    )


def _goals_write(plan: TreatmentPlan, goals: Sequence[GoalInput]) -> None:
    PlanGoal.objects.bulk_create(
        PlanGoal(
            plan=plan,
            position=position,
            text=goal.text,
            instrument=goal.instrument,
            target=goal.target,
            target_on=goal.target_on,
        )
        for position, goal in enumerate(goals, start=1)
    )


def _measures_write(plan: TreatmentPlan, measures: Sequence[MeasureInput]) -> None:
    PlanMeasure.objects.bulk_create(
        PlanMeasure(
            plan=plan,
            instrument=measure.instrument,
            at_start=measure.at_start,
            every_visits=measure.every_visits,
            at_discharge=measure.at_discharge,
        )
        for measure in measures
    )


def _course_row(plan: TreatmentPlan, course: CleanCourse) -> PlanCourse:
    return PlanCourse(
        plan=plan,
        discipline=course.discipline,
        service=course.service,
        practitioner=course.practitioner,
        location=course.location,
        visits=course.visits,
        every_weeks=course.every_weeks,
        weeks=course.weeks,
    )


def _courses_write(plan: TreatmentPlan, courses: Sequence[CleanCourse]) -> None:
    """Courses matched by id (read once the plan's row is ours: a booking in progress
    has finished): new ones created, the others changed in place or removed."""
    existing = {course.pk: course for course in PlanCourse.objects.filter(plan=plan)}
    booked = set(
        PlanCourse.series.through.objects.filter(plancourse__plan=plan).values_list(
            "plancourse_id", flat=True
        )
    )
    kept = {course.id for course in courses if course.id is not None}
    for index, course in enumerate(courses):
        if course.id is not None and course.id not in existing:
            raise invalid("This course is not one of the plan's.", f"courses-{index}")
        if course.id in booked and _moved(existing[course.id], course):
            raise invalid(
                "This course is booked: its discipline, service, practitioner and location "
                "stay as booked (change the visits themselves on the schedule).",
                f"courses-{index}",
            )
    removed = set(existing) - kept
    if removed & booked:
        raise invalid(
            "A booked course stays on the plan: cancel its visits on the schedule and set "
            "its weeks instead.",
            "courses",
        )
    PlanCourse.objects.filter(pk__in=removed).delete()
    changed = []
    for course in courses:
        if course.id is None:
            continue
        row = existing[course.id]
        row.discipline, row.service = course.discipline, course.service
        row.practitioner, row.location = course.practitioner, course.location
        row.visits, row.every_weeks, row.weeks = course.visits, course.every_weeks, course.weeks
        changed.append(row)
    PlanCourse.objects.bulk_update(
        changed,
        ["discipline", "service", "practitioner", "location", "visits", "every_weeks", "weeks"],
    )
    PlanCourse.objects.bulk_create(
        _course_row(plan, course) for course in courses if course.id is None
    )


def _moved(row: PlanCourse, course: CleanCourse) -> bool:
    return (row.discipline_id, row.service_id, row.practitioner_id, row.location_id) != (
        course.discipline.pk,
        course.service.pk,
        course.practitioner.pk,
        course.location.pk,
    )


def _judge(goals: list[PlanGoal], outcomes: Mapping[int, str]) -> None:
    ids = {goal.pk for goal in goals}
    if set(outcomes) - ids:
        raise invalid("Judge the plan's own goals.", "goal_outcomes")
    for goal in goals:
        outcome = outcomes.get(goal.pk)
        if outcome not in GoalOutcome.values:
            raise invalid("Say whether this goal was met.", f"goal-{goal.pk}")
        goal.outcome = str(outcome)


def _scores_text(patient_id: int) -> str:
    """The patient's last score of each measure, as words appended to the summary. A
    score taken for a visit the patient withholds from any practitioner is left out:
    the summary is read by every practitioner in care, for as long as the record is
    kept, whoever the directive named (docs/domain/lockbox.md)."""
    withheld = visits_withheld_from_anyone(patient_id=patient_id)
    latest = latest_scores(patient_id=patient_id, leaving_out=withheld)
    if not latest:
        return ""
    lines = [
        f"- {result.get_instrument_display()}: {_score(result.score)} "
        f"({timezone.localtime(result.taken_at):%b %-d, %Y})"
        for result in sorted(latest.values(), key=lambda r: (r.instrument, r.taken_at))
    ]
    return "\n\nLast scores at discharge:\n" + "\n".join(lines)


def _score(score: Decimal | None) -> str:
    if score is None:
        return "no score"
    text = f"{score:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _audit(
    plan: TreatmentPlan, user: User, action: AuditAction, summary: str, now: datetime
) -> None:
    audit_record(
        actor=user,
        action=action,
        object_type=PLAN,
        object_id=plan.pk,
        patient_ids=[plan.patient_id],
        summary=summary,
        now=now,
    )
