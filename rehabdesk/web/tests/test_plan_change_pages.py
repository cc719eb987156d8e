"""Changing a treatment plan and closing it: the plan's form filled in as it stands,
saved with the revision it was read at — a tab left open while the plan changed
elsewhere is told so, keeps what was typed and saves nothing until saved again —; the
discharge with its reason, each goal judged and the summary, after which the plan
reads as closed and changes no more."""

from __future__ import annotations

import re

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.plans.choices import PlanStatus
from rehabdesk.plans.models import PlanCourse, PlanGoal, TreatmentPlan
from rehabdesk.web.tests.plan_world import (
    a_plan,
    booked,
    plan_post,
    plan_url,
    plan_world,
    signed_in,
)

pytestmark = pytest.mark.django_db


def _squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def _edit_post(world, plan, **changes):
    """The plan's form as the edit page posts it: its revision and its course's id."""
    course = PlanCourse.objects.filter(plan=plan).earliest("pk")
    data = plan_post(world, revision=str(plan.revision), **{"courses-0-id": course.pk})
    data.update({name: str(value) for name, value in changes.items()})
    return data


def test_the_edit_page_shows_the_plan_as_it_stands_with_its_revision(personas):
    world = plan_world(personas)
    plan = a_plan(world)
    course = plan.courses.get()

    html = signed_in(personas, "physio").get(plan_url("plan-edit", plan)).text

    assert "Low back pain limiting sitting and lifting</textarea>" in html
    assert 'value="Sits through a work day with pain under 3/10"' in html
    assert f'name="revision" value="{plan.revision}"' in html
    assert f'name="courses-0-id" value="{course.pk}"' in html
    # Its rows, then blank ones to add more.
    assert 'name="goals-TOTAL_FORMS" value="3"' in html
    assert 'name="courses-TOTAL_FORMS" value="2"' in html


