"""More of recurring series: plans refused before anything is booked, dates from the
first day on, local times kept across the November clock change, and "this" or "this
and following" changes that treat each occurrence as the booking it is (its own
notice, its own message)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.choices import AppointmentStatus, CancelledBy, Channel, SeriesScope
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.models import Appointment, AppointmentSeries
from rehabdesk.scheduling.services import (
    SeriesPlan,
    appointment_book,
    series_book,
    series_cancel,
    series_reschedule,
)
from rehabdesk.scheduling.testing import NOW, TORONTO, at

pytestmark = pytest.mark.django_db

TUESDAY, WEDNESDAY, THURSDAY = 1, 2, 3
NOVEMBER_NOW = datetime(2027, 11, 1, 8, 0, tzinfo=TORONTO)


def plan(world, **changes) -> SeriesPlan:
    values = {
        "patient": world.patient,
        "practitioner": world.physio,
        "service": world.follow_up,
        "location": world.pickering,
        "channel": Channel.STAFF,
        "pattern": ((TUESDAY, time(9)), (THURSDAY, time(9))),
        "first_day": date(2027, 3, 9),
        "weeks": 2,
    }
    return SeriesPlan(**(values | changes))


def local_starts(appointments) -> list[str]:
    return [f"{a.start.astimezone(TORONTO):%a %d %H:%M}" for a in appointments]


def occurrences(series: AppointmentSeries) -> list[Appointment]:
    return list(Appointment.objects.filter(series=series).order_by("start"))


def test_a_plan_that_cannot_give_dates_is_refused_before_anything_is_booked(world):
    cases = [
        ({"pattern": ()}, "Choose at least one weekday and time."),
        ({"pattern": ((7, time(9)),)}, "Weekdays are 0 (Monday) to 6 (Sunday)."),
        ({"weeks": 53}, "A series runs for 1 to 52 weeks."),
        (
            {"weeks": 1, "first_day": date(2027, 3, 12)},
            "The pattern gives no dates from the first day on.",
        ),
    ]
    for changes, message in cases:
        with pytest.raises(SchedulingError) as refused:
            series_book(plan=plan(world, **changes), actor=None, now=NOW)
        assert (refused.value.code, refused.value.message) == (SchedulingErrorCode.INVALID, message)
    assert not AppointmentSeries.objects.exists()
    assert not Appointment.objects.exists()


def test_a_series_starting_mid_week_begins_with_the_next_day_of_its_pattern(world):
    series = series_book(plan=plan(world, first_day=date(2027, 3, 10)), actor=None, now=NOW)
    assert local_starts(occurrences(series)) == ["Thu 11 09:00", "Tue 16 09:00", "Thu 18 09:00"]
    stored = AppointmentSeries.objects.get()
    assert (stored.pattern, stored.weeks, stored.first_day) == (
        [{"weekday": 1, "time": "09:00"}, {"weekday": 3, "time": "09:00"}],
        2,
        date(2027, 3, 10),
    )


def test_a_series_across_the_autumn_change_keeps_its_local_time(world):
    series = series_book(
        plan=plan(world, pattern=((TUESDAY, time(9)),), first_day=date(2027, 11, 2), weeks=3),
        actor=None,
        now=NOVEMBER_NOW,
    )
    visits = occurrences(series)
    assert local_starts(visits) == ["Tue 02 09:00", "Tue 09 09:00", "Tue 16 09:00"]
    assert [a.start.utcoffset() for a in visits] == [timedelta(0)] * 3
    assert [a.start.astimezone(TORONTO).utcoffset() for a in visits] == [
        timedelta(hours=-4),
        timedelta(hours=-5),
        timedelta(hours=-5),
    ]


def test_moving_this_and_following_earlier_moves_each_to_its_own_earlier_day(world):
    series = series_book(plan=plan(world), actor=None, now=NOW)
    second = occurrences(series)[1]  # Thursday 11th
    moved = series_reschedule(
        appointment=second,
        start=at(10, 14),  # Wednesday 14:00
        scope=SeriesScope.FOLLOWING,
        actor=None,
        now=NOW,
        channel=Channel.STAFF,
    )
    assert local_starts(moved) == ["Wed 10 14:00", "Mon 15 14:00", "Wed 17 14:00"]
    assert local_starts(occurrences(series)) == [
        "Tue 09 09:00",
        "Wed 10 14:00",
        "Mon 15 14:00",
        "Wed 17 14:00",
    ]
    # Each moved occurrence is a booking the patient hears about.
    assert OutboxMessage.objects.filter(kind="booking_changed").count() == 3


def test_this_and_following_on_a_booking_outside_any_series_moves_just_it(world):
    single = appointment_book(request=world.request(at(10, 10)), actor=None, now=NOW)
    moved = series_reschedule(
        appointment=single,
        start=at(11, 10),
        scope=SeriesScope.FOLLOWING,
        actor=None,
        now=NOW,
        channel=Channel.STAFF,
    )
    assert [a.pk for a in moved] == [single.pk]
    assert Appointment.objects.get().start == at(11, 10)


def test_this_one_cancels_only_that_occurrence(world):
    series = series_book(plan=plan(world), actor=None, now=NOW)
    visits = occurrences(series)
    series_cancel(
        appointment=visits[2], scope=SeriesScope.THIS, by=CancelledBy.CLINIC, actor=None, now=NOW
    )
    assert [a.status for a in occurrences(series)] == ["booked", "booked", "cancelled", "booked"]


def test_this_and_following_passes_over_occurrences_already_cancelled(world):
    series = series_book(plan=plan(world), actor=None, now=NOW)
    visits = occurrences(series)
    series_cancel(
        appointment=visits[2], scope=SeriesScope.THIS, by=CancelledBy.CLINIC, actor=None, now=NOW
    )
    cancelled = series_cancel(
        appointment=visits[1],
        scope=SeriesScope.FOLLOWING,
        by=CancelledBy.CLINIC,
        actor=None,
        now=NOW,
        reason="Course finished early",
    )
    assert [a.pk for a in cancelled] == [visits[1].pk, visits[3].pk]
    assert {a.cancel_reason for a in cancelled} == {"Course finished early"}
    assert [a.status for a in occurrences(series)] == [
        "booked",
        "cancelled",
        "cancelled",
        "cancelled",
    ]


def test_a_patient_cancelling_the_rest_pays_only_for_visits_inside_the_notice(world):
    series = series_book(plan=plan(world), actor=None, now=NOW)
    visits = occurrences(series)
    # Monday the 8th at 10:00: Tuesday 09:00 is 23 hours away, Thursday's is not.
    series_cancel(
        appointment=visits[0],
        scope=SeriesScope.FOLLOWING,
        by=CancelledBy.PATIENT,
        actor=None,
        now=at(8, 10),
    )
    fees = [(a.late_cancellation, a.fee_due) for a in occurrences(series)]
    assert fees == [(True, Decimal("42.50"))] + [(False, None)] * 3
    assert OutboxMessage.objects.filter(kind="booking_cancelled").count() == 4


def test_replacements_are_booked_as_given_even_on_another_weekday(world):
    resolved = dataclasses.replace(plan(world, weeks=1), replacements={at(11, 9): at(12, 14)})
    series = series_book(plan=resolved, actor=None, now=NOW)
    assert local_starts(occurrences(series)) == ["Tue 09 09:00", "Fri 12 14:00"]
    assert {a.status for a in occurrences(series)} == {AppointmentStatus.BOOKED}
