"""A time held online before the visitor says who they are: it is held like any other,
the patient is put on it afterwards with their own rules checked, and only then can it
become a booking."""

from datetime import timedelta

import pytest

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import PatientEligibility
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import (
    BookingRequest,
    appointment_book,
    appointment_confirm,
    appointment_hold,
    appointment_hold_claim,
    holds_release_expired,
)
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


def anonymous_hold(world, start=None):
    request = BookingRequest(
        patient=None,
        practitioner=world.physio,
        service=world.follow_up,
        location=world.pickering,
        start=start or at(10, 10),
        channel=Channel.ONLINE,
    )
    return appointment_hold(request=request, actor=None, now=NOW)


def test_a_time_held_for_nobody_yet_is_not_offered_to_anyone_else(world):
    held = anonymous_hold(world)
    assert (held.patient, held.status) == (None, AppointmentStatus.PENDING)
    with pytest.raises(SchedulingError) as refused:
        appointment_book(request=world.request(at(10, 10)), actor=None, now=NOW)
    assert refused.value.code == SchedulingErrorCode.SLOT_UNAVAILABLE


def test_only_online_holds_may_wait_for_their_patient(world):
    request = BookingRequest(
        patient=None,
        practitioner=world.physio,
        service=world.follow_up,
        location=world.pickering,
        start=at(10, 10),
        channel=Channel.STAFF,
    )
    with pytest.raises(SchedulingError) as refused:
        appointment_book(request=request, actor=None, now=NOW)
    assert refused.value.code == SchedulingErrorCode.INVALID
    assert not Appointment.objects.exists()


def test_the_patient_is_put_on_the_hold_and_then_it_can_be_booked(world):
    held = anonymous_hold(world)
    with pytest.raises(SchedulingError) as refused:
        appointment_confirm(appointment=held, actor=None, now=NOW)
    assert refused.value.code == SchedulingErrorCode.NOT_A_HOLD
    claimed = appointment_hold_claim(appointment=held, patient=world.patient, actor=None, now=NOW)
    assert claimed.patient == world.patient
    assert claimed.hold_expires_at == held.hold_expires_at  # the same hold, not a new one
    booked = appointment_confirm(appointment=claimed, actor=None, now=NOW)
    assert booked.status == AppointmentStatus.BOOKED
    with pytest.raises(SchedulingError):
        appointment_hold_claim(appointment=held, patient=world.other_patient, actor=None, now=NOW)


def test_the_patient_s_own_rules_are_checked_when_they_claim(world):
    world.follow_up.patient_eligibility = PatientEligibility.NEW_ONLY
    clinic_services.service_save(service=world.follow_up, on=NOW.date())
    appointment_book(request=world.request(at(9, 10)), actor=None, now=NOW)  # now known
    held = anonymous_hold(world)
    with pytest.raises(SchedulingError) as refused:
        appointment_hold_claim(appointment=held, patient=world.patient, actor=None, now=NOW)
    assert refused.value.code == SchedulingErrorCode.NEW_PATIENTS_ONLY
    held.refresh_from_db()
    assert held.patient is None
    claimed = appointment_hold_claim(
        appointment=held, patient=world.other_patient, actor=None, now=NOW
    )
    assert claimed.patient == world.other_patient


def test_an_unclaimed_hold_expires_like_any_other(world):
    held = anonymous_hold(world)
    later = held.hold_expires_at + timedelta(seconds=1)
    with pytest.raises(SchedulingError) as refused:
        appointment_hold_claim(appointment=held, patient=world.patient, actor=None, now=later)
    assert refused.value.code == SchedulingErrorCode.HOLD_EXPIRED
    assert holds_release_expired(now=later) == 1
    held.refresh_from_db()
    assert (held.status, held.patient) == (AppointmentStatus.CANCELLED, None)
    appointment_book(request=world.request(at(10, 10)), actor=None, now=later)
