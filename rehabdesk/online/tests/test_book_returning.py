"""A returning patient booking online is put on the time held for them; a refusal
leaves the hold as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import PatientEligibility
from rehabdesk.online import services as online
from rehabdesk.online.services import online_book_returning, online_time_pick
from rehabdesk.online.testing import VISITOR_IP, chosen_time
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.errors import TIME_NOT_FREE, SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, at, build_booking_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


@pytest.fixture
def held(world):
    return online_time_pick(
        time=chosen_time(world, at(9, 10)), previous_hold_id=None, client_ip=VISITOR_IP, now=NOW
    )


def book(world, held, patient, now=NOW):
    return online_book_returning(
        patient=patient,
        time=chosen_time(world, at(9, 10)),
        hold_id=held.pk,
        client_ip=VISITOR_IP,
        now=now,
    )


def test_it_puts_the_patient_on_the_time_held_for_them(world, held, personas):
    booked = book(world, held, personas.child)
    assert (booked.pk, booked.patient) == (held.pk, personas.child)
    assert booked.status == AppointmentStatus.PENDING


def test_a_patient_the_service_is_not_for_is_refused_and_the_hold_stays_as_it_was(
    world, held, personas
):
    world.follow_up.patient_eligibility = PatientEligibility.EXISTING_ONLY
    clinic_services.service_save(service=world.follow_up, on=NOW.date())
    with pytest.raises(SchedulingError) as refused:
        book(world, held, personas.child)  # no visit yet
    assert refused.value.code == SchedulingErrorCode.EXISTING_PATIENTS_ONLY
    held.refresh_from_db()
    assert (held.status, held.patient) == (AppointmentStatus.PENDING, None)


def test_a_time_gone_after_the_hold_ran_out_is_refused_with_the_nearest_free_times(
    world, held, personas
):
    later = NOW + online.HOLD_FOR + timedelta(minutes=1)
    appointment_book(
        request=world.request(at(9, 10), patient=world.other_patient), actor=None, now=later
    )
    with pytest.raises(SchedulingError) as refused:
        book(world, held, personas.child, now=later)
    assert refused.value.code in TIME_NOT_FREE
    assert refused.value.alternatives
    assert not Appointment.objects.filter(patient=personas.child).exists()
