"""The waitlist: freed time offered longest wait first, held while the patient decides,
passed on when they decline or let it lapse, booked when they accept."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.core.management import call_command

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.models import TimeOff
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.choices import (
    AppointmentStatus,
    CancelledBy,
    DayPart,
    FreedKind,
    OfferStatus,
    WaitlistStatus,
)
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.models import Appointment, FreedTime, WaitlistEntry, WaitlistOffer
from rehabdesk.scheduling.services import (
    Wish,
    appointment_book,
    appointment_cancel,
    freed_time_process,
    waitlist_add,
    waitlist_offer_accept,
    waitlist_offer_decline,
    waitlist_offers_expire,
    waitlist_withdraw,
)
from rehabdesk.scheduling.testing import NOW, at, overlaps

pytestmark = pytest.mark.django_db

OFFER_TIME = timedelta(minutes=120)


def wait(world, patient, *, when: datetime, weekdays=(), day_parts=(), practitioner=None):
    return waitlist_add(
        wish=Wish(
            patient=patient,
            service=world.follow_up,
            practitioner=practitioner,
            locations=[world.pickering],
            weekdays=weekdays,
            day_parts=day_parts,
            valid_until=date(2027, 4, 30),
        ),
        actor=None,
        now=when,
    )


def fill_day(world, day: int, patient) -> list[Appointment]:
    """Book the physio's whole day (09:00–17:00, lunch 12:00–12:30) so the only free time
    is what a cancellation frees."""
    starts = [at(day, 9) + timedelta(minutes=45 * n) for n in range(4)]
    starts += [at(day, 12, 30) + timedelta(minutes=45 * n) for n in range(6)]
    return [
        appointment_book(request=world.request(start, patient=patient), actor=None, now=NOW)
        for start in starts
    ]


def cancel_and_offer(appointment: Appointment, now: datetime) -> list[WaitlistOffer]:
    appointment_cancel(appointment=appointment, actor=None, now=now, by=CancelledBy.PATIENT)
    freed_time_process(now=now)
    return list(WaitlistOffer.objects.order_by("pk"))


@pytest.fixture
def full_day(world, personas):
    """Wednesday March 10 fully booked by the guardian; two patients waiting."""
    booked = fill_day(world, 10, personas.guardian)
    first = wait(world, world.patient, when=NOW)
    second = wait(world, world.other_patient, when=NOW + timedelta(minutes=1))
    return booked, first, second


def test_the_longest_waiting_patient_is_offered_the_freed_time_held_for_them(world, full_day):
    booked, first, second = full_day
    (offer,) = cancel_and_offer(booked[1], NOW)  # 09:45
    assert offer.entry == first
    hold = offer.appointment
    assert (hold.patient, hold.start, hold.status) == (
        world.patient,
        at(10, 9, 45),
        AppointmentStatus.PENDING,
    )
    assert hold.hold_expires_at == offer.expires_at == NOW + OFFER_TIME
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (WaitlistStatus.OFFERED, WaitlistStatus.WAITING)
    message = OutboxMessage.objects.get(kind="waitlist_offer")
    assert message.recipient == world.patient.email
    assert "10:00 AM" in message.body_text  # the hold expiry, Toronto time


def test_the_held_time_cannot_be_booked_by_anyone_else(world, full_day, personas):
    booked, _, _ = full_day
    cancel_and_offer(booked[1], NOW)
    with pytest.raises(SchedulingError) as refused:
        appointment_book(
            request=world.request(at(10, 9, 45), patient=personas.guardian), actor=None, now=NOW
        )
    assert refused.value.code == SchedulingErrorCode.SLOT_UNAVAILABLE


def test_an_unanswered_offer_expires_and_passes_to_the_next_patient(world, full_day):
    booked, first, second = full_day
    (offer,) = cancel_and_offer(booked[1], NOW)
    assert waitlist_offers_expire(now=offer.expires_at - timedelta(seconds=1)) == 0
    assert waitlist_offers_expire(now=offer.expires_at) == 1
    offer.refresh_from_db()
    offer.appointment.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED
    assert offer.appointment.status == AppointmentStatus.CANCELLED
    passed_on = WaitlistOffer.objects.get(entry=second)
    assert passed_on.status == OfferStatus.OPEN
    assert passed_on.appointment.start == at(10, 9, 45)
    first.refresh_from_db()
    assert first.status == WaitlistStatus.WAITING  # keeps their place for other times
    # Nobody left who has not had it: the first patient is not offered it again.
    assert waitlist_offers_expire(now=passed_on.expires_at) == 1
    assert WaitlistOffer.objects.filter(status=OfferStatus.OPEN).count() == 0


def test_declining_passes_it_on_at_once(world, full_day):
    booked, _, second = full_day
    (offer,) = cancel_and_offer(booked[1], NOW)
    waitlist_offer_decline(offer=offer, actor=None, now=NOW + timedelta(minutes=5))
    assert WaitlistOffer.objects.get(entry=second).status == OfferStatus.OPEN
    with pytest.raises(SchedulingError):
        waitlist_offer_decline(offer=offer, actor=None, now=NOW + timedelta(minutes=6))


def test_accepting_books_the_time(world, full_day):
    booked, first, _ = full_day
    (offer,) = cancel_and_offer(booked[1], NOW)
    waitlist_offer_accept(offer=offer, actor=None, now=NOW + timedelta(minutes=30))
    offer.refresh_from_db()
    first.refresh_from_db()
    appointment = Appointment.objects.get(pk=offer.appointment_id)
    assert (offer.status, first.status, appointment.status) == (
        OfferStatus.ACCEPTED,
        WaitlistStatus.BOOKED,
        AppointmentStatus.BOOKED,
    )
    assert OutboxMessage.objects.filter(kind="booking_confirmation", related_id=str(appointment.pk))


def test_an_offer_cannot_be_accepted_once_it_has_expired(world, full_day):
    booked, _, _ = full_day
    (offer,) = cancel_and_offer(booked[1], NOW)
    with pytest.raises(SchedulingError) as refused:
        waitlist_offer_accept(offer=offer, actor=None, now=offer.expires_at)
    assert refused.value.code == SchedulingErrorCode.HOLD_EXPIRED


def test_preferred_days_and_times_are_respected(world, personas):
    booked = fill_day(world, 10, personas.guardian)  # a Wednesday
    wants_thursdays = wait(world, world.patient, when=NOW, weekdays=[3])
    wants_afternoons = wait(
        world, world.other_patient, when=NOW + timedelta(minutes=1), day_parts=[DayPart.AFTERNOON]
    )
    assert cancel_and_offer(booked[1], NOW) == []  # 09:45 on Wednesday: neither fits
    afternoon = next(a for a in booked if a.start == at(10, 13, 15))
    (offer,) = cancel_and_offer(afternoon, NOW)
    assert offer.entry == wants_afternoons
    assert offer.appointment.start == at(10, 13, 15)
    assert not WaitlistOffer.objects.filter(entry=wants_thursdays).exists()


def test_a_freed_time_is_claimed_once(world, full_day):
    booked, _, _ = full_day
    appointment_cancel(appointment=booked[1], actor=None, now=NOW, by=CancelledBy.PATIENT)
    assert freed_time_process(now=NOW) == 1
    assert freed_time_process(now=NOW) == 0
    assert WaitlistOffer.objects.count() == 1


def test_withdrawing_releases_the_offer_to_the_next(world, full_day):
    booked, first, second = full_day
    cancel_and_offer(booked[1], NOW)
    waitlist_withdraw(entry=first, actor=None, now=NOW)
    first.refresh_from_db()
    assert first.status == WaitlistStatus.WITHDRAWN
    assert WaitlistOffer.objects.get(entry=second).status == OfferStatus.OPEN
    assert overlaps() == (0, 0)


def test_removed_time_off_opens_time_for_waiting_patients(world, personas, monkeypatch):
    # Saving time off reviews the bookings still to come by the real clock
    # (clinic.signals.announce): held at NOW, before the week of March 8, 2027.
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    away = clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(11, 9), ends_at=at(11, 17))
    )
    for day in (9, 10, 12):
        fill_day(world, day, personas.guardian)
    entry = wait(world, world.patient, when=NOW, weekdays=[3])  # Thursdays only
    clinic_services.time_off_delete(time_off=away)
    opened = FreedTime.objects.get(kind=FreedKind.OPENED)
    assert opened.practitioner == world.physio
    freed_time_process(now=NOW)
    offer = WaitlistOffer.objects.get(entry=entry)
    assert offer.appointment.start == at(11, 9)


def test_entries_past_their_last_day_expire(world):
    entry = wait(world, world.patient, when=NOW)
    waitlist_offers_expire(now=datetime(2027, 5, 1, 12, tzinfo=NOW.tzinfo))
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.EXPIRED


def test_an_entry_waits_to_the_end_of_its_last_day_in_the_clinic_s_zone(world):
    """At 21:00 in Toronto on the last day it is already the next day in UTC (the
    scheduler's clock): the entry still waits, and a time freed that evening may go
    to it. It expires once the day is over where the clinic is."""
    entry = wait(world, world.patient, when=NOW)
    last_evening = datetime(2027, 4, 30, 21, tzinfo=NOW.tzinfo).astimezone(UTC)
    assert last_evening.date() > entry.valid_until

    waitlist_offers_expire(now=last_evening)
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING
    waitlist_offers_expire(now=last_evening + timedelta(hours=3, minutes=1))
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.EXPIRED


def test_a_wish_with_no_location_is_refused(world):
    with pytest.raises(SchedulingError) as refused:
        waitlist_add(
            wish=Wish(
                patient=world.patient,
                service=world.follow_up,
                practitioner=None,
                locations=[],
                weekdays=[],
                day_parts=[],
                valid_until=date(2027, 4, 30),
            ),
            actor=None,
            now=NOW,
        )
    assert refused.value.field == "locations"
    assert not WaitlistEntry.objects.exists()


def test_run_scheduler_once_offers_freed_time(world, full_day):
    booked, first, _ = full_day
    appointment_cancel(appointment=booked[1], actor=None, now=NOW, by=CancelledBy.PATIENT)
    out = io.StringIO()
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        call_command("run_scheduler", "--once", stdout=out)
    assert out.getvalue().strip() == "0 offer(s) expired, 0 hold(s) released, 1 offer(s) made."
    assert WaitlistOffer.objects.get().entry == first
