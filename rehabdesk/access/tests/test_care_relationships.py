"""Who is in a practitioner's care: an appointment with them, past or booked, or a
current assignment. A hold is not one yet, a cancellation is not one any more, and a
practitioner who has left cares for nobody."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rehabdesk.access.care import cares_for, patient_ids_in_care, practitioner_id_of
from rehabdesk.access.policy import Action, may, person_for
from rehabdesk.clinic.services import practitioner_save
from rehabdesk.patients.models import CareAssignment
from rehabdesk.patients.services import care_assignment_add, care_assignment_end
from rehabdesk.scheduling.services import (
    appointment_arrive,
    appointment_book,
    appointment_cancel,
    appointment_hold,
    appointment_mark_noshow,
)
from rehabdesk.scheduling.testing import NOW, at, build_booking_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def massage_for(world, patient, day: int = 10):
    return world.request(
        at(day, 10), patient=patient, practitioner=world.massage_therapist, service=world.massage
    )


def test_an_assignment_alone_puts_a_patient_in_care(personas):
    assert cares_for(practitioner_id=personas.physio.pk, patient_id=personas.patient_a.pk)
    assert patient_ids_in_care(practitioner_id=personas.physio.pk) == {personas.patient_a.pk}


def test_nobody_is_in_the_care_of_a_practitioner_without_assignments_or_visits(personas):
    assert not cares_for(
        practitioner_id=personas.massage_therapist.pk, patient_id=personas.patient_a.pk
    )
    assert patient_ids_in_care(practitioner_id=personas.massage_therapist.pk) == set()


def test_a_booked_appointment_puts_the_patient_in_care(world, personas):
    appointment_book(request=massage_for(world, personas.patient_b), actor=None, now=NOW)
    assert cares_for(
        practitioner_id=personas.massage_therapist.pk, patient_id=personas.patient_b.pk
    )
    assert patient_ids_in_care(practitioner_id=personas.massage_therapist.pk) == {
        personas.patient_b.pk
    }


def test_a_hold_is_not_yet_care(world, personas):
    appointment_hold(request=massage_for(world, personas.patient_b), actor=None, now=NOW)
    assert not cares_for(
        practitioner_id=personas.massage_therapist.pk, patient_id=personas.patient_b.pk
    )
    assert patient_ids_in_care(practitioner_id=personas.massage_therapist.pk) == set()


def test_a_cancelled_appointment_is_no_longer_care(world, personas):
    booked = appointment_book(request=massage_for(world, personas.patient_b), actor=None, now=NOW)
    appointment_cancel(appointment=booked, actor=None, now=NOW)
    assert not cares_for(
        practitioner_id=personas.massage_therapist.pk, patient_id=personas.patient_b.pk
    )


def test_a_visit_that_happened_or_was_missed_stays_care(world, personas):
    came = appointment_book(request=massage_for(world, personas.patient_b), actor=None, now=NOW)
    appointment_arrive(appointment=came, actor=None, now=came.start - timedelta(minutes=5))
    missed = appointment_book(
        request=massage_for(world, personas.child, day=11), actor=None, now=NOW
    )
    appointment_mark_noshow(
        appointment=missed, actor=None, now=missed.start + timedelta(minutes=15)
    )
    assert patient_ids_in_care(practitioner_id=personas.massage_therapist.pk) == {
        personas.patient_b.pk,
        personas.child.pk,
    }


def test_an_assignment_and_visits_count_once_each_patient(world, personas):
    appointment_book(request=world.request(at(10, 9)), actor=None, now=NOW)
    appointment_book(request=world.request(at(11, 9)), actor=None, now=NOW)
    assert patient_ids_in_care(practitioner_id=personas.physio.pk) == {personas.patient_a.pk}


def test_an_ended_assignment_leaves_care_from_visits_in_place(world, personas):
    appointment_book(request=world.request(at(10, 9)), actor=None, now=NOW)
    assignment = CareAssignment.objects.get(patient=personas.patient_a)
    care_assignment_end(actor=personas.manager, assignment=assignment, now=NOW)
    assert cares_for(practitioner_id=personas.physio.pk, patient_id=personas.patient_a.pk)


def test_care_is_per_practitioner(personas):
    care_assignment_add(
        actor=personas.front_desk,
        patient=personas.patient_b,
        practitioner=personas.massage_therapist,
    )
    assert not cares_for(practitioner_id=personas.physio.pk, patient_id=personas.patient_b.pk)
    assert patient_ids_in_care(practitioner_id=personas.physio.pk) == {personas.patient_a.pk}


def test_a_practitioner_who_has_left_is_no_practitioner_to_the_policy(personas):
    physio = personas.physio
    assert practitioner_id_of(physio.user_id) == physio.pk
    physio.active = False
    practitioner_save(practitioner=physio)
    assert practitioner_id_of(physio.user_id) is None
    person = person_for(physio.user)
    assert person.practitioner_id is None
    assert not may(person, Action.VIEW_CLINICAL, personas.patient_a.pk)


def test_an_account_that_is_no_practitioner_has_no_practitioner_id(personas):
    assert practitioner_id_of(personas.front_desk.pk) is None
