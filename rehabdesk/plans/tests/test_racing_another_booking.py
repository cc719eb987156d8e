"""The plan booked while another booking takes one of its times at that very moment,
on real connections: the other booking's transaction holds the practitioner's queue
(PostgreSQL) or the write lock (SQLite) until the plan's booking waits behind it. The
plan's booking then sees the time taken: PROPOSAL_CHANGED, none of its visits booked,
no overlap anywhere."""

from __future__ import annotations

import pytest

from rehabdesk.plans.errors import PlanError, PlanErrorCode
from rehabdesk.plans.services import plan_book, plan_booking_propose
from rehabdesk.plans.testing import NOW, write_plan
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import overlaps, patient_overlaps
from rehabdesk.testing.races import first_then_second

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_time_taken_at_the_same_moment_leaves_the_plan_unbooked(world):
    plan = write_plan(world)
    proposal = plan_booking_propose(plan=plan, both_locations=False, now=NOW)
    taken = proposal.visits[5].start

    outcome = first_then_second(
        lambda: world.book(taken),
        lambda: plan_book(plan=plan, proposal=proposal, actor=world.physio.user, now=NOW),
    )

    assert isinstance(outcome, PlanError), outcome
    assert outcome.code == PlanErrorCode.PROPOSAL_CHANGED
    assert not Appointment.objects.filter(patient=world.patient).exists()
    assert Appointment.objects.get(start=taken).patient == world.other_patient
    assert not plan.courses.get().series.exists()
    assert overlaps() == (0, 0)
    assert patient_overlaps() == 0
