from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from rehabdesk.availability import ConflictKind, Shift, shift_conflicts, wall_clock_interval

TORONTO = ZoneInfo("America/Toronto")
DAY = date(2027, 1, 4)
ONE_HOUR = {frozenset({"pickering", "milton"}): timedelta(hours=1)}


def travel(a, b):
    return ONE_HOUR.get(frozenset({a, b}))


def shift(location: str, starts: str, ends: str, zone: ZoneInfo = TORONTO) -> Shift:
    return Shift(
        location,
        wall_clock_interval(DAY, time.fromisoformat(starts), time.fromisoformat(ends), zone),
    )


def kinds(shifts):
    return [conflict.kind for conflict in shift_conflicts(shifts, travel)]


def test_it_allows_back_to_back_shifts_at_one_location():
    assert kinds([shift("pickering", "08:00", "12:00"), shift("pickering", "12:00", "16:00")]) == []


def test_it_refuses_overlapping_shifts_at_one_location():
    assert kinds([shift("pickering", "08:00", "12:00"), shift("pickering", "11:00", "16:00")]) == [
        ConflictKind.OVERLAP
    ]


def test_it_refuses_overlapping_shifts_at_two_locations():
    assert kinds([shift("pickering", "08:00", "12:00"), shift("milton", "11:00", "16:00")]) == [
        ConflictKind.OVERLAP
    ]


def test_it_allows_exactly_the_travel_time_between_locations():
    assert kinds([shift("pickering", "08:00", "12:00"), shift("milton", "13:00", "17:00")]) == []


def test_it_refuses_less_than_the_travel_time_between_locations():
    conflicts = shift_conflicts(
        [shift("milton", "12:59", "17:00"), shift("pickering", "08:00", "12:00")], travel
    )
    assert [c.kind for c in conflicts] == [ConflictKind.TOO_LITTLE_TRAVEL]
    assert conflicts[0].earlier.location == "pickering"
    assert conflicts[0].travel_needed == timedelta(hours=1)


def test_it_refuses_two_locations_in_a_day_when_the_travel_time_is_unknown():
    assert kinds([shift("pickering", "08:00", "10:00"), shift("oshawa", "15:00", "17:00")]) == [
        ConflictKind.NO_TRAVEL_TIME
    ]


def test_it_compares_locations_in_different_zones_as_real_instants():
    winnipeg = ZoneInfo("America/Winnipeg")
    # 09:00–11:30 in Winnipeg is 10:00–12:30 in Toronto: only 30 minutes before 13:00.
    morning = shift("milton", "09:00", "11:30", winnipeg)
    assert kinds([morning, shift("pickering", "13:00", "17:00")]) == [
        ConflictKind.TOO_LITTLE_TRAVEL
    ]


quarter_hours = st.integers(min_value=28, max_value=80).map(lambda q: time(q // 4, q % 4 * 15))


@st.composite
def shifts(draw):
    result = []
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        a, b = sorted([draw(quarter_hours), draw(quarter_hours)])
        if a == b:
            continue
        location = draw(st.sampled_from(["pickering", "milton", "oshawa"]))
        result.append(Shift(location, wall_clock_interval(DAY, a, b, TORONTO)))
    return result


@given(shifts(), st.randoms())
def test_it_finds_the_same_conflicts_whatever_the_order(day_shifts, random):
    shuffled = list(day_shifts)
    random.shuffle(shuffled)
    assert shift_conflicts(day_shifts, travel) == shift_conflicts(shuffled, travel)
