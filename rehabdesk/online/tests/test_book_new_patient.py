"""Who the appointment is for, once the visitor proved their address: the patient with
that name, date of birth and address, else a new patient, registered and put on the
time held for them in one transaction, so a refusal leaves no patient record behind.
A name and date of birth on file under another address is answered like any other."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import PatientEligibility
from rehabdesk.online import services as online
from rehabdesk.online.errors import OnlineError, OnlineErrorCode
from rehabdesk.online.services import (
    NewPatient,
    online_book_by_details,
    online_new_patient_validate,
    online_time_pick,
    rate_limit_hit,
)
from rehabdesk.online.testing import NINA, NINA_EMAIL, VISITOR_IP, chosen_time
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import possible_duplicates
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.errors import TIME_NOT_FREE, SchedulingError
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


def book(world, held, details=NINA, now=NOW, email=NINA_EMAIL):
    return online_book_by_details(
        details=details,
        email=email,
        time=chosen_time(world, at(9, 10)),
        hold_id=held.pk,
        client_ip=VISITOR_IP,
        now=now,
    )


def test_it_registers_the_patient_on_the_time_held_for_them(world, held):
    booked = book(world, held)
    assert booked.pk == held.pk
    assert booked.status == AppointmentStatus.PENDING  # final once they accept the terms
    patient = Patient.objects.get(email="nina@example.com")
    assert booked.patient == patient
    assert (patient.first_name, patient.phone) == ("Nina", "905-555-0199")


def test_it_holds_the_time_again_when_the_first_hold_ran_out(world, held):
    later = NOW + online.HOLD_FOR + timedelta(minutes=1)
    booked = book(world, held, now=later)
    assert booked.pk != held.pk
    assert booked.patient.email == "nina@example.com"
    assert booked.hold_expires_at == later + online.HOLD_FOR


def test_a_refused_hold_leaves_no_patient_behind(world, held):
    # The hold ran out and someone else booked the time meanwhile.
    later = NOW + online.HOLD_FOR + timedelta(minutes=1)
    appointment_book(request=world.request(at(9, 10)), actor=None, now=later)
    patients = Patient.objects.count()
    with pytest.raises(SchedulingError) as refused:
        book(world, held, now=later)
    assert refused.value.code in TIME_NOT_FREE
    assert Patient.objects.count() == patients


def test_a_follow_up_is_refused_to_a_new_patient_before_anything_is_saved(world, held):
    world.follow_up.patient_eligibility = PatientEligibility.EXISTING_ONLY
    clinic_services.service_save(service=world.follow_up, on=NOW.date())
    patients = Patient.objects.count()
    with pytest.raises(OnlineError) as refused:
        book(world, held)
    assert refused.value.code == OnlineErrorCode.RETURNING_PATIENTS_ONLY
    assert Patient.objects.count() == patients
    held.refresh_from_db()
    assert (held.status, held.patient) == (AppointmentStatus.PENDING, None)
    online_new_patient_validate(service=world.massage)  # anyone may book a massage


def test_the_patient_with_that_name_birth_date_and_address_is_booked_not_registered(
    world, held, personas
):
    alice = personas.patient_a
    details = NewPatient(
        first_name=alice.first_name.upper(),
        last_name=alice.last_name.lower(),
        date_of_birth=alice.date_of_birth,
        phone="",
    )
    patients = Patient.objects.count()
    booked = book(world, held, details=details, email=alice.email.upper())
    assert booked.pk == held.pk
    assert booked.patient == alice
    assert Patient.objects.count() == patients


@pytest.mark.parametrize(
    "on_file",
    ["name and birth date", "address"],
)
def test_someone_on_file_under_another_address_or_name_is_registered_all_the_same(
    world, held, personas, on_file
):
    """The answer must not tell that a name or an address is a patient's: a second
    record is made (the desk finds the pair: possible_duplicates)."""
    alice = personas.patient_a
    if on_file == "name and birth date":
        details = replace(
            NINA,
            first_name=alice.first_name,
            last_name=alice.last_name,
            date_of_birth=alice.date_of_birth,
        )
        email = "someone.else@example.com"
    else:
        details, email = NINA, alice.email
    booked = book(world, held, details=details, email=email)
    assert booked.patient != alice
    assert booked.patient.email == email.lower()
    assert alice in possible_duplicates(patient=booked.patient)


def test_details_count_against_the_limit_per_address(world, held):
    for _ in range(online.DETAILS_PER_EMAIL.times):
        rate_limit_hit(limit=online.DETAILS_PER_EMAIL, subject=NINA_EMAIL, now=NOW)
    with pytest.raises(OnlineError) as refused:
        book(world, held)
    assert refused.value.code == OnlineErrorCode.RATE_LIMITED
    assert not Patient.objects.filter(email="nina@example.com").exists()


def test_a_new_hold_counts_against_the_limit_and_claiming_one_does_not(world, held):
    for _ in range(online.HOLDS_PER_IP.times - 1):  # the pick took one place
        rate_limit_hit(limit=online.HOLDS_PER_IP, subject=VISITOR_IP, now=NOW)
    later = NOW + online.HOLD_FOR + timedelta(minutes=1)
    with pytest.raises(OnlineError) as refused:
        book(world, held, now=later)  # the hold ran out: a new one is over the limit
    assert refused.value.code == OnlineErrorCode.RATE_LIMITED
    assert not Patient.objects.filter(email="nina@example.com").exists()
    assert Appointment.objects.count() == 1
    assert book(world, held).pk == held.pk  # in time, the hold is only claimed
