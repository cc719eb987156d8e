"""The calendar file that goes with booking e-mails, parsed back with icalendar: right on
both 2027 clock-change days (Toronto springs forward on March 14 and falls back on
November 7), one UID for the appointment's life, SEQUENCE up on every change, and a
cancellation that removes the entry."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from icalendar import Calendar, Event

from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models import OpeningHours, Service
from rehabdesk.clinic.testing import make_shift
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.calendar_file import PRODID
from rehabdesk.scheduling.choices import CancelledBy, Channel
from rehabdesk.scheduling.messages import RELATED_TYPE, WHAT_TO_BRING
from rehabdesk.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_confirm,
    appointment_hold,
    appointment_reschedule,
)
from rehabdesk.scheduling.testing import NOW, TORONTO

pytestmark = pytest.mark.django_db

SPRING_FORWARD = datetime(2027, 3, 14, 10, 0, tzinfo=TORONTO)  # Sunday, EDT (UTC−4)
FALL_BACK = datetime(2027, 11, 7, 10, 0, tzinfo=TORONTO)  # Sunday, EST (UTC−5)
EDT, EST = timedelta(hours=-4), timedelta(hours=-5)


@pytest.fixture
def sundays(world):
    """Pickering opens, and the physio works, on Sundays too, so bookings can fall on
    the clock-change days."""
    OpeningHours.objects.create(
        location=world.pickering, weekday=Weekday.SUNDAY, opens=time(9), closes=time(17)
    )
    make_shift(world.physio, world.pickering, Weekday.SUNDAY, "09:00", "17:00")
    return world


def book(world, start, *, now=NOW):
    return appointment_book(request=world.request(start), actor=None, now=now)


def move(appointment, start, *, now=NOW):
    return appointment_reschedule(
        appointment=appointment, start=start, actor=None, now=now, channel=Channel.STAFF
    )


def files(appointment, kind: str | None = None) -> list[Calendar]:
    """The calendar files queued for this appointment, oldest first, parsed back."""
    found = OutboxMessage.objects.filter(related_type=RELATED_TYPE, related_id=str(appointment.pk))
    if kind:
        found = found.filter(kind=kind)
    return [Calendar.from_ical(message.calendar) for message in found.order_by("pk")]


def the_event(calendar: Calendar) -> Event:
    [event] = calendar.events
    return event


def local_start(calendar: Calendar) -> tuple[datetime, timedelta]:
    """The event's start as a calendar program reads it from this file alone: the wall
    clock time, and its UTC offset by the file's own VTIMEZONE (not the zone database)."""
    event = the_event(calendar)
    assert event["DTSTART"].params["TZID"] == "America/Toronto"
    [vtimezone] = calendar.timezones
    assert vtimezone.tz_name == "America/Toronto"
    zone = vtimezone.to_tz(lookup_tzid=False)
    wall = event.decoded("DTSTART").replace(tzinfo=None)
    return wall, zone.utcoffset(wall)


@pytest.mark.parametrize(
    ("start", "offset"), [(SPRING_FORWARD, EDT), (FALL_BACK, EST)], ids=["spring", "fall"]
)
def test_a_booking_on_a_clock_change_day_lands_at_the_booked_local_time(sundays, start, offset):
    appointment = book(sundays, start, now=start - timedelta(days=3))
    [calendar] = files(appointment, "booking_confirmation")
    assert calendar["PRODID"] == PRODID
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "REQUEST"
    wall, file_offset = local_start(calendar)
    assert wall == start.replace(tzinfo=None)
    assert file_offset == offset
    # The same instant the clinic booked, to the second.
    assert wall - file_offset == appointment.start.astimezone(UTC).replace(tzinfo=None)
    event = the_event(calendar)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=30)
    assert event["STATUS"] == "CONFIRMED"
    assert event["SEQUENCE"] == 0


def test_the_event_says_where_what_and_how_much_but_nothing_more(sundays):
    appointment = book(sundays, SPRING_FORWARD, now=SPRING_FORWARD - timedelta(days=3))
    event = the_event(files(appointment)[0])
    clinic = sundays.pickering.clinic
    assert event["UID"] == f"appointment-{appointment.pk}@{clinic.slug}"
    assert event["SUMMARY"] == f"Follow-up at {clinic.name}"
    assert sundays.pickering.address in event["LOCATION"]
    description = str(event["DESCRIPTION"])
    assert "$85.00" in description
    assert f"What to bring: {WHAT_TO_BRING}" in description
    assert "/manage/" in description
    assert sundays.pickering.phone in description
    assert event.decoded("DTSTAMP") == (SPRING_FORWARD - timedelta(days=3)).astimezone(UTC)
    assert str(event["ATTENDEE"]) == f"mailto:{sundays.patient.email}"
    assert str(event["ORGANIZER"]).startswith("mailto:")