def test_a_change_saves_with_the_revision_and_keeps_the_course(personas):
    world = plan_world(personas)
    plan = a_plan(world)
    course = plan.courses.get()
    client = signed_in(personas, "physio")

    response = client.post(
        plan_url("plan-edit", plan), _edit_post(world, plan, **{"courses-0-weeks": "8"})
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.revision == 2
    assert plan.problems == ["Sitting tolerance 20 minutes", "Cannot lift a laundry basket"]
    kept = PlanCourse.objects.get(pk=course.pk)
    assert kept.weeks == 8
    assert PlanCourse.objects.filter(plan=plan).count() == 2  # the massage course added
    assert "The plan is saved." in client.get(response["Location"]).text


def test_a_stale_tab_is_told_keeps_what_was_typed_and_saves_nothing(personas):
    world = plan_world(personas)
    plan = a_plan(world)
    client = signed_in(personas, "physio")
    first_tab = _edit_post(world, plan, problems="Typed in the first tab")
    client.post(plan_url("plan-edit", plan), _edit_post(world, plan, problems="Saved elsewhere"))

    stale = client.post(plan_url("plan-edit", plan), first_tab)

    assert stale.status_code == 409
    html = _squash(stale.text)
    assert "This plan was changed in another tab or by a colleague since you opened it." in html
    assert "Nothing of yours is saved yet" in html
    assert "Typed in the first tab</textarea>" in html
    plan.refresh_from_db()
    assert plan.problems == ["Saved elsewhere"]
    # Saving again, once told, replaces it: the page now carries the newer revision.
    assert f'name="revision" value="{plan.revision}"' in stale.text
    again = client.post(plan_url("plan-edit", plan), {**first_tab, "revision": str(plan.revision)})
    assert again.status_code == 302
    plan.refresh_from_db()
    assert plan.problems == ["Typed in the first tab"]


def test_a_bad_change_is_refused_beside_its_field_and_the_plan_stays(personas):
    world = plan_world(personas)
    plan = a_plan(world)
    goals_before = list(PlanGoal.objects.filter(plan=plan).values_list("text", flat=True))

    response = signed_in(personas, "physio").post(
        plan_url("plan-edit", plan), _edit_post(world, plan, **{"goals-0-target_on": ""})
    )

    assert response.status_code == 200
    assert "Give the goal a target date." in response.text
    plan.refresh_from_db()
    assert plan.revision == 1
    assert list(PlanGoal.objects.filter(plan=plan).values_list("text", flat=True)) == goals_before


def test_a_discharge_closes_the_plan_with_each_goal_judged(personas):
    world = plan_world(personas)
    plan = booked(world, a_plan(world, courses=[world.course(weeks=2)]))
    goal = plan.goals.get()
    client = signed_in(personas, "physio")
    before = AuditEvent.objects.count()

    form = client.get(plan_url("plan-discharge", plan))
    done = client.post(
        plan_url("plan-discharge", plan),
        {"reason": "goals_met", f"goal_{goal.pk}": "partly_met", "summary": "Sitting 2 hours."},
    )

    assert form.status_code == 200
    assert "Sits through a work day with pain under 3/10" in form.text
    assert "Target: ODI 20 or less by" in _squash(form.text)
    assert done.status_code == 302
    plan.refresh_from_db()
    goal.refresh_from_db()
    assert (plan.status, plan.discharge_reason, plan.discharge_summary) == (
        PlanStatus.DISCHARGED,
        "goals_met",
        "Sitting 2 hours.",
    )
    assert goal.outcome == "partly_met"
    assert "change" in [e.action for e in AuditEvent.objects.order_by("pk")[before:]]
    closed = _squash(client.get(done["Location"]).text)
    assert "The plan is closed with its discharge summary." in closed
    assert "Closed</span>" in closed
    assert "Discharged" in closed
    assert "Goals met" in closed
    assert "Partly met</span>" in closed
    assert "Sitting 2 hours." in closed
    # Its visits still booked are the practitioner's to cancel, or keep.
    assert "4 visits of the plan are still booked" in closed
    # No way left to book, change or discharge it.
    for name in ("plan-book", "plan-edit", "plan-discharge"):
        assert plan_url(name, plan) not in closed


def test_a_closed_plan_is_not_changed_or_discharged_again(personas):
    world = plan_world(personas)
    plan = a_plan(world)
    client = signed_in(personas, "physio")
    goal = plan.goals.get()
    client.post(
        plan_url("plan-discharge", plan),
        {"reason": "plateau", f"goal_{goal.pk}": "not_met", "summary": "No further change."},
    )

    edit = client.post(plan_url("plan-edit", plan), _edit_post(world, plan), follow=True)
    again = client.post(
        plan_url("plan-discharge", plan),
        {"reason": "goals_met", f"goal_{goal.pk}": "met", "summary": "Changed my mind."},
        follow=True,
    )

    assert "A discharged plan never changes" in edit.text
    assert "This plan is discharged already." in again.text
    plan.refresh_from_db()
    assert (plan.discharge_reason, plan.discharge_summary) == ("plateau", "No further change.")


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"summary": "Done."}, "This field is required."),
        ({"reason": "bored", "summary": "Done."}, "Select a valid choice."),
        ({"reason": "goals_met", "summary": "   "}, "This field is required."),
    ],
)
def test_a_discharge_missing_its_reason_a_goal_or_summary_is_refused(personas, post, message):
    world = plan_world(personas)
    plan = a_plan(world)
    goal = plan.goals.get()
    data = {f"goal_{goal.pk}": "met", **post}

    response = signed_in(personas, "physio").post(plan_url("plan-discharge", plan), data)
    unjudged = signed_in(personas, "physio").post(
        plan_url("plan-discharge", plan), {"reason": "goals_met", "summary": "Done."}
    )

    assert response.status_code == 200
    assert message.replace("'", "&#x27;") in response.text
    assert "This field is required." in unjudged.text  # the goal, not judged
    assert TreatmentPlan.objects.get().status == PlanStatus.ACTIVE
