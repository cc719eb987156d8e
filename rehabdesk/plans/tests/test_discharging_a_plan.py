"""Discharge closes the plan: why, the summary with the patient's last scores copied in,
each goal judged; audited. From then on nothing changes it — the services refuse
(DISCHARGED) and the database refuses whatever asks; no plan is ever deleted."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from rehabdesk.audit.models import AuditEvent
from rehabdesk.core import database
from rehabdesk.outcomes.choices import ResultSource
from rehabdesk.outcomes.services import measure_result_record
from rehabdesk.plans import guards
from rehabdesk.plans.errors import PlanError, PlanErrorCode
from rehabdesk.plans.inputs import GoalInput
from rehabdesk.plans.models import PlanGoal, TreatmentPlan
from rehabdesk.plans.services import (
    plan_book,
    plan_booking_propose,
    plan_discharge,
    plan_update,
)
from rehabdesk.plans.testing import NOW, write_plan

pytestmark = pytest.mark.django_db
LATER = NOW + timedelta(weeks=6)
GOALS = [
    GoalInput("ODI 20 or less", date(2027, 4, 19), "odi", Decimal(20)),
    GoalInput("Back to gardening", date(2027, 4, 19)),
]


def refused(change) -> bool:
    try:
        with transaction.atomic():
            change()
    except IntegrityError as error:
        return "never changes" in str(error)
    return False


def _discharge(world, plan, **changes):
    goals = list(plan.goals.order_by("position"))
    values = {
        "plan": plan,
        "reason": "goals_met",
        "summary": "Back at work; independent with the home program.",
        "goal_outcomes": {goals[0].pk: "met", goals[1].pk: "partly_met"},
        "user": world.physio.user,
        "now": LATER,
    }
    return plan_discharge(**(values | changes))


def test_it_has_its_guard_in_place_after_the_migrations():
    assert database.missing_guards(guards.GUARDS) == []


def test_discharge_judges_each_goal_copies_the_last_scores_and_is_audited(world):
    plan = write_plan(world, goals=GOALS)
    for answer, when in ((8, NOW), (3, NOW + timedelta(weeks=5))):
        measure_result_record(
            patient=world.patient,
            instrument="nprs",
            answers={"1": answer},
            context="now",
            source=ResultSource.PRACTITIONER,
            recorded_by=world.physio.user,
            now=when,
        )
    discharged = _discharge(world, plan)
    assert (discharged.status, discharged.discharge_reason, discharged.discharged_at) == (
        "discharged",
        "goals_met",
        LATER,
    )
    assert discharged.discharge_summary == (
        "Back at work; independent with the home program.\n\n"
        "Last scores at discharge:\n- Pain rating (NPRS): 3 (Apr 12, 2027)"
    )
    assert list(plan.goals.order_by("position").values_list("outcome", flat=True)) == [
        "met",
        "partly_met",
    ]
    event = AuditEvent.objects.get(summary="treatment plan discharged")
    assert (event.object_id, event.actor) == (str(plan.pk), world.physio.user)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": "bored"}, "reason"),
        ({"summary": "  "}, "summary"),
        ({"goal_outcomes": {}}, "goal-"),
        ({"goal_outcomes": {0: "met"}}, "goal_outcomes"),
    ],
)
def test_an_incomplete_discharge_is_refused_and_changes_nothing(world, changes, field):
    plan = write_plan(world, goals=GOALS)
    with pytest.raises(PlanError) as refusal:
        _discharge(world, plan, **changes)
    assert refusal.value.code == PlanErrorCode.INVALID
    assert (refusal.value.field or "").startswith(field)
    assert TreatmentPlan.objects.get(pk=plan.pk).status == "active"
    assert set(PlanGoal.objects.filter(plan=plan).values_list("outcome", flat=True)) == {""}


def test_after_discharge_the_services_refuse_every_change(world):
    plan = write_plan(world, goals=GOALS)
    proposal = plan_booking_propose(plan=plan, both_locations=False, now=NOW)
    _discharge(world, plan)
    for change in (
        lambda: _discharge(world, plan),
        lambda: plan_booking_propose(plan=plan, both_locations=False, now=NOW),
        lambda: plan_book(plan=plan, proposal=proposal, actor=world.physio.user, now=NOW),
        lambda: plan_update(
            plan=plan,
            practitioner=world.physio,
            problems=["x"],
            goals=GOALS,
            courses=[world.course(id=plan.courses.get().pk)],
            measures=[],
            starts_on=NOW.date(),
            reassess_on=None,
            reassess_after_visits=3,
            discharge_criteria="",
            revision=TreatmentPlan.objects.get(pk=plan.pk).revision,
            user=world.physio.user,
            now=NOW,
        ),
    ):
        with pytest.raises(PlanError) as refusal:
            change()
        assert refusal.value.code == PlanErrorCode.DISCHARGED


def test_the_database_refuses_changing_a_discharged_plan_and_deleting_any(world):
    active, closed = write_plan(world, goals=GOALS), write_plan(world, goals=GOALS)
    _discharge(world, closed)
    rows = TreatmentPlan.objects.filter(pk=closed.pk)
    assert refused(lambda: rows.update(discharge_summary="rewritten"))
    assert refused(lambda: rows.update(status="active", discharged_at=None, discharge_reason=""))

    def raw(statement, pk):
        with connection.cursor() as cursor:
            cursor.execute(statement, [pk])

    assert refused(
        lambda: raw("UPDATE plans_treatmentplan SET revision = 9 WHERE id = %s", closed.pk)
    )
    assert refused(lambda: raw("DELETE FROM plans_treatmentplan WHERE id = %s", active.pk))
    # An active plan still changes.
    TreatmentPlan.objects.filter(pk=active.pk).update(revision=5)
    assert TreatmentPlan.objects.get(pk=closed.pk).discharge_summary.startswith("Back at work")
