"""Accepting the terms online: the consent is recorded with the notice's version and
the booking is final, new patient or returning, in one transaction (the address was
proved with a code before anyone was put on the hold)."""

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
    online_book_by_details,
    online_book_returning,
    online_terms_accept,
    online_time_pick,
)
from rehabdesk.online.testing import NINA, NINA_EMAIL, VISITOR_IP, chosen_time
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
        return online_book_by_details(
            details=NINA,
            email=NINA_EMAIL,
            time=time,
            hold_id=hold.pk,
            client_ip=VISITOR_IP,
            now=NOW,
        )
    return online_book_returning(
        patient=patient, time=time, hold_id=hold.pk, client_ip=VISITOR_IP, now=NOW
    )


def test_a_returning_patients_booking_is_final_with_their_consent(world, personas):
    held = held_for(world, personas.patient_a)
    booked = online_terms_accept(appointment=held, notice_version=1, now=NOW)
    assert booked.status == AppointmentStatus.BOOKED
    consent = ConsentRecord.objects.get(patient=personas.patient_a)
    assert (consent.notice.version, consent.channel, consent.accepted_at) == (1, "online", NOW)
    assert not OneTimeCode.objects.exists()


def test_a_new_patients_booking_is_final_with_their_consent_and_no_second_code(world):
    held = held_for(world)
    booked = online_terms_accept(appointment=held, notice_version=1, now=NOW)
    assert booked.status == AppointmentStatus.BOOKED
    assert ConsentRecord.objects.filter(patient=held.patient).count() == 1
    assert not OneTimeCode.objects.exists()
    assert OutboxMessage.objects.filter(
        kind="booking_confirmation", recipient="nina@example.com"
    ).exists()


def test_a_notice_published_meanwhile_is_refused_and_nothing_is_recorded(world):
    held = held_for(world)
    privacy_notice_publish(body="Our new notice.", now=NOW)
    with pytest.raises(OnlineError) as refused:
        online_terms_accept(appointment=held, notice_version=1, now=NOW)
    assert refused.value.code == OnlineErrorCode.NOTICE_NOT_CURRENT
    assert not ConsentRecord.objects.exists()
    assert not OneTimeCode.objects.exists()


def test_a_hold_run_out_is_refused_and_no_consent_is_recorded(world, personas):
    held = held_for(world, personas.patient_a)
    later = NOW + online.HOLD_FOR + timedelta(seconds=1)
    with pytest.raises(SchedulingError) as refused:
        online_terms_accept(appointment=held, notice_version=1, now=later)
    assert refused.value.code == SchedulingErrorCode.HOLD_EXPIRED
    assert not ConsentRecord.objects.exists()
    held.refresh_from_db()
    assert held.status == AppointmentStatus.PENDING