def test_a_service_with_its_own_advice_says_it_in_the_email_and_the_calendar(sundays):
    advice = "Shorts and a T-shirt, and any imaging reports."
    Service.objects.filter(pk=sundays.follow_up.pk).update(what_to_bring=advice)
    sundays.follow_up.refresh_from_db()
    appointment = book(sundays, SPRING_FORWARD, now=SPRING_FORWARD - timedelta(days=3))
    message = OutboxMessage.objects.get(related_id=str(appointment.pk))
    assert f"Bring:  {advice}" in message.body_text
    assert advice in message.body_html
    assert f"What to bring: {advice}" in str(the_event(files(appointment)[0])["DESCRIPTION"])


def test_a_move_across_the_spring_change_replaces_the_entry_with_sequence_plus_one(sundays):
    # Friday before the change (EST) to Monday after it (EDT): 10:00 both times.
    friday = datetime(2027, 3, 12, 10, 0, tzinfo=TORONTO)
    monday = datetime(2027, 3, 15, 10, 0, tzinfo=TORONTO)
    appointment = book(sundays, friday)
    move(appointment, monday)
    booked, moved = files(appointment)
    assert local_start(booked) == (friday.replace(tzinfo=None), EST)
    assert local_start(moved) == (monday.replace(tzinfo=None), EDT)
    assert moved["METHOD"] == "REQUEST"
    assert the_event(moved)["UID"] == the_event(booked)["UID"]
    assert the_event(moved)["SEQUENCE"] == the_event(booked)["SEQUENCE"] + 1 == 1
    # Moved again, onto the day of the change itself: one more.
    move(appointment, SPRING_FORWARD)
    again = files(appointment, "booking_changed")[-1]
    assert local_start(again) == (SPRING_FORWARD.replace(tzinfo=None), EDT)
    assert the_event(again)["UID"] == the_event(booked)["UID"]
    assert the_event(again)["SEQUENCE"] == 2


def test_a_cancellation_removes_the_entry(sundays):
    now = FALL_BACK - timedelta(days=5)
    appointment = book(sundays, FALL_BACK, now=now)
    appointment_cancel(appointment=appointment, actor=None, now=now, by=CancelledBy.PATIENT)
    booked, cancelled = files(appointment)
    assert cancelled["METHOD"] == "CANCEL"
    event = the_event(cancelled)
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == the_event(booked)["UID"]
    assert event["SEQUENCE"] > the_event(booked)["SEQUENCE"]
    assert local_start(cancelled) == (FALL_BACK.replace(tzinfo=None), EST)


def test_a_confirmed_hold_carries_the_calendar_file_too(sundays):
    now = SPRING_FORWARD - timedelta(days=2)
    hold = appointment_hold(request=sundays.request(SPRING_FORWARD), actor=None, now=now)
    assert files(hold) == []
    appointment_confirm(appointment=hold, actor=None, now=now)
    [calendar] = files(hold)
    assert calendar["METHOD"] == "REQUEST"
    assert local_start(calendar) == (SPRING_FORWARD.replace(tzinfo=None), EDT)


@pytest.fixture
def small_hours(world):
    """Pickering open, and the physio at work, in the small hours of Sundays, so a visit
    can fall in the hour the clocks repeat on 7 November."""
    OpeningHours.objects.create(
        location=world.pickering, weekday=Weekday.SUNDAY, opens=time(0), closes=time(6)
    )
    make_shift(world.physio, world.pickering, Weekday.SUNDAY, "00:00", "06:00")
    return world


@pytest.mark.parametrize(
    ("start", "starts_utc"),
    [
        # The second 01:30 (EST): a local time would put it an hour early.
        (datetime(2027, 11, 7, 1, 30, fold=1, tzinfo=TORONTO), "20271107T063000Z"),
        # The first 01:30 (EDT) ends at the second 01:00: a local end would come first.
        (datetime(2027, 11, 7, 1, 30, tzinfo=TORONTO), "20271107T053000Z"),
    ],
    ids=["second-0130", "first-0130"],
)
def test_a_visit_in_the_repeated_hour_is_written_in_utc(small_hours, start, starts_utc):
    appointment = book(small_hours, start, now=start - timedelta(days=3))
    [calendar] = files(appointment, "booking_confirmation")
    event = the_event(calendar)
    assert event["DTSTART"].to_ical().decode() == starts_utc
    assert "TZID" not in event["DTSTART"].params
    assert event.decoded("DTSTART") == appointment.start
    assert event.decoded("DTEND") == appointment.end
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=30)


def test_a_visit_outside_the_repeated_hour_keeps_its_local_time(small_hours):
    start = datetime(2027, 11, 7, 3, 0, tzinfo=TORONTO)
    appointment = book(small_hours, start, now=start - timedelta(days=3))
    [calendar] = files(appointment, "booking_confirmation")
    wall, offset = local_start(calendar)
    assert (wall, offset) == (start.replace(tzinfo=None), EST)
