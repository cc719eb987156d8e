"""exercises.services refuses a practitioner outside the patient's care (it sits below
access, so it asks scheduling.care itself): the very circle the access policy
reads — an assignment, or an appointment past or booked."""

from __future__ import annotations

import pytest
from django.utils import timezone

from rehabdesk.access import care
from rehabdesk.exercises.errors import ExerciseError
from rehabdesk.exercises.services import program_prescribe
from rehabdesk.exercises.testing import items_of
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, at, build_booking_world

pytestmark = pytest.mark.django_db


def _may_prescribe(personas, practitioner) -> bool:
    try:
        program_prescribe(
            patient=personas.patient_a,
            items=items_of(),
            sessions_per_day=1,
            days_per_week=7,
            starts_on=timezone.localdate(),
            user=practitioner.user,
            now=timezone.now(),
        )
    except ExerciseError:
        return False
    return True


def test_the_services_circle_is_access_care_s(personas):
    def both(practitioner) -> tuple[bool, bool]:
        cares = care.cares_for(practitioner_id=practitioner.pk, patient_id=personas.patient_a.pk)
        return cares, _may_prescribe(personas, practitioner)

    assert both(personas.physio) == (True, True)  # assigned
    assert both(personas.massage_therapist) == (False, False)
    world = build_booking_world(personas)
    appointment_book(
        request=world.request(
            at(9, 11), practitioner=personas.massage_therapist, service=world.massage
        ),
        actor=personas.front_desk,
        now=NOW,
        tell=False,
    )
    assert both(personas.massage_therapist) == (True, True)  # booked with her
