from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehabdesk.availability import Interval, wall_clock_instant, wall_clock_interval

TORONTO = ZoneInfo("America/Toronto")
SPRING_FORWARD = date(2027, 3, 14)  # 02:00 EST -> 03:00 EDT
FALL_BACK = date(2027, 11, 7)  # 02:00 EDT -> 01:00 EST


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 1, 4, hour, minute, tzinfo=TORONTO)


def test_it_does_not_count_back_to_back_intervals_as_overlapping():
    assert not Interval(at(9), at(10)).overlaps(Interval(at(10), at(11)))
    assert Interval(at(9), at(10, 1)).overlaps(Interval(at(10), at(11)))


def test_it_refuses_naive_bounds():
    with pytest.raises(ValueError, match="aware"):
        Interval(datetime(2027, 1, 4, 9), datetime(2027, 1, 4, 10))  # noqa: DTZ001


def test_it_refuses_an_end_before_the_start():
    with pytest.raises(ValueError, match="end after"):
        Interval(at(10), at(9))


def test_it_measures_elapsed_time_across_the_fall_back_hour():
    evening_shift = Interval(
        datetime(2027, 11, 7, 0, 0, tzinfo=TORONTO), datetime(2027, 11, 7, 3, 0, tzinfo=TORONTO)
    )
    assert evening_shift.duration == timedelta(hours=4)


def test_it_moves_a_wall_time_in_the_skipped_hour_forward():
    instant = wall_clock_instant(SPRING_FORWARD, time(2, 30), TORONTO)
    assert instant.astimezone(UTC) == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)
    assert (instant.hour, instant.minute) == (3, 30)


def test_it_reads_a_repeated_wall_time_as_its_first_occurrence():
    instant = wall_clock_instant(FALL_BACK, time(1, 30), TORONTO)
    assert instant.astimezone(UTC) == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)


def test_it_makes_a_clock_change_day_shift_one_hour_shorter_in_spring():
    shift = wall_clock_interval(SPRING_FORWARD, time(0, 0), time(8, 0), TORONTO)
    assert shift.duration == timedelta(hours=7)


def test_it_measures_gaps_in_elapsed_time_between_zones():
    winnipeg = ZoneInfo("America/Winnipeg")
    morning = wall_clock_interval(date(2027, 1, 4), time(9), time(12), winnipeg)  # 10–13 Toronto
    afternoon = wall_clock_interval(date(2027, 1, 4), time(14), time(17), TORONTO)
    assert morning.gap_until(afternoon) == timedelta(hours=1)


minutes = st.integers(min_value=0, max_value=24 * 60)


@given(minutes, minutes, minutes, minutes)
def test_it_agrees_with_a_minute_by_minute_check_of_overlap(a, b, c, d):
    start = datetime(2027, 11, 7, 0, 0, tzinfo=UTC)
    if a == b or c == d:
        return
    first = Interval(start + timedelta(minutes=min(a, b)), start + timedelta(minutes=max(a, b)))
    second = Interval(start + timedelta(minutes=min(c, d)), start + timedelta(minutes=max(c, d)))
    shared_minute = set(range(min(a, b), max(a, b))) & set(range(min(c, d), max(c, d)))
    assert first.overlaps(second) == bool(shared_minute) == second.overlaps(first)


def test_it_orders_the_repeated_hour_by_real_time():
    first_130 = datetime(2027, 11, 7, 1, 30, tzinfo=TORONTO)  # EDT
    second_115 = datetime(2027, 11, 7, 1, 15, tzinfo=TORONTO, fold=1)  # EST, 45 minutes later
    interval = Interval(first_130, second_115)
    assert interval.duration == timedelta(minutes=45)
    assert interval.overlaps(Interval(second_115 - timedelta(minutes=1), second_115))
