"""A search for the next free times reads the first hours someone works first, then a
day ahead (counting only days someone works), and the whole window only when those do
not hold the slots asked for. On Friday evening the first look ends on Monday at 11:00
and finds Monday 09:00, reading two hours of calendar instead of two weeks."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from rehabdesk.clinic.calendar_configuration import calendar_configuration
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models import OpeningHours
from rehabdesk.clinic.testing import make_shift
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.selectors import (
    availability_search,
    day_look_end,
    hours_look_end,
    search,
)
from rehabdesk.scheduling.selectors.search import FIRST_HOURS
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, TORONTO, at

pytestmark = pytest.mark.django_db

FRIDAY_EVENING = at(12, 18)  # the world's hours are Monday to Friday, 09:00-17:00
MONDAY = 15


def day_look(world, start, practitioner_ids=None):
    return day_look_end([world.pickering.pk], start, practitioner_ids, calendar_configuration())


def hours_look(world, earliest, practitioner_ids=None):
    return hours_look_end(
        world.follow_up.pk,
        [world.pickering.pk],
        earliest,
        practitioner_ids,
        calendar_configuration(),
    )


def test_the_day_look_ends_a_day_ahead_skipping_closed_days(world):
    assert day_look(world, at(8, 10)) == at(9, 10)
    assert day_look(world, FRIDAY_EVENING) == at(MONDAY, 18)
    # Saturday before the clocks spring forward: Monday, in daylight time.
    saturday = datetime(2027, 3, 13, 11, 0, tzinfo=TORONTO)
    assert day_look(world, saturday) == datetime(2027, 3, 15, 11, 0, tzinfo=TORONTO)
    assert day_look(world, saturday).utcoffset() == timedelta(hours=-4)


def test_the_days_counted_are_those_someone_works(world):
    OpeningHours.objects.create(
        location=world.pickering, weekday=Weekday.SATURDAY, opens=time(9), closes=time(17)
    )
    make_shift(world.massage_therapist, world.pickering, Weekday.SATURDAY, "09:00", "13:00")
    assert day_look(world, FRIDAY_EVENING) == at(13, 18)
    assert day_look(world, FRIDAY_EVENING, [world.physio.pk]) == at(MONDAY, 18)


def test_where_nobody_works_there_is_no_look(world):
    assert day_look(world, FRIDAY_EVENING, [999_999]) is None
    assert hours_look(world, FRIDAY_EVENING, [999_999]) is None


def test_the_hours_look_ends_two_hours_after_someone_first_could_start(world):
    assert timedelta(hours=2) == FIRST_HOURS
    assert hours_look(world, FRIDAY_EVENING) == at(MONDAY, 11)
    assert hours_look(world, at(8, 7)) == at(8, 11)
    # On shift now: from now.
    assert hours_look(world, at(8, 10, 20)) == at(8, 12, 20)
    # 16:45 leaves no time for a 30-minute follow-up before 17:00: Tuesday morning.
    assert hours_look(world, at(8, 16, 45)) == at(9, 11)
    assert hours_look(world, at(8, 16, 30)) == at(8, 18, 30)
    # Across the night the clocks spring forward: Monday 09:00 daylight time.
    saturday = datetime(2027, 3, 13, 20, 0, tzinfo=TORONTO)
    assert hours_look(world, saturday) == datetime(2027, 3, 15, 11, 0, tzinfo=TORONTO)


def test_a_shift_not_yet_in_effect_is_skipped(world):
    OpeningHours.objects.create(
        location=world.pickering, weekday=Weekday.SATURDAY, opens=time(8), closes=time(17)
    )
    later = make_shift(world.physio, world.pickering, Weekday.SATURDAY, "08:00", "12:00")
    later.effective_from = at(MONDAY, 0).date()
    later.save()
    assert hours_look(world, FRIDAY_EVENING, [world.physio.pk]) == at(MONDAY, 11)


def windows_searched(monkeypatch):
    windows = []
    build_query = search.build_query

    def spy(**arguments):
        windows.append(arguments["end"])
        return build_query(**arguments)

    monkeypatch.setattr(search, "build_query", spy)
    return windows


def follow_ups(world, start, limit=1):
    return availability_search(
        service_id=world.follow_up.pk,
        location_ids=[world.pickering.pk],
        start=start,
        end=start + timedelta(days=14),
        now=start,
        channel=Channel.STAFF,
        limit=limit,
    ).slots


def test_on_friday_evening_the_first_look_finds_monday_morning(world, monkeypatch):
    windows = windows_searched(monkeypatch)
    assert [slot.start for slot in follow_ups(world, FRIDAY_EVENING)] == [at(MONDAY, 9)]
    assert windows == [at(MONDAY, 11)]


def test_when_the_first_hours_are_booked_the_day_look_finds_the_next(world, monkeypatch):
    # Each follow-up holds the physio for 40 minutes (its buffer included), on a
    # 15-minute grid: booked until 11:10.
    for hour, minute in ((9, 0), (9, 45), (10, 30)):
        appointment_book(request=world.request(at(MONDAY, hour, minute)), actor=None, now=NOW)
    windows = windows_searched(monkeypatch)
    assert [slot.start for slot in follow_ups(world, FRIDAY_EVENING)] == [at(MONDAY, 11, 15)]
    assert windows == [at(MONDAY, 11), at(MONDAY, 18)]


def test_the_looks_give_the_answer_the_whole_window_gives(world):
    for hour in (9, 10, 11, 13, 14):
        appointment_book(request=world.request(at(MONDAY, hour)), actor=None, now=NOW)
    whole = follow_ups(world, FRIDAY_EVENING, limit=None)
    for limit in (1, 3, 20):
        assert follow_ups(world, FRIDAY_EVENING, limit) == whole[:limit]
