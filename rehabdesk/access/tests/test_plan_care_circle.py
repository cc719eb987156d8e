"""plans.services refuses a practitioner outside the patient's care (it sits below
access, so it asks scheduling.care itself): the very circle the access policy
reads — an assignment, or an appointment past or booked, not a cancelled one."""

from __future__ import annotations

import pytest

from rehabdesk.access import care
from rehabdesk.plans.errors import PlanError, PlanErrorCode
from rehabdesk.plans.testing import NOW, build_plan_world, local, write_plan
from rehabdesk.scheduling.choices import CancelledBy
from rehabdesk.scheduling.services import appointment_cancel

pytestmark = pytest.mark.django_db


def _may_plan(world, practitioner) -> bool:
    try:
        write_plan(world, courses=[world.course(massage=True)], practitioner=practitioner)
    except PlanError as refusal:
        if refusal.code != PlanErrorCode.NOT_THEIR_PATIENT:
            raise
        return False
    return True


def test_the_services_circle_is_access_care_s(personas):
    world = build_plan_world(personas)

    def both(practitioner) -> tuple[bool, bool]:
        cares = care.cares_for(practitioner_id=practitioner.pk, patient_id=world.patient.pk)
        return cares, _may_plan(world, practitioner)

    assert both(world.physio) == (True, True)  # assigned
    assert both(world.massage_therapist) == (False, False)
    visit = world.book(
        local(NOW.date(), 10),
        patient=world.patient,
        practitioner=world.massage_therapist,
        service=world.massage,
    )
    assert both(world.massage_therapist) == (True, True)  # booked with her
    appointment_cancel(appointment=visit, actor=None, now=NOW, by=CancelledBy.CLINIC)
    assert both(world.massage_therapist) == (False, False)  # cancelled: no longer
