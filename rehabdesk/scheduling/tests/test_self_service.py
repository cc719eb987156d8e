"""Patients changing their own bookings: the manage link's token (signed, expiring,
bound to one patient) and the policy (online until the cancellation notice starts, by
phone after), enforced on the locked row whatever page was left open."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import signing

from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.choices import AppointmentStatus, CancelledBy, Channel
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.manage_links import SALT, manage_link, manage_link_read, manage_token
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import (
    appointment_book,
    appointment_cancel_by_patient,
    appointment_move_by_patient,
    self_service_terms,
)
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


def book(world, start, **kwargs) -> Appointment:
    return appointment_book(request=world.request(start, **kwargs), actor=None, now=NOW)


# --- The token ----------------------------------------------------------------------------


def test_a_token_names_its_appointment_and_patient_until_the_appointment_starts(world):
    booked = book(world, at(10, 10))
    token = manage_token(booked)
    link = manage_link_read(token, now=NOW)
    assert link is not None
    assert (link.appointment_id, link.patient_id) == (booked.pk, world.patient.pk)
    assert link.expires_at == booked.start
    assert manage_link_read(token, now=booked.start - timedelta(seconds=1)) is not None
    assert manage_link_read(token, now=booked.start) is None


def test_the_link_is_absolute_and_holds_no_name(world, settings):
    settings.SITE_URL = "https://clinic.example"
    link = manage_link(book(world, at(10, 10)))
    assert link.startswith("https://clinic.example/manage/")
    assert world.patient.last_name.lower() not in link.lower()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature
        lambda token: "x" + token,  # the payload
        lambda token: token.split(":")[0],  # no signature at all
        lambda token: "",
    ],
)
def test_an_altered_token_is_refused(world, tamper):
    token = manage_token(book(world, at(10, 10)))
    assert manage_link_read(tamper(token), now=NOW) is None


def test_a_token_signed_for_something_else_is_refused(world):
    booked = book(world, at(10, 10))
    payload = [booked.pk, world.patient.pk, int(booked.start.timestamp())]
    assert manage_link_read(signing.dumps(payload, salt="another.purpose"), now=NOW) is None
    assert manage_link_read(signing.dumps({"a": booked.pk}, salt=SALT), now=NOW) is None


# --- The policy ---------------------------------------------------------------------------


def test_patients_change_online_until_the_notice_starts_then_call(world):
    booked = book(world, at(10, 10))  # Wednesday 10:00
    assert self_service_terms(appointment=booked, now=at(9, 10)).allowed  # exactly 24 h
    late = self_service_terms(appointment=booked, now=at(9, 10, 1))
    assert not late.allowed
    assert "24 hours" in late.why_not
    assert not self_service_terms(appointment=booked, now=at(10, 10)).allowed


def test_cancelling_within_the_policy_costs_nothing_and_tells_the_patient(world):
    booked = book(world, at(10, 10))
    cancelled = appointment_cancel_by_patient(appointment=booked, actor=None, now=NOW)
    assert cancelled.status == AppointmentStatus.CANCELLED
    assert cancelled.cancelled_by == CancelledBy.PATIENT
    assert not cancelled.late_cancellation
    assert cancelled.fee_due is None
    assert OutboxMessage.objects.filter(
        kind="booking_cancelled", related_id=str(booked.pk)
    ).exists()


def test_a_late_change_is_refused_and_leaves_the_booking_as_it_was(world):
    booked = book(world, at(10, 10))
    too_late = at(9, 12)
    with pytest.raises(SchedulingError) as refused:
        appointment_cancel_by_patient(appointment=booked, actor=None, now=too_late)
    assert refused.value.code == SchedulingErrorCode.CALL_US
    assert world.pickering.phone in refused.value.message
    with pytest.raises(SchedulingError):
        appointment_move_by_patient(
            appointment=booked,
            start=at(11, 10),
            practitioner=world.physio,
            actor=None,
            now=too_late,
        )
    booked.refresh_from_db()
    assert (booked.status, booked.start) == (AppointmentStatus.BOOKED, at(10, 10))


def test_a_move_goes_through_the_online_channel_and_sends_a_fresh_link(world):
    booked = book(world, at(10, 10))
    moved = appointment_move_by_patient(
        appointment=booked, start=at(11, 14), practitioner=world.physio, actor=None, now=NOW
    )
    assert moved.pk == booked.pk
    assert moved.start == at(11, 14)
    changed = OutboxMessage.objects.get(kind="booking_changed", related_id=str(booked.pk))
    token = re.search(r"/manage/([^/\s]+)/", changed.body_text).group(1)
    assert manage_link_read(token, now=NOW).expires_at == at(11, 14)


def test_a_move_to_a_time_too_soon_to_book_online_is_refused(world):
    clinic = world.pickering.clinic
    clinic.min_online_notice_minutes = 48 * 60
    clinic.save()
    booked = book(world, at(12, 10))  # Friday: far enough ahead to change
    with pytest.raises(SchedulingError) as refused:
        appointment_move_by_patient(
            appointment=booked, start=at(9, 14), practitioner=world.physio, actor=None, now=NOW
        )
    assert refused.value.code == SchedulingErrorCode.SLOT_UNAVAILABLE
    booked.refresh_from_db()
    assert booked.start == at(12, 10)


def test_a_booking_by_phone_for_an_online_service_is_changed_online_too(world):
    booked = book(world, at(10, 10), channel=Channel.PHONE)
    assert self_service_terms(appointment=booked, now=NOW).allowed
