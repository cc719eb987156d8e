"""Looking again at bookings when hours change: only booked visits still to come, of the
practitioners and locations and days the change touched; the desk's list by location,
soonest first; and a booking leaving the list when cancelled, or coming back onto it
when moved into trouble again after being kept."""

from __future__ import annotations

from datetime import date

import pytest

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models import Closure, TimeOff, WorkingHours
from rehabdesk.scheduling.choices import CancelledBy, Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import outside_hours
from rehabdesk.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_hold,
    appointment_keep,
    appointment_reschedule,
    outside_hours_review,
)
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock_at_now(monkeypatch):
    """Hours, time off, closures and registrations are saved without a `now`: the change
    is reviewed against the real clock (clinic.signals.announce), which passes the fixed
    week of March 8, 2027 one day. Held at NOW, the Monday morning before it."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


def book(world, start, **kwargs) -> Appointment:
    return appointment_book(request=world.request(start, **kwargs), actor=None, now=NOW)


def listed(location_ids=None) -> list[int]:
    return list(outside_hours(location_ids=location_ids).values_list("pk", flat=True))


def away(world, day: int, first: int = 9, last: int = 17, practitioner=None) -> TimeOff:
    return clinic_services.time_off_save(
        time_off=TimeOff(
            practitioner=practitioner or world.physio,
            starts_at=at(day, first),
            ends_at=at(day, last),
        )
    )


def test_the_review_looks_only_at_the_window_the_practitioners_and_the_locations_given(world):
    wednesday = book(world, at(10, 10))
    thursday = book(world, at(11, 10))
    massage = book(
        world,
        at(11, 10),
        practitioner=world.massage_therapist,
        service=world.massage,
        patient=world.other_patient,
    )
    # Mark nothing yet: the practitioners' hours are unchanged; then make their days
    # impossible behind the review's back and ask only about parts of the calendar.
    for who in (world.physio, world.massage_therapist):
        WorkingHours.objects.filter(practitioner=who).update(effective_until=date(2027, 3, 9))
    found = outside_hours_review(
        practitioner_ids=[world.physio.pk], location_ids=None, start=at(11, 0), end=None, now=NOW
    )
    assert [a.pk for a in found] == [thursday.pk]
    found = outside_hours_review(
        practitioner_ids=None,
        location_ids=[world.pickering.pk],
        start=NOW,
        end=at(11, 0),
        now=NOW,
    )
    assert [a.pk for a in found] == [wednesday.pk]
    assert sorted(listed()) == sorted([wednesday.pk, thursday.pk])
    assert massage.pk not in listed()


def test_holds_are_not_looked_at_again(world):
    hold = appointment_hold(request=world.request(at(11, 10)), actor=None, now=NOW)
    away(world, 11)
    assert listed() == []
    assert Appointment.objects.get(pk=hold.pk).outside_hours_since is None


def test_the_desk_sees_its_own_location_s_list_soonest_first(world, personas):
    later = book(world, at(12, 10))
    sooner = book(world, at(11, 14))
    away(world, 11)
    away(world, 12)
    assert listed() == [sooner.pk, later.pk]
    assert listed([world.pickering.pk]) == [sooner.pk, later.pk]
    assert listed([personas.milton.pk]) == []


def test_a_closure_elsewhere_lists_nobody_here(world, personas):
    book(world, at(11, 10))
    clinic_services.closure_save(
        closure=Closure(
            location=personas.milton,
            first_day=date(2027, 3, 11),
            last_day=date(2027, 3, 11),
            name="Flood",
        )
    )
    assert listed() == []


def test_deleted_hours_list_the_bookings_they_held(world):
    thursday = book(world, at(11, 10))
    wednesday = book(world, at(10, 10))
    shift = WorkingHours.objects.get(practitioner=world.physio, weekday=Weekday.THURSDAY)
    clinic_services.working_hours_delete(working_hours=shift)
    assert listed() == [thursday.pk]
    assert Appointment.objects.get(pk=wednesday.pk).outside_hours_since is None


def test_a_listed_booking_cancelled_with_notice_leaves_the_list(world):
    appointment = book(world, at(11, 10))
    away(world, 11)
    assert listed() == [appointment.pk]
    appointment_cancel(appointment=appointment, actor=None, now=NOW, by=CancelledBy.CLINIC)
    assert listed() == []
    row = Appointment.objects.get(pk=appointment.pk)
    assert (row.outside_hours_since, row.late_cancellation) == (None, False)


def test_a_kept_booking_moved_into_trouble_again_comes_back_onto_the_list(world):
    appointment = book(world, at(11, 10))
    away(world, 11, 9, 12)
    appointment_keep(appointment=appointment, actor=None, now=NOW)
    moved = appointment_reschedule(
        appointment=appointment, start=at(12, 10), actor=None, now=NOW, channel=Channel.STAFF
    )
    assert (moved.kept_outside_hours, moved.outside_hours_since) == (False, None)
    away(world, 12, 9, 12)
    assert listed() == [appointment.pk]
