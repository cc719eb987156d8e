"""Slots on the two nights Toronto changes its clocks in 2027, written out as real instants.

Spring forward, Sunday 2027-03-14: 02:00 EST (07:00 UTC) becomes 03:00 EDT; the day is
23 hours long. Fall back, Sunday 2027-11-07: 02:00 EDT (06:00 UTC) becomes 01:00 EST; the
day is 25 hours long and 01:00–01:59 happens twice.
"""

from dataclasses import replace
from datetime import date, timedelta

from rehabdesk.availability import find_slots
from rehabdesk.availability.tests.builders import (
    TORONTO,
    at,
    minutes,
    practitioner,
    query,
    shift,
    utc,
    walls,
)

SPRING = date(2027, 3, 14)
FALL = date(2027, 11, 7)
SUNDAY = 6


def sunday_query(day: date, *hours: tuple[str, str], **options):
    options.setdefault("start", at("00:00", day))
    options.setdefault("end", at("00:00", day + timedelta(days=1)))
    options.setdefault("now", at("12:00", day - timedelta(days=1)))
    shifts = tuple(shift(a, b, weekday=SUNDAY) for a, b in hours)
    return query(practitioners=(practitioner(shifts=shifts),), **options)


QUARTER_HOUR = timedelta(minutes=15)


def every(first, last, step=QUARTER_HOUR):
    instants = []
    while first <= last:
        instants.append(first)
        first += step
    return instants


# -- spring forward -------------------------------------------------------------------------


def test_it_skips_the_missing_hour_in_spring():
    result = find_slots(sunday_query(SPRING, ("00:00", "06:00")))
    # 00:00 EST is 05:00 UTC, 06:00 EDT is 10:00 UTC: five hours of work, the last
    # 60-minute treatment starting at 09:00 UTC (05:00 EDT).
    assert [slot.start for slot in result.slots] == every(utc(2027, 3, 14, 5), utc(2027, 3, 14, 9))
    assert walls(result) == [
        *("00:00", "00:15", "00:30", "00:45", "01:00", "01:15", "01:30", "01:45"),
        *("03:00", "03:15", "03:30", "03:45", "04:00", "04:15", "04:30", "04:45", "05:00"),
    ]
    assert not any(wall.startswith("02:") for wall in walls(result))


def test_it_gives_a_treatment_across_the_missing_hour_its_full_length_in_spring():
    result = find_slots(sunday_query(SPRING, ("00:00", "06:00")))
    across = next(slot for slot in result.slots if slot.start == utc(2027, 3, 14, 6, 30))
    assert f"{across.start.astimezone(TORONTO):%H:%M %Z}" == "01:30 EST"
    assert f"{across.end.astimezone(TORONTO):%H:%M %Z}" == "03:30 EDT"
    assert all(slot.end - slot.start == minutes(60) for slot in result.slots)


def test_it_keeps_the_afternoon_on_the_quarter_hours_in_spring():
    result = find_slots(sunday_query(SPRING, ("13:00", "17:00")))
    assert [slot.start for slot in result.slots] == every(
        utc(2027, 3, 14, 17), utc(2027, 3, 14, 20)
    )
    assert walls(result)[0] == "13:00"
    assert walls(result)[-1] == "16:00"


def test_it_counts_minimum_notice_in_elapsed_hours_into_spring():
    # Saturday 20:00 EST + 6 elapsed hours = 07:00 UTC = 03:00 EDT (not "02:00").
    q = sunday_query(
        SPRING,
        ("00:00", "06:00"),
        now=at("20:00", SPRING - timedelta(days=1)),
        min_notice=minutes(360),
    )
    result = find_slots(q)
    assert result.slots[0].start == utc(2027, 3, 14, 7)
    assert walls(result)[0] == "03:00"


def test_it_moves_a_shift_in_the_missing_hour_forward_like_a_clock_would():
    # 02:00–02:45 is read as 03:00–03:45 EDT, as wall_clock_instant reads it.
    result = find_slots(sunday_query(SPRING, ("02:00", "02:45"), duration=15))
    assert walls(result) == ["03:00", "03:15", "03:30"]


def test_it_offers_nothing_for_a_shift_that_collapses_in_the_missing_hour():
    # 02:30 is read as 03:30 EDT, after the shift's 03:00 end: no working time at all.
    result = find_slots(sunday_query(SPRING, ("02:30", "03:00"), duration=15))
    assert result.slots == ()
    assert result.reason == "closed"


