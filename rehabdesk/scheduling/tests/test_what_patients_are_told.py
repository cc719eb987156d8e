"""What a booking e-mail says and the calendar file that goes with it: the price as
the patient pays it, times in the location's own zone, who the file is from and for,
a SEQUENCE that counts only what changes the entry, and messages about a child going to
the guardian who manages their bookings, once each."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from icalendar import Calendar

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.models import Clinic, Location, TimeOff
from rehabdesk.clinic.testing import make_location
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.patients.models import FamilyLink
from rehabdesk.patients.services import (
    family_link_end,
    patient_deactivate,
    patient_reactivate,
    patient_update,
)
from rehabdesk.scheduling import services
from rehabdesk.scheduling.calendar_file import appointment_calendar, calendar_sequence
from rehabdesk.scheduling.choices import CancelledBy, Channel
from rehabdesk.scheduling.messages import (
    RELATED_TYPE,
    addressee,
    booking_context,
    local_text,
    tell_patient,
)
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


def book(world, start, **kwargs) -> Appointment:
    booked = services.appointment_book(request=world.request(start, **kwargs), actor=None, now=NOW)
    return Appointment.objects.select_related(
        "location__clinic", "service__tax_category", "patient", "practitioner"
    ).get(pk=booked.pk)


def sent(appointment, kind=None) -> list[OutboxMessage]:
    found = OutboxMessage.objects.filter(related_type=RELATED_TYPE, related_id=str(appointment.pk))
    return list(found.filter(kind=kind) if kind else found.order_by("pk"))


def event_of(text: str):
    (event,) = Calendar.from_ical(text).events
    return event


# --- What the e-mail says ----------------------------------------------------------------


def test_a_taxable_price_is_shown_before_tax_with_hst_and_an_exempt_one_as_it_is(world):
    massage = book(world, at(10, 10), practitioner=world.massage_therapist, service=world.massage)
    physio = book(world, at(10, 11))  # once the massage is over
    assert booking_context(massage)["price_text"] == "$85.00 + HST"
    assert booking_context(physio)["price_text"] == "$85.00"
    (confirmation,) = sent(massage, "booking_confirmation")
    assert "$85.00 + HST" in confirmation.body_text


def test_times_are_written_in_the_location_s_own_zone_without_leading_zeros(world, personas):
    appointment = book(world, at(15, 9))
    assert local_text(appointment.start, appointment) == "Monday, March 15, 2027 at 9:00 AM"
    assert local_text(at(15, 9, 5), appointment) == "Monday, March 15, 2027 at 9:05 AM"
    assert local_text(at(15, 14, 30), appointment) == "Monday, March 15, 2027 at 2:30 PM"
    winnipeg = make_location(personas.pickering.clinic, "Winnipeg", time_zone="America/Winnipeg")
    appointment.location = Location.objects.select_related("clinic").get(pk=winnipeg.pk)
    assert local_text(at(15, 9, 5), appointment) == "Monday, March 15, 2027 at 8:05 AM"


def test_the_clinic_s_phone_is_the_location_s_when_the_clinic_has_none(world):
    appointment = book(world, at(10, 10))
    assert booking_context(appointment)["clinic_phone"] == world.pickering.phone
    clinic = Clinic.objects.get(pk=world.pickering.clinic_id)
    clinic.phone = "1-800-555-0199"
    clinic_services.configuration_save(instance=clinic)
    appointment.location.clinic = clinic
    context = booking_context(appointment, greeting_name="Alice")
    assert (context["clinic_phone"], context["location_phone"], context["greeting_name"]) == (
        "1-800-555-0199",
        world.pickering.phone,
        "Alice",
    )


def test_a_time_held_for_nobody_yet_has_no_name_and_no_link(world):
    held = services.appointment_hold(
        request=services.BookingRequest(
            patient=None,
            practitioner=world.physio,
            service=world.follow_up,
            location=world.pickering,
            start=at(10, 10),
            channel=Channel.ONLINE,
        ),
        actor=None,
        now=NOW,
    )
    context = booking_context(held)
    assert (context["patient_name"], context["manage_link"]) == ("", "")


def test_a_patient_who_asked_not_to_be_emailed_gets_no_message_about_any_change(world):
    world.patient.contact_by_email = False
    patient_update(actor=None, patient=world.patient)
    appointment = book(world, at(10, 10))
    services.appointment_reschedule(
        appointment=appointment, start=at(11, 10), actor=None, now=NOW, channel=Channel.STAFF
    )
    services.appointment_cancel(appointment=appointment, actor=None, now=NOW)
    assert sent(appointment) == []


def test_the_same_message_about_the_same_change_is_queued_once(world):
    appointment = book(world, at(10, 10))
    tell_patient(appointment, "booking_confirmation", NOW, key="booked")
    tell_patient(appointment, "booking_confirmation", NOW + timedelta(minutes=1), key="booked")
    assert len(sent(appointment, "booking_confirmation")) == 1


# --- To the guardian ---------------------------------------------------------------------


def test_a_child_s_cancellation_and_waitlist_offer_go_to_the_guardian(world, personas):
    child, guardian = personas.child, personas.guardian
    appointment = book(world, at(10, 10), patient=child)
    services.appointment_cancel(
        appointment=appointment, actor=None, now=NOW, by=CancelledBy.PATIENT
    )
    (cancelled,) = sent(appointment, "booking_cancelled")
    assert cancelled.recipient == guardian.email
    assert f"Hello {guardian.full_name}," in cancelled.body_text
    held = services.appointment_hold(
        request=world.request(at(11, 10), patient=child), actor=None, now=NOW
    )
    tell_patient(held, "waitlist_offer", NOW, key="offer", offer_expires_local="", respond_text="")
    (offer,) = sent(held, "waitlist_offer")
    assert (offer.recipient, offer.calendar) == (guardian.email, "")


def test_nobody_is_written_to_through_an_ended_link_or_an_inactive_guardian(world, personas):
    child, guardian = personas.child, personas.guardian
    assert addressee(child) == guardian
    patient_deactivate(actor=None, patient=guardian, reason="", now=NOW)
    assert addressee(child) is None
    patient_reactivate(actor=None, patient=guardian)
    assert addressee(child) == guardian
    family_link_end(actor=None, link=FamilyLink.objects.get(dependent=child), now=NOW)
    assert addressee(child) is None


# --- The calendar file -------------------------------------------------------------------


def test_a_calendar_file_is_an_invitation_or_a_cancellation_and_nothing_else(world):
    appointment = book(world, at(10, 10))
    context = booking_context(appointment)
    with pytest.raises(ValueError, match="REQUEST or CANCEL"):
        appointment_calendar(appointment, method="PUBLISH", now=NOW, context=context)
    event = event_of(appointment_calendar(appointment, method="CANCEL", now=NOW, context=context))
    assert event["STATUS"] == "CANCELLED"
    assert "ATTENDEE" not in event


def test_the_file_is_from_the_clinic_s_sending_address_and_names_the_child(
    world, personas, settings
):
    settings.DEFAULT_FROM_EMAIL = "Persona Bookings <bookings@persona.example>"
    appointment = book(world, at(10, 10), patient=personas.child)
    (confirmation,) = sent(appointment, "booking_confirmation")
    event = event_of(confirmation.calendar)
    assert str(event["ORGANIZER"]) == "mailto:bookings@persona.example"
    assert event["ORGANIZER"].params["CN"] == world.pickering.clinic.name
    assert str(event["ATTENDEE"]) == f"mailto:{personas.guardian.email}"
    assert event["ATTENDEE"].params["CN"] == personas.child.full_name


def test_a_location_in_another_zone_writes_its_own_zone_and_wall_clock(world, personas):
    winnipeg = make_location(personas.pickering.clinic, "Winnipeg", time_zone="America/Winnipeg")
    appointment = book(world, at(10, 10))
    appointment.location = Location.objects.select_related("clinic").get(pk=winnipeg.pk)
    text = appointment_calendar(
        appointment, method="REQUEST", now=NOW, context=booking_context(appointment)
    )
    event = event_of(text)
    assert event["DTSTART"].params["TZID"] == "America/Winnipeg"
    assert f"{event.decoded('DTSTART'):%Y-%m-%d %H:%M}" == "2027-03-10 09:00"
    assert [tz.tz_name for tz in Calendar.from_ical(text).timezones] == ["America/Winnipeg"]


def test_the_sequence_counts_moves_and_the_cancellation_not_check_ins_or_keeps(world, monkeypatch):
    # Saving time off reviews the bookings still to come by the real clock
    # (clinic.signals.announce): held at NOW, before the week of March 8, 2027.
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    appointment = book(world, at(8, 9))
    services.appointment_arrive(appointment=appointment, actor=None, now=at(8, 8, 55))
    assert calendar_sequence(appointment) == 0
    other = book(world, at(11, 10), patient=world.other_patient)
    clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(11, 9), ends_at=at(11, 12))
    )
    services.appointment_keep(appointment=other, actor=None, now=NOW)
    assert calendar_sequence(other) == 0
    services.appointment_reschedule(
        appointment=other, start=at(12, 10), actor=None, now=NOW, channel=Channel.STAFF
    )
    services.appointment_cancel(appointment=other, actor=None, now=NOW)
    assert calendar_sequence(other) == 2
    sequences = [event_of(m.calendar)["SEQUENCE"] for m in sent(other)]
    assert sequences == [0, 1, 2]


def test_a_price_change_after_booking_is_what_the_next_message_says(world):
    appointment = book(world, at(10, 10))
    world.follow_up.price = Decimal("90.00")
    clinic_services.service_save(service=world.follow_up, on=NOW.date())
    moved = services.appointment_reschedule(
        appointment=appointment, start=at(11, 10), actor=None, now=NOW, channel=Channel.STAFF
    )
    (changed,) = sent(moved, "booking_changed")
    assert "$90.00" in changed.body_text
    assert "$90.00" in str(event_of(changed.calendar)["DESCRIPTION"])
