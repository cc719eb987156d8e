"""A plan followed: per course, visits planned, booked (standing) and attended (checked
in or fulfilled); behind when a period wholly past has no visit held, or the next has
none booked while the course runs; the reassessment due by date or by visits held; all
in a fixed number of queries however many visits."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from rehabdesk.plans.inputs import GoalInput
from rehabdesk.plans.selectors import plan_progress, plans_for_patient
from rehabdesk.plans.services import plan_book, plan_booking_propose
from rehabdesk.plans.testing import NOW, TORONTO, write_plan
from rehabdesk.scheduling.choices import CancelledBy
from rehabdesk.scheduling.services import appointment_arrive, appointment_cancel

pytestmark = pytest.mark.django_db
WEEK_THREE = datetime(2027, 3, 24, 12, 0, tzinfo=TORONTO)  # a Wednesday
GOALS = [GoalInput("Sits a work day", date(2027, 4, 19), "odi", Decimal(20))]


def _booked(world, **plan):
    plan = write_plan(world, goals=GOALS, **plan)
    proposal = plan_booking_propose(plan=plan, both_locations=False, now=NOW)
    return plan, plan_book(plan=plan, proposal=proposal, actor=world.physio.user, now=NOW)


def test_it_counts_planned_booked_and_attended_and_says_who_is_behind(world):
    plan, visits = _booked(world, reassess_on=date(2027, 3, 30), reassess_after_visits=2)
    for visit in visits[:2]:
        appointment_arrive(appointment=visit, actor=None, now=visit.start)
    for visit in visits[6:8]:  # the week of Monday 29 March
        appointment_cancel(appointment=visit, actor=None, now=NOW, by=CancelledBy.CLINIC)
    progress = plan_progress(plan=plan, now=WEEK_THREE)
    (course,) = progress.courses
    assert (course.planned, course.booked, course.attended) == (12, 10, 2)
    assert (progress.planned, progress.booked, progress.attended) == (12, 10, 2)
    assert (course.first_day, course.last_day) == (date(2027, 3, 8), date(2027, 4, 18))
    # The week from 15 March is past with no visit held; the next, from 29 March,
    # has nothing booked any more.
    assert course.missed == (date(2027, 3, 15),)
    assert course.next_unbooked
    assert progress.behind
    assert course.next_visit == visits[8].start  # 24 March's began at 9:00
    assert len(course.visits) == 12
    reassessment = progress.reassessment
    assert (reassessment.due_by_visits, reassessment.due_by_date, reassessment.due) == (
        True,
        False,
        True,
    )
    assert plan_progress(plan=plan, now=WEEK_THREE + timedelta(days=6)).reassessment.due_by_date


def test_a_patient_who_keeps_their_visits_is_not_behind(world):
    plan, visits = _booked(world, reassess_after_visits=8)
    for visit in visits[:4]:
        appointment_arrive(appointment=visit, actor=None, now=visit.start)
    progress = plan_progress(plan=plan, now=WEEK_THREE)
    assert not progress.behind
    assert not progress.reassessment.due
    # After the plan's last week nothing is "next"; unattended weeks are missed.
    late = plan_progress(plan=plan, now=datetime(2027, 5, 3, 12, tzinfo=TORONTO))
    assert not late.courses[0].next_unbooked
    assert late.courses[0].missed == tuple(date(2027, 3, 22) + timedelta(weeks=n) for n in range(4))


def test_an_unbooked_plan_is_behind_for_next_week(world):
    plan = write_plan(world, goals=GOALS)
    (course,) = plan_progress(plan=plan, now=NOW).courses
    assert (course.booked, course.first_day, course.next_unbooked) == (0, NOW.date(), True)


def test_progress_takes_the_same_queries_for_eighteen_visits_as_for_one(
    world, django_assert_num_queries
):
    plan, _ = _booked(world, courses=[world.course(), world.course(massage=True, visits=1)])
    small, _ = _booked(world, courses=[world.course(visits=1, weeks=1)])
    for followed in (plan, small):
        with django_assert_num_queries(6):
            plan_progress(plan=followed, now=WEEK_THREE)


def test_a_patients_plans_come_newest_first_with_goals_and_courses(
    world, django_assert_num_queries
):
    older = write_plan(world, goals=GOALS, starts_on=date(2027, 1, 4))
    newer = write_plan(world, goals=GOALS, courses=[world.course(), world.course(massage=True)])
    with django_assert_num_queries(3):
        plans = plans_for_patient(patient_id=world.patient.pk)
        assert [p.pk for p in plans] == [newer.pk, older.pk]
        assert [len(p.courses.all()) for p in plans] == [2, 1]
        assert plans[0].courses.all()[1].practitioner == world.massage_therapist
        assert [g.text for g in plans[1].goals.all()] == ["Sits a work day"]


def test_each_goal_comes_with_the_latest_score_of_its_measure(world):
    from rehabdesk.outcomes.choices import ResultSource
    from rehabdesk.outcomes.services import measure_result_record

    goals = [
        GoalInput("ODI 20 or less", date(2027, 4, 19), "odi", Decimal(20)),
        GoalInput("LEFS 60 or more", date(2027, 4, 19), "lefs", Decimal(60)),
        GoalInput("Pain 2 or less", date(2027, 4, 19), "nprs", Decimal(2)),
        GoalInput("Back to gardening", date(2027, 4, 19)),
    ]
    plan = write_plan(world, goals=goals)
    for instrument, answers in (
        ("nprs", {"1": 5}),
        ("nprs", {"1": 2}),
        ("lefs", {str(n): 2 for n in range(1, 21)}),  # 40 of 80
    ):
        measure_result_record(
            patient=world.patient,
            instrument=instrument,
            answers=answers,
            context="now" if instrument == "nprs" else "",
            source=ResultSource.PRACTITIONER,
            recorded_by=world.physio.user,
            now=NOW,
        )
    followed = plan_progress(plan=plan, now=NOW).goals
    assert [(g.latest.score if g.latest else None, g.reached) for g in followed] == [
        (None, None),
        (Decimal(40), False),
        (Decimal(2), True),
        (None, None),
    ]
