"""Which waiting patient a freed time goes to: the practitioner and locations they asked
for, their last wanted day, the service's own rules; new hours offered to everyone they
fit; what a wish may say; and offers answered once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from unittest import mock

import pytest

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import PatientEligibility, Weekday
from rehabdesk.clinic.models import TimeOff
from rehabdesk.clinic.testing import make_practitioner, make_registration, make_shift
from rehabdesk.patients.services import patient_deactivate
from rehabdesk.scheduling.choices import (
    AppointmentStatus,
    CancelledBy,
    DayPart,
    FreedKind,
    OfferStatus,
    WaitlistStatus,
)
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.models import FreedTime, WaitlistEntry, WaitlistOffer
from rehabdesk.scheduling.selectors import waitlist_offer_open
from rehabdesk.scheduling.services import (
    Wish,
    appointment_book,
    appointment_cancel,
    day_part,
    freed_time_process,
    waitlist_add,
    waitlist_offer_accept,
    waitlist_offer_decline,
    waitlist_withdraw,
)
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


def wish(world, patient=None, **changes) -> Wish:
    values = {
        "patient": patient or world.patient,
        "service": world.follow_up,
        "practitioner": None,
        "locations": [world.pickering],
        "weekdays": [],
        "day_parts": [],
        "valid_until": date(2027, 4, 30),
    }
    return Wish(**(values | changes))


def wait(world, patient=None, *, when=NOW, **changes) -> WaitlistEntry:
    return waitlist_add(wish=wish(world, patient, **changes), actor=None, now=when)


def release(world, start: datetime, *, practitioner=None, patient=None) -> None:
    """Someone else's booking at `start`, cancelled: its time is freed and offered."""
    booked = appointment_book(
        request=world.request(
            start, practitioner=practitioner, patient=patient or world.other_patient
        ),
        actor=None,
        now=NOW,
    )
    appointment_cancel(appointment=booked, actor=None, now=NOW, by=CancelledBy.PATIENT)
    freed_time_process(now=NOW)


def offered_to(entry: WaitlistEntry) -> list[datetime]:
    return [o.appointment.start for o in WaitlistOffer.objects.filter(entry=entry)]


# --- Parts of the day (no database) ------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "part"),
    [
        (time(0), DayPart.MORNING),
        (time(11, 59), DayPart.MORNING),
        (time(12), DayPart.AFTERNOON),
        (time(16, 59), DayPart.AFTERNOON),
        (time(17), DayPart.EVENING),
    ],
)
def test_the_day_is_split_at_noon_and_five(moment, part):
    assert day_part(moment) == part


# --- What a wish may say -----------------------------------------------------------------


def test_a_wish_is_kept_in_order_without_repeats(world):
    entry = wait(
        world,
        weekdays=[4, 1, 4],
        day_parts=[DayPart.EVENING, DayPart.MORNING],
        note="Prefers Priya. " * 20,
    )
    stored = WaitlistEntry.objects.get(pk=entry.pk)
    assert (stored.weekdays, stored.day_parts, len(stored.note)) == (
        [1, 4],
        ["morning", "evening"],
        200,
    )
    assert (stored.status, stored.created_at) == (WaitlistStatus.WAITING, NOW)


def test_each_impossible_wish_is_refused_on_its_field_and_nothing_is_kept(world):
    inactive = patient_deactivate(actor=None, patient=world.other_patient, reason="", now=NOW)
    cases = [
        ({"weekdays": [7]}, "weekdays", "Weekdays are 0 (Monday) to 6 (Sunday)."),
        (
            {"day_parts": ["night"]},
            "day_parts",
            "Parts of the day are morning, afternoon or evening.",
        ),
        (
            {"valid_until": date(2027, 3, 7)},
            "valid_until",
            "The last day wanted has already passed.",
        ),
        ({"patient": inactive}, "patient", "This patient's record is inactive."),
    ]
    for changes, field, message in cases:
        with pytest.raises(SchedulingError) as refused:
            waitlist_add(wish=wish(world, **changes), actor=None, now=NOW)
        assert (refused.value.code, refused.value.field, refused.value.message) == (
            SchedulingErrorCode.INVALID,
            field,
            message,
        )
    assert not WaitlistEntry.objects.exists()


def test_the_last_wanted_day_is_the_location_s_today(world):
    # 02:00 UTC on Tuesday is still Monday evening in Toronto.
    late_monday = datetime(2027, 3, 9, 2, 0, tzinfo=UTC)
    entry = wait(world, when=late_monday, valid_until=date(2027, 3, 8))
    assert entry.valid_until == date(2027, 3, 8)


# --- Whom a freed time fits --------------------------------------------------------------


def test_a_patient_waiting_for_one_practitioner_is_not_offered_another_s_time(world, personas):
    second = make_practitioner("Second Physio")
    make_registration(second, "cpo")
    make_shift(second, world.pickering, Weekday.WEDNESDAY, "09:00", "17:00")
    only_priya = wait(world, practitioner=world.physio)
    anyone = wait(world, personas.guardian, when=NOW + timedelta(minutes=1))
    release(world, at(10, 10), practitioner=second)
    assert offered_to(only_priya) == []
    assert offered_to(anyone) == [at(10, 10)]
    assert WaitlistOffer.objects.get().appointment.practitioner == second


