"""Accepting the terms online: the consent is recorded with the notice's version, then
a returning patient's booking is final and a new patient is e-mailed a code, all in
one transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rehabdesk.consents.models import ConsentRecord
from rehabdesk.consents.services import privacy_notice_publish
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.online import services as online
from rehabdesk.online.errors import OnlineError, OnlineErrorCode
from rehabdesk.online.models import OneTimeCode
from rehabdesk.online.services import (
    online_book_new_patient,
    online_book_returning,
    online_terms_accept,
    online_time_pick,
)
from rehabdesk.online.testing import NINA, VISITOR_IP, chosen_time
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.testing import NOW, at, build_booking_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def held_for(world, patient=None):
    time = chosen_time(world, at(9, 10))
    hold = online_time_pick(time=time, previous_hold_id=None, client_ip=VISITOR_IP, now=NOW)
    if patient is None:
        return online_book_new_patient(
            details=NINA, time=time, hold_id=hold.pk, client_ip=VISITOR_IP, now=NOW
        )
    return online_book_returning(
        patient=patient, time=time, hold_id=hold.pk, client_ip=VISITOR_IP, now=NOW
    )


def test_a_returning_patients_booking_is_final_with_their_consent(world, personas):
    held = held_for(world, personas.patient_a)
    booked = online_terms_accept(appointment=held, notice_version=1, new_patient=False, now=NOW)
    assert booked.status == AppointmentStatus.BOOKED
    consent = ConsentRecord.objects.get(patient=personas.patient_a)
    assert (consent.notice.version, consent.channel, consent.accepted_at) == (1, "online", NOW)
    assert not OneTimeCode.objects.exists()


def test_a_new_patient_is_emailed_a_code_and_their_time_stays_held(world):
    held = held_for(world)
    online_terms_accept(appointment=held, notice_version=1, new_patient=True, now=NOW)
    held.refresh_from_db()
    assert held.status == AppointmentStatus.PENDING
    assert ConsentRecord.objects.filter(patient=held.patient).count() == 1
    code = OneTimeCode.objects.get()
    assert (code.email, code.purpose) == ("nina@example.com", OneTimeCode.Purpose.CONFIRM)
    assert OutboxMessage.objects.filter(kind="online_code", recipient="nina@example.com").exists()


def test_a_notice_published_meanwhile_is_refused_and_nothing_is_recorded(world):
    held = held_for(world)
    privacy_notice_publish(body="Our new notice.", now=NOW)
    with pytest.raises(OnlineError) as refused:
        online_terms_accept(appointment=held, notice_version=1, new_patient=True, now=NOW)
    assert refused.value.code == OnlineErrorCode.NOTICE_NOT_CURRENT
    assert not ConsentRecord.objects.exists()
    assert not OneTimeCode.objects.exists()


def test_a_hold_run_out_is_refused_and_no_consent_is_recorded(world, personas):
    held = held_for(world, personas.patient_a)
    later = NOW + online.HOLD_FOR + timedelta(seconds=1)
    with pytest.raises(SchedulingError) as refused:
        online_terms_accept(appointment=held, notice_version=1, new_patient=False, now=later)
    assert refused.value.code == SchedulingErrorCode.HOLD_EXPIRED
    assert not ConsentRecord.objects.exists()
    held.refresh_from_db()
    assert held.status == AppointmentStatus.PENDING
