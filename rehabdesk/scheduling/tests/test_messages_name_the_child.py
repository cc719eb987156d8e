"""E-mails about a child's visit, which go to the guardian, name the child: "Charlie's
appointment is booked", in both bodies, for a booking, a move, a cancellation and a
waitlist offer; the subject, which lock screens show, says "An appointment" and no name.
A patient's own e-mails still say "Your appointment". Checked on the rendered outbox
rows."""

from __future__ import annotations

import pytest

from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.patients.services import patient_update
from rehabdesk.scheduling import services
from rehabdesk.scheduling.choices import CancelledBy, Channel
from rehabdesk.scheduling.messages import RELATED_TYPE, tell_patient
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


def message(appointment: Appointment, kind: str) -> OutboxMessage:
    return OutboxMessage.objects.get(
        related_type=RELATED_TYPE, related_id=str(appointment.pk), kind=kind
    )


def book(world, start, patient) -> Appointment:
    return services.appointment_book(
        request=world.request(start, patient=patient, channel=Channel.PHONE), actor=None, now=NOW
    )


def test_the_guardian_s_e_mails_about_a_child_s_visit_name_the_child(world, personas):
    child, guardian = personas.child, personas.guardian
    appointment = book(world, at(10, 10), child)

    booked = message(appointment, "booking_confirmation")
    assert booked.recipient == guardian.email
    assert booked.subject.startswith("An appointment is booked for Wednesday, March 10")
    assert "Charlie's appointment is booked." in booked.body_text
    assert "Charlie&#x27;s appointment is booked." in booked.body_html
    assert f"Hello {guardian.full_name}," in booked.body_text

    services.appointment_reschedule(
        appointment=appointment, start=at(10, 14), actor=None, now=NOW, channel=Channel.PHONE
    )
    moved = message(appointment, "booking_changed")
    assert moved.subject.startswith("An appointment has changed: now Wednesday")
    assert "Charlie's appointment that was booked for Wednesday, March 10, 2027 at 10:00 AM" in (
        moved.body_text
    )

    services.appointment_cancel(
        appointment=appointment, actor=None, now=NOW, by=CancelledBy.PATIENT
    )
    cancelled = message(appointment, "booking_cancelled")
    assert cancelled.subject.startswith("An appointment on Wednesday, March 10")
    assert "Charlie's appointment on Wednesday, March 10, 2027 at 2:00 PM" in cancelled.body_text
    assert "has been cancelled" in cancelled.body_text


def test_a_time_held_from_the_waitlist_for_a_child_says_it_is_for_them(world, personas):
    held = services.appointment_hold(
        request=world.request(at(11, 10), patient=personas.child), actor=None, now=NOW
    )
    tell_patient(held, "waitlist_offer", NOW, key="offer", offer_expires_local="", respond_text="")
    offer = message(held, "waitlist_offer")
    assert offer.recipient == personas.guardian.email
    assert offer.subject.startswith("An appointment time has opened up:")
    assert "a time has opened up that Charlie was waiting for." in offer.body_text
    assert "holding this time for Charlie until" in offer.body_text
    assert "holding this time for Charlie until" in offer.body_html


def test_a_patient_s_own_e_mails_still_say_your_appointment(world, personas):
    appointment = book(world, at(10, 10), personas.patient_a)
    booked = message(appointment, "booking_confirmation")
    assert booked.subject.startswith("Your appointment is booked for")
    assert "Your appointment is booked." in booked.body_text
    assert "Charlie" not in booked.body_text


def test_the_child_s_preferred_name_is_used_and_no_subject_names_them(world, personas):
    child = personas.child
    child.preferred_name = "Chip"
    patient_update(actor=None, patient=child)
    appointment = book(world, at(10, 10), child)
    services.appointment_cancel(
        appointment=appointment, actor=None, now=NOW, by=CancelledBy.PATIENT
    )
    for kind in ("booking_confirmation", "booking_cancelled"):
        sent = message(appointment, kind)
        assert "Chip's appointment" in sent.body_text
        assert "Chip" not in sent.subject
        assert "Charlie" not in sent.subject