def test_a_patient_waiting_elsewhere_or_past_their_last_day_is_passed_over(world, personas):
    elsewhere = wait(world, locations=[personas.milton])
    until_tuesday = wait(world, world.other_patient, valid_until=date(2027, 3, 9))
    guardian = wait(world, personas.guardian)
    release(world, at(10, 10), patient=personas.child)
    assert offered_to(elsewhere) == []
    assert offered_to(until_tuesday) == []
    assert offered_to(guardian) == [at(10, 10)]


def test_a_waiting_patient_the_service_would_refuse_is_passed_over(world, personas):
    world.follow_up.patient_eligibility = PatientEligibility.NEW_ONLY
    clinic_services.service_save(service=world.follow_up, on=NOW.date())
    appointment_book(request=world.request(at(12, 10)), actor=None, now=NOW)  # now known
    known = wait(world)
    new = wait(world, personas.guardian, when=NOW + timedelta(minutes=1))
    release(world, at(10, 10), patient=personas.child)
    assert offered_to(known) == []
    assert offered_to(new) == [at(10, 10)]
    assert WaitlistEntry.objects.get(pk=known.pk).status == WaitlistStatus.WAITING


def test_new_hours_are_offered_to_every_waiting_patient_they_fit(world, personas):
    away = clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(11, 9), ends_at=at(11, 17))
    )
    first = wait(world, weekdays=[Weekday.THURSDAY])
    second = wait(world, personas.guardian, weekdays=[Weekday.THURSDAY], day_parts=["morning"])
    third = wait(world, personas.child, weekdays=[Weekday.THURSDAY], day_parts=["evening"])
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        clinic_services.time_off_delete(time_off=away)
    (opened,) = FreedTime.objects.filter(kind=FreedKind.OPENED)
    assert (opened.start, opened.end) == (at(11, 9), at(11, 17))
    assert freed_time_process(now=NOW) == 2
    assert offered_to(first) == [at(11, 9)]
    assert offered_to(second) == [at(11, 9, 45)]
    assert offered_to(third) == []  # the physio stops at five


def test_a_change_is_recorded_for_the_waitlist_only_when_someone_waits_there(world, personas):
    def time_off(day: int) -> None:
        with mock.patch("django.utils.timezone.now", return_value=NOW):
            clinic_services.time_off_save(
                time_off=TimeOff(
                    practitioner=world.physio, starts_at=at(day, 9), ends_at=at(day, 12)
                )
            )

    time_off(11)
    assert not FreedTime.objects.exists()
    wait(world, locations=[personas.milton])
    time_off(12)
    assert not FreedTime.objects.exists()
    wait(world, personas.guardian)
    time_off(10)
    (recorded,) = FreedTime.objects.all()
    assert (recorded.practitioner, recorded.location, recorded.start, recorded.end) == (
        world.physio,
        world.pickering,
        at(10, 9),
        at(10, 12),
    )
    # It took time away: looking finds nothing free to offer.
    assert freed_time_process(now=NOW) == 0


# --- Offers answered once ----------------------------------------------------------------


@pytest.fixture
def offer(world, personas) -> WaitlistOffer:
    wait(world)
    release(world, at(10, 10), patient=personas.guardian)
    return WaitlistOffer.objects.get()


def test_an_offer_is_open_until_it_expires_and_not_after(world, offer):
    hold = offer.appointment
    assert (
        waitlist_offer_open(appointment=hold, now=offer.expires_at - timedelta(seconds=1)) == offer
    )
    assert waitlist_offer_open(appointment=hold, now=offer.expires_at) is None


def test_an_accepted_offer_cannot_then_be_declined(world, offer):
    waitlist_offer_accept(offer=offer, actor=None, now=NOW)
    with pytest.raises(SchedulingError) as refused:
        waitlist_offer_decline(offer=offer, actor=None, now=NOW)
    assert refused.value.code == SchedulingErrorCode.NOT_ACTIVE
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    assert offer.appointment.status == AppointmentStatus.BOOKED
    assert waitlist_offer_open(appointment=offer.appointment, now=NOW) is None


def test_a_declined_offer_cannot_then_be_accepted(world, offer):
    waitlist_offer_decline(offer=offer, actor=None, now=NOW)
    with pytest.raises(SchedulingError) as refused:
        waitlist_offer_accept(offer=offer, actor=None, now=NOW)
    assert (refused.value.code, refused.value.message) == (
        SchedulingErrorCode.HOLD_EXPIRED,
        "This offer has ended; the time may have gone to someone else.",
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED
    assert offer.appointment.status == AppointmentStatus.CANCELLED
    assert offer.entry.status == WaitlistStatus.WAITING


def test_a_patient_off_the_waitlist_cannot_be_taken_off_again(world, offer):
    entry = offer.entry
    waitlist_offer_accept(offer=offer, actor=None, now=NOW)
    with pytest.raises(SchedulingError) as refused:
        waitlist_withdraw(entry=entry, actor=None, now=NOW)
    assert (refused.value.code, refused.value.message) == (
        SchedulingErrorCode.NOT_ACTIVE,
        "This patient is no longer on the waitlist.",
    )
    assert WaitlistEntry.objects.get(pk=entry.pk).status == WaitlistStatus.BOOKED
