"""Recurring series: all or nothing, the conflicting dates named with the nearest free
time, and changes to "this one" or "this and following" that never duplicate or lose an
occurrence."""

from __future__ import annotations

import dataclasses
from datetime import date, time, timedelta

import pytest

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.models import TimeOff
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.choices import AppointmentStatus, CancelledBy, Channel, SeriesScope
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.models import Appointment, AppointmentSeries
from rehabdesk.scheduling.services import (
    SeriesConflict,
    SeriesPlan,
    appointment_book,
    series_book,
    series_cancel,
    series_reschedule,
)
from rehabdesk.scheduling.testing import NOW, TORONTO, at

pytestmark = pytest.mark.django_db

TUESDAY, WEDNESDAY, THURSDAY = 1, 2, 3


def plan(world, *, weeks: int = 6, pattern=((TUESDAY, time(9)), (THURSDAY, time(9)))):
    return SeriesPlan(
        patient=world.patient,
        practitioner=world.physio,
        service=world.follow_up,
        location=world.pickering,
        channel=Channel.STAFF,
        pattern=pattern,
        first_day=date(2027, 3, 9),
        weeks=weeks,
    )


def local_starts(appointments) -> list[str]:
    return [f"{a.start.astimezone(TORONTO):%a %d %H:%M}" for a in appointments]


def test_twice_a_week_for_six_weeks_is_booked_whole_at_the_same_local_time(world):
    series = series_book(plan=plan(world), actor=None, now=NOW)
    occurrences = list(series.appointments.order_by("start"))
    assert len(occurrences) == 12
    # The clocks change on Sunday, March 14: the visits stay at 9:00 local time.
    assert {a.start.astimezone(TORONTO).time() for a in occurrences} == {time(9)}
    assert local_starts(occurrences)[:4] == [
        "Tue 09 09:00",
        "Thu 11 09:00",
        "Tue 16 09:00",
        "Thu 18 09:00",
    ]
    assert {a.status for a in occurrences} == {AppointmentStatus.BOOKED}
    # One confirmation, not twelve.
    assert OutboxMessage.objects.filter(kind="booking_confirmation").count() == 1


def test_conflicting_dates_are_named_with_the_nearest_free_time_and_nothing_is_booked(world):
    appointment_book(
        request=world.request(at(18, 9), patient=world.other_patient), actor=None, now=NOW
    )
    clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(23, 0), ends_at=at(24, 0))
    )
    with pytest.raises(SeriesConflict) as refused:
        series_book(plan=plan(world), actor=None, now=NOW)
    conflicts = refused.value.conflicts
    assert [c.start for c in conflicts] == [at(18, 9), at(23, 9)]
    # Taken until 09:40 on the 18th: the nearest free start with the same physio is 09:45.
    assert conflicts[0].alternative is not None
    assert conflicts[0].alternative.start == at(18, 9, 45)
    assert conflicts[0].alternative.practitioner_id == world.physio.pk
    # Away all day on the 23rd: the nearest is another day, within three days.
    alternative = conflicts[1].alternative
    assert alternative is not None
    assert alternative.start.astimezone(TORONTO).day in (22, 24)
    assert not Appointment.objects.filter(patient=world.patient).exists()
    assert not AppointmentSeries.objects.exists()
    assert not OutboxMessage.objects.filter(recipient=world.patient.email).exists()


def test_this_and_following_moves_the_rest_in_place_by_the_same_local_step(world):
    series = series_book(plan=plan(world, weeks=3), actor=None, now=NOW)
    before = list(series.appointments.order_by("start"))
    third = before[2]  # Tuesday 16th
    series_reschedule(
        appointment=third,
        start=at(17, 10),  # Wednesday 10:00
        scope=SeriesScope.FOLLOWING,
        actor=None,
        now=NOW,
        channel=Channel.STAFF,
    )
    after = list(series.appointments.order_by("start"))
    assert [a.pk for a in after] == [a.pk for a in before]  # the same rows, none new
    assert local_starts(after) == [
        "Tue 09 09:00",
        "Thu 11 09:00",
        "Wed 17 10:00",
        "Fri 19 10:00",
        "Wed 24 10:00",
        "Fri 26 10:00",
    ]
    assert Appointment.objects.filter(patient=world.patient).count() == 6


def test_this_one_moves_only_that_occurrence(world):
    series = series_book(plan=plan(world, weeks=2), actor=None, now=NOW)
    second = series.appointments.order_by("start")[1]
    series_reschedule(
        appointment=second,
        start=at(11, 14),
        scope=SeriesScope.THIS,
        actor=None,
        now=NOW,
        channel=Channel.STAFF,
    )
    assert local_starts(series.appointments.order_by("start")) == [
        "Tue 09 09:00",
        "Thu 11 14:00",
        "Tue 16 09:00",
        "Thu 18 09:00",
    ]


def test_a_following_move_with_a_conflict_changes_nothing(world):
    series = series_book(plan=plan(world, weeks=3), actor=None, now=NOW)
    appointment_book(
        request=world.request(at(26, 10), patient=world.other_patient), actor=None, now=NOW
    )
    before = local_starts(series.appointments.order_by("start"))
    with pytest.raises(SeriesConflict) as refused:
        series_reschedule(
            appointment=series.appointments.order_by("start")[2],
            start=at(17, 10),
            scope=SeriesScope.FOLLOWING,
            actor=None,
            now=NOW,
            channel=Channel.STAFF,
        )
    assert [c.start for c in refused.value.conflicts] == [at(26, 10)]
    assert local_starts(series.appointments.order_by("start")) == before


def test_this_and_following_cancels_the_rest_and_keeps_the_earlier_ones(world):
    series = series_book(plan=plan(world, weeks=2), actor=None, now=NOW)
    occurrences = list(series.appointments.order_by("start"))
    series_cancel(
        appointment=occurrences[1],
        scope=SeriesScope.FOLLOWING,
        by=CancelledBy.CLINIC,
        actor=None,
        now=NOW + timedelta(hours=1),
    )
    statuses = list(series.appointments.order_by("start").values_list("status", flat=True))
    assert statuses == ["booked", "cancelled", "cancelled", "cancelled"]


def test_a_pattern_with_no_dates_is_refused(world):
    with pytest.raises(SchedulingError) as refused:
        series_book(plan=plan(world, weeks=0), actor=None, now=NOW)
    assert "weeks" in refused.value.message


def test_the_desk_resolves_conflicts_with_the_nearest_time_or_by_skipping_a_date(world):
    appointment_book(
        request=world.request(at(18, 9), patient=world.other_patient), actor=None, now=NOW
    )
    clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(23, 0), ends_at=at(24, 0))
    )
    with pytest.raises(SeriesConflict) as refused:
        series_book(plan=plan(world), actor=None, now=NOW)
    nearest = refused.value.conflicts[0].alternative
    assert nearest is not None
    resolved = dataclasses.replace(
        plan(world), replacements={at(18, 9): nearest.start, at(23, 9): None}
    )
    assert at(23, 9) not in resolved.starts()
    series = series_book(plan=resolved, actor=None, now=NOW)
    occurrences = list(series.appointments.order_by("start"))
    assert len(occurrences) == 11
    assert at(18, 9, 45) in [a.start for a in occurrences]
    assert at(23, 9) not in [a.start for a in occurrences]
