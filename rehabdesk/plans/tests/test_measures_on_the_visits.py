"""The plan's measures asked for its booked visits: at the first, every Nth and the last
of the plan practitioner's visits, one request per measure and visit, due on the visit's
day; a cancelled visit's requests count as cancelled at once and are written down as
such by the scheduler's round (plan_measures_release)."""

from __future__ import annotations

import io
from datetime import date
from unittest import mock

import pytest
from django.core.management import call_command

from rehabdesk.outcomes.models import MeasureRequest
from rehabdesk.plans.inputs import GoalInput, MeasureInput
from rehabdesk.plans.models import PlanMeasure
from rehabdesk.plans.selectors import plan_progress
from rehabdesk.plans.services import (
    plan_book,
    plan_booking_propose,
    plan_measures_release,
    plan_update,
    planned_requests,
)
from rehabdesk.plans.testing import NOW, TORONTO, write_plan
from rehabdesk.scheduling.choices import CancelledBy
from rehabdesk.scheduling.services import appointment_cancel

pytestmark = pytest.mark.django_db
MEASURES = [
    MeasureInput("odi", at_start=True, every_visits=4, at_discharge=True),
    MeasureInput("nprs", at_start=False, every_visits=3, at_discharge=False),
]


def _book(world, **plan):
    plan = write_plan(world, measures=MEASURES, **plan)
    proposal = plan_booking_propose(plan=plan, both_locations=False, now=NOW)
    return plan, plan_book(plan=plan, proposal=proposal, actor=world.front_desk_user, now=NOW)


def _asked(plan):
    return [
        (r.instrument, r.purpose, r.appointment_id, r.due_on)
        for r in MeasureRequest.objects.filter(plan_id=plan.pk).order_by("due_on", "instrument")
    ]


def _day(visit):
    return visit.start.astimezone(TORONTO).date()


def test_the_measures_are_asked_for_the_practitioners_visits_on_the_plans_schedule(world):
    plan, visits = _book(world, courses=[world.course(), world.course(massage=True, visits=1)])
    physio = [v for v in visits if v.practitioner_id == world.physio.pk]
    assert len(physio) == 12
    assert len(visits) == 18
    wanted = [
        ("odi", "assessment", 1),
        ("nprs", "progress", 3),
        ("odi", "progress", 4),
        ("nprs", "progress", 6),
        ("odi", "progress", 8),
        ("nprs", "progress", 9),
        ("nprs", "progress", 12),
        ("odi", "discharge", 12),
    ]
    assert _asked(plan) == [
        (instrument, purpose, physio[n - 1].pk, _day(physio[n - 1]))
        for instrument, purpose, n in wanted
    ]
    request = MeasureRequest.objects.filter(plan_id=plan.pk).first()
    assert (request.patient, request.requested_by) == (world.patient, world.front_desk_user)


def test_one_visit_that_is_first_and_last_is_the_assessments():
    class Visit:
        def __init__(self, pk):
            self.pk, self.practitioner_id = pk, 1

    odi = PlanMeasure(instrument="odi", at_start=True, every_visits=1, at_discharge=True)
    assert [(i, p, v.pk) for i, p, v in planned_requests([odi], [Visit(7)], 1)] == [
        ("odi", "assessment", 7)
    ]
    two = planned_requests([odi], [Visit(7), Visit(8)], 1)
    assert [(p, v.pk) for _, p, v in two] == [("assessment", 7), ("discharge", 8)]
    # None of the plan practitioner's: every visit of the plan counts.
    assert len(planned_requests([odi], [Visit(7), Visit(8)], 2)) == 2


def test_a_cancelled_visits_requests_are_cancelled_with_it(world):
    plan, visits = _book(world)
    fourth = visits[3]
    appointment_cancel(appointment=fourth, actor=None, now=NOW, by=CancelledBy.CLINIC)
    lines = {
        (line.request.instrument, line.request.appointment_id): line.state
        for line in plan_progress(plan=plan, now=NOW).measures
    }
    assert lines[("odi", fourth.pk)] == "cancelled"
    assert lines[("odi", visits[0].pk)] == "open"
    out = io.StringIO()
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        call_command("run_scheduler", "--once", stdout=out)
    assert out.getvalue().strip().endswith(", 1 measure request(s) cancelled with their visit.")
    assert MeasureRequest.objects.get(appointment=fourth).cancelled_at == NOW
    assert plan_measures_release(now=NOW) == 0
    assert MeasureRequest.objects.filter(cancelled_at__isnull=False).count() == 1


def test_booking_a_course_added_later_asks_nothing_twice(world):
    plan, _ = _book(world, courses=[world.course(visits=1, weeks=4)])
    before = _asked(plan)
    course = plan.courses.get()
    plan = plan_update(
        plan=plan,
        practitioner=world.physio,
        problems=plan.problems,
        goals=[GoalInput("Walks 5 km", date(2027, 4, 30))],
        courses=[
            world.course(visits=1, weeks=4, id=course.pk),
            world.course(massage=True, visits=1, weeks=2),
        ],
        measures=MEASURES,
        starts_on=plan.starts_on,
        reassess_on=None,
        reassess_after_visits=6,
        discharge_criteria="",
        revision=plan.revision,
        user=world.physio.user,
        now=NOW,
    )
    proposal = plan_booking_propose(plan=plan, both_locations=False, now=NOW)
    assert [c.course_id for c in proposal.courses] != [course.pk]
    booked = plan_book(plan=plan, proposal=proposal, actor=world.physio.user, now=NOW)
    assert len(booked) == 6
    assert _asked(plan) == before
