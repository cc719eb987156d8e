"""Proposing a plan's booking (nothing written): the patient's usual times or the
practitioner's first free times, each week's visits at the same wall-clock time across
a clock change, and for each time not free, why, and the nearest free time within three
days — at the practitioner's other location when the patient takes both."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from rehabdesk.plans.errors import PlanError, PlanErrorCode
from rehabdesk.plans.services import plan_booking_propose
from rehabdesk.plans.testing import (
    FRIDAY,
    MONDAY,
    NOW,
    TORONTO,
    WEDNESDAY,
    local,
    write_plan,
)
from rehabdesk.scheduling.models import Appointment

pytestmark = pytest.mark.django_db


def _propose(plan, *, both=False, now=NOW):
    before = Appointment.objects.count()
    proposal = plan_booking_propose(plan=plan, both_locations=both, now=now)
    assert Appointment.objects.count() == before, "proposing writes nothing"
    return proposal


def _walls(course):
    return [
        (v.start.astimezone(TORONTO).strftime("%a %b %d %H:%M") if v.start else None)
        for v in course.visits
    ]


def test_without_history_it_takes_the_first_free_times_of_the_first_week_spread_apart(world):
    """The physio is at Pickering on Monday, Wednesday and Friday: Monday and Wednesday
    at 9:00, twelve visits over six weeks; the clocks go forward on Sunday 14 March, and
    every visit stays at 9:00 on the wall clock (14:00 UTC, then 13:00)."""
    (course,) = _propose(write_plan(world)).courses
    assert (course.pattern, course.usual, course.short) == (
        ((MONDAY, time(9)), (WEDNESDAY, time(9))),
        False,
        0,
    )
    assert len(course.visits) == 12
    assert all(v.free and v.start == v.wanted for v in course.visits)
    assert {v.start.astimezone(TORONTO).time() for v in course.visits} == {time(9)}
    assert [v.start.astimezone(UTC).hour for v in course.visits[:4]] == [14, 14, 13, 13]
    assert course.visits[-1].start.astimezone(TORONTO).date() == date(2027, 4, 14)


def test_the_patients_usual_times_with_the_practitioner_come_first(world):
    past = datetime(2027, 1, 4, 8, 0, tzinfo=TORONTO)
    for day, hour, minute in [
        (8, 10, 30),
        (15, 10, 30),
        (22, 10, 30),
        (11, 14, 0),
        (18, 14, 0),
        (20, 11, 0),
    ]:
        world.book(local(date(2027, 1, day), hour, minute), patient=world.patient, now=past)
    (course,) = _propose(write_plan(world)).courses
    # Fridays at 10:30 three times, Mondays at 14:00 twice, a Wednesday once.
    assert (course.pattern, course.usual) == (((MONDAY, time(14)), (FRIDAY, time(10, 30))), True)
    assert _walls(course)[:3] == ["Mon Mar 08 14:00", "Fri Mar 12 10:30", "Mon Mar 15 14:00"]


def test_a_usual_time_taken_most_weeks_gives_way_to_the_next_usual_one(world):
    past = datetime(2027, 1, 4, 8, 0, tzinfo=TORONTO)
    for day, hour, minute in [
        (8, 10, 30),
        (15, 10, 30),
        (22, 10, 30),
        (11, 14, 0),
        (18, 14, 0),
        (20, 11, 0),
    ]:
        world.book(local(date(2027, 1, day), hour, minute), patient=world.patient, now=past)
    for friday in (12, 19, 26):  # three of the six Fridays at 10:30 are taken
        world.book(local(date(2027, 3, friday), 10, 30))
    world.book(local(date(2027, 4, 2), 10, 30))
    (course,) = _propose(write_plan(world)).courses
    assert (course.pattern, course.usual) == (((MONDAY, time(14)), (WEDNESDAY, time(11))), True)
    assert all(v.free for v in course.visits)


def test_first_free_times_taken_most_weeks_give_way_to_steadier_ones(world):
    for day in (date(2027, 3, 15), date(2027, 3, 22), date(2027, 3, 29), date(2027, 4, 5)):
        world.book(local(day, 9))  # four of the six Mondays at 9:00 are taken
    (course,) = _propose(write_plan(world)).courses
    # Monday 9:00 is free on two of them; 9:45 (after a 9:00 visit's buffer) on all.
    assert course.pattern == ((MONDAY, time(9, 45)), (WEDNESDAY, time(9)))


def test_a_taken_time_gets_the_nearest_free_time_and_says_why(world):
    world.book(local(date(2027, 3, 17), 9))  # another patient, 9:00-9:30, buffer to 9:40
    world.day_off(world.physio, date(2027, 3, 22))
    (course,) = _propose(write_plan(world)).courses
    taken, away = course.visits[3], course.visits[4]
    assert (taken.why, taken.start) == ("fully_booked", local(date(2027, 3, 17), 9, 45))
    assert taken.why_text == "That time is taken."
    # Monday 22 off: within three days, at Pickering, but not on Wednesday 24 (a visit
    # of the course already): the nearest is the end of Friday 19.
    assert away.why == "closed"
    assert away.start.astimezone(TORONTO).date() == date(2027, 3, 19)
    assert away.location_id == world.pickering.pk
    assert [v.number for v in _propose(write_plan(world)).conflicts] == [4, 5]


def test_with_both_locations_the_nearest_may_be_at_the_other_location(world):
    world.day_off(world.physio, date(2027, 3, 22))
    proposal = _propose(write_plan(world), both=True)
    moved = proposal.courses[0].visits[4]
    assert (moved.why, moved.location_id) == ("closed", world.milton.pk)
    assert moved.start == local(date(2027, 3, 23), 9)
    assert proposal.location_names == {world.pickering.pk: "Pickering", world.milton.pk: "Milton"}


def test_the_patients_other_bookings_and_the_plans_own_visits_are_in_the_way(world):
    world.book(
        local(date(2027, 3, 29), 9),
        patient=world.patient,
        practitioner=world.massage_therapist,
        service=world.massage,
    )
    plan = write_plan(world, courses=[world.course(), world.course(massage=True, visits=1)])
    physio, massage = _propose(plan).courses
    busy = physio.visits[6]
    assert (busy.why, busy.start) == ("patient_busy", local(date(2027, 3, 29), 10))
    # The massage's first free time keeps clear of the physio's visit on Monday at 9:00
    # (in another room, so right after it).
    assert massage.pattern == ((MONDAY, time(9, 30)),)
    assert massage.visits[3].why == "patient_busy"


def test_a_course_every_second_week_has_visits_in_its_on_weeks_only(world):
    plan = write_plan(world, courses=[world.course(visits=1, every_weeks=2, weeks=8)])
    (course,) = _propose(plan).courses
    assert _walls(course) == [
        "Mon Mar 08 09:00",
        "Mon Mar 22 09:00",
        "Mon Apr 05 09:00",
        "Mon Apr 19 09:00",
    ]


def test_a_plan_starting_midweek_keeps_its_visits_each_rolling_week(world):
    plan = write_plan(world, starts_on=date(2027, 3, 10))
    (course,) = _propose(plan).courses
    assert course.pattern == ((WEDNESDAY, time(9)), (FRIDAY, time(9)))
    assert len(course.visits) == 12
    assert _walls(course)[-1] == "Fri Apr 16 09:00"


def test_visits_beyond_the_booking_horizon_have_no_time_unless_one_is_near_before_it(world):
    """The clinic books 90 days ahead (to Sunday 6 June 2027): of the Mondays after it,
    the 7th gets the Friday before, the 14th and 21st no time."""
    (course,) = _propose(write_plan(world, courses=[world.course(visits=1, weeks=16)])).courses
    beyond = [v for v in course.visits if v.why]
    assert [v.why for v in beyond] == ["beyond_horizon"] * 3
    assert all(v.wanted > NOW + timedelta(days=90) for v in beyond)
    assert beyond[0].start.astimezone(TORONTO).date() == date(2027, 6, 4)
    assert [v.start for v in beyond[1:]] == [None, None]


def test_across_the_autumn_clock_change_the_wall_clock_time_is_kept(world):
    """Toronto's clocks go back at 02:00 on Sunday 1 November 2026."""
    october = datetime(2026, 10, 26, 8, 0, tzinfo=TORONTO)
    (course,) = _propose(write_plan(world, now=october), now=october).courses
    assert _walls(course)[:4] == [
        "Mon Oct 26 09:00",
        "Wed Oct 28 09:00",
        "Mon Nov 02 09:00",
        "Wed Nov 04 09:00",
    ]
    assert [v.start.astimezone(UTC).hour for v in course.visits[:4]] == [13, 13, 14, 14]


def test_a_booked_course_is_left_out_and_a_discharged_plan_refused(world):
    from rehabdesk.plans.models import TreatmentPlan
    from rehabdesk.plans.services import plan_book

    plan = write_plan(world)
    plan_book(plan=plan, proposal=_propose(plan), actor=world.physio.user, now=NOW)
    again = _propose(plan)
    assert (again.courses, again.booked_course_ids) == ((), (plan.courses.get().pk,))
    TreatmentPlan.objects.filter(pk=plan.pk).update(
        status="discharged", discharged_at=NOW, discharge_reason="other"
    )
    with pytest.raises(PlanError) as refusal:
        _propose(plan)
    assert refusal.value.code == PlanErrorCode.DISCHARGED


def test_a_proposal_takes_the_same_queries_for_twelve_visits_as_for_one(
    world, django_assert_num_queries
):
    world.book(local(date(2027, 3, 17), 9))  # a conflict: its reason and alternative
    twelve = write_plan(world)
    one = write_plan(world, courses=[world.course(visits=1, weeks=1)])
    for plan in (twelve, one):
        with django_assert_num_queries(9, info=plan.pk):
            plan_booking_propose(plan=plan, both_locations=True, now=NOW)
