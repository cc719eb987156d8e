"""A plan written and changed through the services: what is stored, what is put on the
audit trail, and every refusal leaving nothing behind (a plan longer than a year, a
course of another discipline, a practitioner without the patient in care, a goal
without a target date, a stale revision)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.plans.errors import PlanError, PlanErrorCode
from rehabdesk.plans.inputs import GoalInput, MeasureInput
from rehabdesk.plans.models import PlanCourse, PlanGoal, PlanMeasure, TreatmentPlan
from rehabdesk.plans.services import plan_create, plan_update
from rehabdesk.plans.testing import NOW, write_plan

pytestmark = pytest.mark.django_db
TODAY = NOW.date()


def _write(world, **changes):
    values = {
        "patient": world.patient,
        "practitioner": world.physio,
        "problems": ["Low back pain"],
        "goals": [GoalInput("Lifts 10 kg without pain", TODAY + timedelta(weeks=6))],
        "courses": [world.course()],
        "measures": [MeasureInput("odi", every_visits=4)],
        "starts_on": TODAY,
        "reassess_on": TODAY + timedelta(weeks=3),
        "reassess_after_visits": None,
        "discharge_criteria": "Back at work",
        "user": world.physio.user,
        "now": NOW,
    }
    return plan_create(**(values | changes))


def _refused(world, code, field, **changes):
    before = (TreatmentPlan.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PlanError) as refusal:
        _write(world, **changes)
    assert (refusal.value.code, refusal.value.field) == (code, field)
    assert (TreatmentPlan.objects.count(), AuditEvent.objects.count()) == before
    assert not PlanGoal.objects.exists()
    assert not PlanCourse.objects.exists()


def test_it_stores_the_plan_whole_and_audits_it_for_the_patient(world):
    plan = _write(
        world,
        goals=[
            GoalInput("  Sits a work day  ", TODAY + timedelta(weeks=6), "odi", Decimal("20")),
            GoalInput("Walks 5 km", TODAY + timedelta(weeks=8)),
        ],
        courses=[world.course(), world.course(massage=True, visits=1, every_weeks=2, weeks=8)],
    )
    goals = list(plan.goals.order_by("position"))
    assert [(g.position, g.text, g.instrument, g.target) for g in goals] == [
        (1, "Sits a work day", "odi", Decimal("20")),
        (2, "Walks 5 km", "", None),
    ]
    courses = list(plan.courses.order_by("pk"))
    assert [c.planned_visits for c in courses] == [12, 4]
    assert courses[1].discipline == world.massage_therapy
    assert list(
        PlanMeasure.objects.filter(plan=plan).values_list("instrument", "every_visits")
    ) == [("odi", 4)]
    assert (plan.revision, plan.status, plan.created_by) == (1, "active", world.physio.user)
    event = AuditEvent.objects.get(object_type="plans.treatmentplan", object_id=str(plan.pk))
    assert (event.action, event.summary) == ("create", "treatment plan written")
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [world.patient.pk]


def test_a_plan_longer_than_a_year_is_refused(world):
    _refused(world, PlanErrorCode.TOO_LONG, "courses-0-weeks", courses=[world.course(weeks=53)])
    _refused(
        world,
        PlanErrorCode.TOO_LONG,
        "goals-0-target_on",
        goals=[GoalInput("Runs", TODAY + timedelta(weeks=52, days=1))],
    )
    _refused(world, PlanErrorCode.TOO_LONG, "reassess_on", reassess_on=TODAY + timedelta(weeks=53))
    # Exactly a year is allowed.
    assert _write(world, courses=[world.course(weeks=52)]).courses.get().weeks == 52


def test_a_course_of_another_discipline_is_refused(world):
    wrong_service = replace(world.course(), service_id=world.massage.pk)
    _refused(world, PlanErrorCode.WRONG_DISCIPLINE, "courses-0-service", courses=[wrong_service])
    wrong_person = replace(world.course(massage=True), practitioner_id=world.physio.pk)
    _refused(
        world, PlanErrorCode.WRONG_DISCIPLINE, "courses-0-practitioner", courses=[wrong_person]
    )


def test_a_practitioner_without_the_patient_in_care_is_refused(world):
    _refused(world, PlanErrorCode.NOT_THEIR_PATIENT, "practitioner", patient=world.other_patient)
    _refused(
        world, PlanErrorCode.NOT_THEIR_PATIENT, "practitioner", practitioner=world.massage_therapist
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"problems": ["  "]}, "problems"),
        ({"goals": []}, "goals"),
        ({"goals": [GoalInput("", TODAY)]}, "goals-0-text"),
        ({"goals": [GoalInput("Runs", None)]}, "goals-0-target_on"),  # type: ignore[arg-type]
        ({"goals": [GoalInput("Runs", TODAY - timedelta(days=1))]}, "goals-0-target_on"),
        ({"goals": [GoalInput("Runs", TODAY, "odi")]}, "goals-0-target"),
        ({"goals": [GoalInput("Runs", TODAY, "", Decimal(3))]}, "goals-0-instrument"),
        ({"goals": [GoalInput("Runs", TODAY, "xyz", Decimal(3))]}, "goals-0-instrument"),
        ({"goals": [GoalInput("Runs", TODAY, "odi", Decimal("3.333"))]}, "goals-0-target"),
        ({"goals": [GoalInput("Runs", TODAY, "odi", Decimal(101))]}, "goals-0-target"),
        ({"goals": [GoalInput("Runs", TODAY, "groc", Decimal(-8))]}, "goals-0-target"),
        ({"courses": []}, "courses"),
        ({"measures": [MeasureInput("odi"), MeasureInput("odi")]}, "measures-1-instrument"),
        (
            {"measures": [MeasureInput("nprs", at_start=False, at_discharge=False)]},
            "measures-0-at_start",
        ),
        ({"measures": [MeasureInput("nprs", every_visits=0)]}, "measures-0-every_visits"),
        ({"reassess_on": None}, "reassess_on"),
        ({"reassess_on": TODAY - timedelta(days=1)}, "reassess_on"),
        ({"discharge_criteria": "x" * 2001}, "discharge_criteria"),
    ],
)
def test_malformed_input_is_refused_naming_the_field(world, changes, field):
    _refused(world, PlanErrorCode.INVALID, field, **changes)


@pytest.mark.parametrize(
    ("course_change", "field"),
    [
        ({"visits": 0}, "courses-0-visits"),
        ({"visits": 8}, "courses-0-visits"),
        ({"every_weeks": 9}, "courses-0-every_weeks"),
        ({"weeks": 0}, "courses-0-weeks"),
        ({"service_id": 0}, "courses-0-service"),
        ({"location_id": 0}, "courses-0-location"),
    ],
)
def test_a_course_out_of_range_is_refused(world, course_change, field):
    _refused(
        world, PlanErrorCode.INVALID, field, courses=[replace(world.course(), **course_change)]
    )


def test_a_change_replaces_goals_and_measures_and_keeps_courses_by_id(world):
    plan = write_plan(world, measures=[MeasureInput("odi")])
    course = plan.courses.get()
    changed = plan_update(
        plan=plan,
        practitioner=world.physio,
        problems=["Low back pain", "Fear of lifting"],
        goals=[GoalInput("Lifts 10 kg", TODAY + timedelta(weeks=4))],
        courses=[world.course(id=course.pk, weeks=4), world.course(massage=True, visits=1)],
        measures=[MeasureInput("nprs", every_visits=2)],
        starts_on=TODAY,
        reassess_on=None,
        reassess_after_visits=4,
        discharge_criteria="",
        revision=1,
        user=world.physio.user,
        now=NOW,
    )
    assert (changed.revision, changed.problems) == (2, ["Low back pain", "Fear of lifting"])
    assert list(changed.goals.values_list("text", flat=True)) == ["Lifts 10 kg"]
    assert list(PlanMeasure.objects.filter(plan=plan).values_list("instrument", flat=True)) == [
        "nprs"
    ]
    courses = list(changed.courses.order_by("pk"))
    assert (courses[0].pk, courses[0].weeks, len(courses)) == (course.pk, 4, 2)
    summaries = AuditEvent.objects.filter(object_id=str(plan.pk)).values_list("summary", flat=True)
    assert "treatment plan changed" in summaries


def test_a_change_from_a_stale_page_is_refused_and_changes_nothing(world):
    plan = write_plan(world)
    update = {
        "plan": plan,
        "practitioner": world.physio,
        "problems": ["Other"],
        "goals": [GoalInput("Walks", TODAY + timedelta(weeks=2))],
        "courses": [world.course(id=plan.courses.get().pk)],
        "measures": [],
        "starts_on": TODAY,
        "reassess_on": None,
        "reassess_after_visits": 3,
        "discharge_criteria": "",
        "user": world.physio.user,
        "now": NOW,
    }
    plan_update(**update, revision=1)
    with pytest.raises(PlanError) as refusal:
        plan_update(**(update | {"problems": ["Lost"]}), revision=1)
    assert refusal.value.code == PlanErrorCode.STALE_PLAN
    assert TreatmentPlan.objects.get(pk=plan.pk).problems == ["Other"]


def test_a_course_of_another_plan_is_refused(world):
    plan, other = write_plan(world), write_plan(world)
    with pytest.raises(PlanError) as refusal:
        plan_update(
            plan=plan,
            practitioner=world.physio,
            problems=["x"],
            goals=[GoalInput("Walks", TODAY)],
            courses=[world.course(id=other.courses.get().pk)],
            measures=[],
            starts_on=TODAY,
            reassess_on=TODAY,
            reassess_after_visits=None,
            discharge_criteria="",
            revision=1,
            user=world.physio.user,
            now=NOW,
        )
    assert (refusal.value.code, refusal.value.field) == (PlanErrorCode.INVALID, "courses-0")
    assert TreatmentPlan.objects.get(pk=plan.pk).revision == 1
