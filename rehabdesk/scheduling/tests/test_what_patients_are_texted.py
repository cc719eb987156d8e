"""Text messages about bookings: only to whoever agreed to them, at their number in
E.164, saying the time, place and clinic and nothing of the visit; a STOP reply ends
them; an e-mail still goes as before."""

from __future__ import annotations

import pytest

from rehabdesk.notifications.choices import MessageChannel, MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.patients.models import FamilyLink, Patient
from rehabdesk.patients.services import patient_update
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
)
from rehabdesk.scheduling.services.text_replies import text_reply_receive
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db
MOBILE = "+14165550199"


def texted(patient: Patient, phone: str = "416-555-0199", agreed: bool = True) -> Patient:
    patient.phone, patient.contact_by_sms = phone, agreed
    return patient_update(actor=None, patient=patient)


def book(world, start) -> Appointment:
    return appointment_book(request=world.request(start), actor=None, now=NOW)


def texts() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(channel=MessageChannel.SMS).order_by("pk"))


def test_a_patient_who_agreed_is_texted_each_booking_move_and_cancellation(world):
    texted(world.patient)
    visit = book(world, at(10, 10))
    appointment_reschedule(
        appointment=visit, start=at(10, 14), actor=None, now=NOW, channel=Channel.STAFF
    )
    appointment_cancel(appointment=visit, actor=None, now=NOW)
    sent = texts()
    assert [m.kind for m in sent] == [
        "booking_confirmation",
        "booking_changed",
        "booking_cancelled",
    ]
    assert {m.recipient for m in sent} == {MOBILE}  # E.164, though kept as typed
    assert all(m.status == MessageStatus.PENDING for m in sent)
    assert "Reply C to confirm" in sent[0].body_text
    for message in sent:
        assert world.follow_up.name not in message.body_text
        assert world.physio.display_name not in message.body_text
        assert world.patient.first_name not in message.body_text
        assert world.pickering.name in message.body_text
    assert OutboxMessage.objects.filter(channel=MessageChannel.EMAIL).count() == 3


def test_no_agreement_or_no_valid_number_means_no_text(world):
    texted(world.patient, agreed=False)
    book(world, at(10, 10))
    texted(world.other_patient, phone="555-01")
    appointment_book(
        request=world.request(at(10, 14), patient=world.other_patient), actor=None, now=NOW
    )
    assert texts() == []


def test_after_stop_no_more_texts_go(world):
    texted(world.patient)
    book(world, at(10, 10))
    text_reply_receive(from_number=MOBILE, body="STOP", now=NOW)
    book(world, at(11, 10))
    assert len(texts()) == 1


def test_a_child_s_visit_is_texted_to_the_guardian_who_agreed(world):
    guardian = texted(world.other_patient)
    FamilyLink.objects.create(
        guardian=guardian, dependent=world.patient, relationship="parent", manages_bookings=True
    )
    book(world, at(10, 10))
    [text] = texts()
    assert text.recipient == MOBILE
