"""Booking a plan as proposed, through scheduling's series service: every visit or none.
Twelve visits as one series recorded on the course; a date moved to its alternative, to
the other location, left out; the off-weeks of a course every second week; a time taken
since the proposal (PROPOSAL_CHANGED, nothing booked); a booked, changed or discharged
plan; the proposal carried signed between the page and the POST."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.plans.errors import PlanError, PlanErrorCode
from rehabdesk.plans.proposal import proposal_read, proposal_sign
from rehabdesk.plans.services import plan_book, plan_booking_propose
from rehabdesk.plans.testing import NOW, TORONTO, local, write_plan
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import overlaps, patient_overlaps

pytestmark = pytest.mark.django_db


def _theirs(world):
    return list(Appointment.objects.filter(patient=world.patient).order_by("start"))


def _refused(world, code, **book):
    before = Appointment.objects.count()
    with pytest.raises(PlanError) as refusal:
        plan_book(actor=world.physio.user, now=NOW, **book)
    assert refusal.value.code == code
    assert Appointment.objects.count() == before
    return refusal.value


def test_twelve_visits_are_booked_as_one_series_recorded_on_the_course(world):
    plan = write_plan(world)
    proposal = plan_booking_propose(plan=plan, both_locations=False, now=NOW)
    booked = plan_book(plan=plan, proposal=proposal, actor=world.front_desk_user, now=NOW)
    assert [a.start for a in booked] == [v.start for v in proposal.visits]
    assert [a.pk for a in booked] == [a.pk for a in _theirs(world)]
    assert {a.status for a in booked} == {AppointmentStatus.BOOKED}
    (series,) = plan.courses.get().series.all()
    assert {a.series_id for a in booked} == {series.pk}
    assert (series.weeks, series.first_day, series.pattern) == (
        6,
        date(2027, 3, 8),
        [{"weekday": 0, "time": "09:00"}, {"weekday": 2, "time": "09:00"}],
    )
    # The series tells the patient once, for its first visit.
    assert OutboxMessage.objects.filter(kind="booking_confirmation").count() == 1
    event = AuditEvent.objects.get(
        object_type="plans.treatmentplan", summary__startswith="treatment plan booked"
    )
    assert (event.summary, event.actor) == (
        "treatment plan booked (12 visits)",
        world.front_desk_user,
    )
    assert overlaps() == (0, 0)


def test_moved_dates_and_the_other_location_are_booked_as_proposed(world):
    world.book(local(date(2027, 3, 17), 9))
    world.day_off(world.physio, date(2027, 3, 22))
    plan = write_plan(world)
    proposal = plan_booking_propose(plan=plan, both_locations=True, now=NOW)
    booked = plan_book(plan=plan, proposal=proposal, actor=world.physio.user, now=NOW)
    walls = [(a.start.astimezone(TORONTO).strftime("%b %d %H:%M"), a.location.name) for a in booked]
    assert walls[3:5] == [("Mar 17 09:45", "Pickering"), ("Mar 23 09:00", "Milton")]
    assert len(booked) == 12
    home, milton = plan.courses.get().series.order_by("pk")
    assert (home.location, milton.location, milton.weeks) == (world.pickering, world.milton, 1)
    assert Appointment.objects.filter(series=milton).count() == 1
    assert overlaps() == (0, 0)


def test_a_course_every_second_week_books_its_on_weeks_only_and_dates_may_be_left_out(world):
    plan = write_plan(world, courses=[world.course(visits=1, every_weeks=2, weeks=8)])
    proposal = plan_booking_propose(plan=plan, both_locations=False, now=NOW)
    left_out = proposal.courses[0].visits[1].key
    booked = plan_book(
        plan=plan, proposal=proposal, actor=world.physio.user, now=NOW, leave_out={left_out}
    )
    assert [a.start.astimezone(TORONTO).date() for a in booked] == [
        date(2027, 3, 8),
        date(2027, 4, 5),
        date(2027, 4, 19),
    ]


def test_visits_without_a_time_are_left_for_later(world):
    plan = write_plan(world, courses=[world.course(visits=1, weeks=16)])
    proposal = plan_booking_propose(plan=plan, both_locations=False, now=NOW)
    booked = plan_book(plan=plan, proposal=proposal, actor=world.physio.user, now=NOW)
    assert len(booked) == 14
    assert booked[-1].start.astimezone(TORONTO).date() == date(2027, 6, 4)


def test_a_time_taken_since_the_proposal_books_nothing(world):
    plan = write_plan(world)
    proposal = plan_booking_propose(plan=plan, both_locations=False, now=NOW)
    world.book(proposal.visits[7].start)
    refusal = _refused(world, PlanErrorCode.PROPOSAL_CHANGED, plan=plan, proposal=proposal)
    assert "Mar 31" in refusal.message
    assert _theirs(world) == []
    assert not plan.courses.get().series.exists()
    assert not AuditEvent.objects.filter(summary__startswith="treatment plan booked").exists()
    # Proposed again, the taken date gets its alternative, and all twelve are booked.
    again = plan_booking_propose(plan=plan, both_locations=False, now=NOW)
    assert len(plan_book(plan=plan, proposal=again, actor=world.physio.user, now=NOW)) == 12
    assert patient_overlaps() == 0


def test_a_booked_changed_or_discharged_plan_is_refused(world):
    from rehabdesk.plans.models import TreatmentPlan

    plan = write_plan(world)
    proposal = plan_booking_propose(plan=plan, both_locations=False, now=NOW)
    plan_book(plan=plan, proposal=proposal, actor=world.physio.user, now=NOW)
    _refused(world, PlanErrorCode.PROPOSAL_CHANGED, plan=plan, proposal=proposal)
    other = write_plan(world)
    stale = plan_booking_propose(plan=other, both_locations=False, now=NOW)
    TreatmentPlan.objects.filter(pk=other.pk).update(revision=2)
    _refused(world, PlanErrorCode.STALE_PLAN, plan=other, proposal=stale)
    _refused(world, PlanErrorCode.INVALID, plan=other, proposal=proposal)
    TreatmentPlan.objects.filter(pk=other.pk).update(
        status="discharged", discharged_at=NOW, discharge_reason="other"
    )
    _refused(world, PlanErrorCode.DISCHARGED, plan=other, proposal=replace(stale, revision=2))


def test_the_proposal_travels_signed_and_is_refused_changed_for_another_plan_or_old(world):
    plan = write_plan(world)
    proposal = plan_booking_propose(plan=plan, both_locations=True, now=NOW)
    signed = proposal_sign(proposal)
    assert proposal_read(signed, plan_id=plan.pk, now=NOW) == proposal
    for text, plan_id, now, code in [
        (signed[:-2] + "xx", plan.pk, NOW, PlanErrorCode.INVALID),
        (signed, plan.pk + 1, NOW, PlanErrorCode.INVALID),
        (signed, plan.pk, NOW + timedelta(hours=3), PlanErrorCode.PROPOSAL_CHANGED),
    ]:
        with pytest.raises(PlanError) as refusal:
            proposal_read(text, plan_id=plan_id, now=now)
        assert refusal.value.code == code