def test_it_moves_a_break_in_the_missing_hour_forward_like_a_clock_would():
    # A 02:00–02:30 break is read as 03:00–03:30 EDT.
    with_break = shift("01:00", "05:00", weekday=SUNDAY, breaks=(("02:00", "02:30"),))
    q = replace(
        sunday_query(SPRING, duration=30), practitioners=(practitioner(shifts=(with_break,)),)
    )
    assert walls(find_slots(q)) == [
        *("01:00", "01:15", "01:30"),
        *("03:30", "03:45", "04:00", "04:15", "04:30"),
    ]


# -- fall back ------------------------------------------------------------------------------


def test_it_offers_the_repeated_hour_once_per_real_instant_in_fall():
    result = find_slots(sunday_query(FALL, ("00:00", "06:00")))
    starts = [slot.start for slot in result.slots]
    # 00:00 EDT is 04:00 UTC, 06:00 EST is 11:00 UTC: seven hours of work.
    assert starts == every(utc(2027, 11, 7, 4), utc(2027, 11, 7, 10))
    assert len(set(starts)) == len(starts)
    assert walls(result) == [
        *("00:00", "00:15", "00:30", "00:45"),
        *("01:00", "01:15", "01:30", "01:45"),  # EDT
        *("01:00", "01:15", "01:30", "01:45"),  # EST, an hour later
        *("02:00", "02:15", "02:30", "02:45", "03:00", "03:15", "03:30", "03:45"),
        *("04:00", "04:15", "04:30", "04:45", "05:00"),
    ]
    first_one_o_clock, second_one_o_clock = (
        s for s in starts if s.astimezone(TORONTO).hour == 1 and s.minute == 0
    )
    assert second_one_o_clock - first_one_o_clock == timedelta(hours=1)


def test_it_gives_a_treatment_across_the_repeated_hour_sixty_elapsed_minutes():
    result = find_slots(sunday_query(FALL, ("00:00", "06:00")))
    across = next(slot for slot in result.slots if slot.start == utc(2027, 11, 7, 5, 30))
    assert f"{across.start.astimezone(TORONTO):%H:%M %Z}" == "01:30 EDT"
    assert f"{across.end.astimezone(TORONTO):%H:%M %Z}" == "01:30 EST"
    assert across.end - across.start == minutes(60)


def test_it_keeps_the_afternoon_on_the_quarter_hours_in_fall():
    result = find_slots(sunday_query(FALL, ("13:00", "17:00")))
    assert [slot.start for slot in result.slots] == every(
        utc(2027, 11, 7, 18), utc(2027, 11, 7, 21)
    )
    assert walls(result)[0] == "13:00"
    assert walls(result)[-1] == "16:00"


def test_it_counts_minimum_notice_in_elapsed_hours_into_fall():
    # Saturday 20:00 EDT + 6 elapsed hours = 06:00 UTC = the second 01:00, in EST.
    q = sunday_query(
        FALL, ("00:00", "06:00"), now=at("20:00", FALL - timedelta(days=1)), min_notice=minutes(360)
    )
    result = find_slots(q)
    assert result.slots[0].start == utc(2027, 11, 7, 6)
    assert f"{result.slots[0].start.astimezone(TORONTO):%H:%M %Z}" == "01:00 EST"


def test_it_reads_a_one_to_two_shift_as_two_real_hours_in_fall():
    # 01:00 is read as its first occurrence (EDT), 02:00 comes after the repeat (EST).
    result = find_slots(sunday_query(FALL, ("01:00", "02:00"), duration=30, step=30))
    assert [slot.start for slot in result.slots] == every(
        utc(2027, 11, 7, 5), utc(2027, 11, 7, 6, 30), minutes(30)
    )


def test_it_ignores_a_break_that_collapses_in_the_missing_hour():
    # 02:30 is read as 03:30 EDT and 03:15 is 03:15 EDT: a break that ends before it
    # starts removes nothing, so 01:00 EST to 05:00 EDT (three hours) is one piece.
    collapsed = shift("01:00", "05:00", weekday=SUNDAY, breaks=(("02:30", "03:15"),))
    q = replace(sunday_query(SPRING), practitioners=(practitioner(shifts=(collapsed,)),))
    assert [slot.start for slot in find_slots(q).slots] == every(
        utc(2027, 3, 14, 6), utc(2027, 3, 14, 8)
    )
