"""Small builders for availability tests: one practitioner at one Toronto location, working
Monday 09:00–12:00, unless a test says otherwise."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rehabdesk.availability import (
    Busy,
    DateRange,
    Interval,
    LocationFacts,
    Policy,
    PractitionerFacts,
    Query,
    ResourceFacts,
    Result,
    ServiceFacts,
    WeeklyShift,
    wall_clock_instant,
)

TORONTO = ZoneInfo("America/Toronto")
WINNIPEG = ZoneInfo("America/Winnipeg")
MONDAY = date(2027, 1, 4)
ALWAYS = DateRange(date(2020, 1, 1))


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def at(wall: str, day: date = MONDAY, zone: ZoneInfo = TORONTO) -> datetime:
    """The instant a wall clock shows `wall` ("09:30") on `day` (first occurrence)."""
    return wall_clock_instant(day, time.fromisoformat(wall), zone)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def span(starts: str, ends: str, day: date = MONDAY) -> Interval:
    return Interval(at(starts, day), at(ends, day))


def shift(
    starts: str = "09:00",
    ends: str = "12:00",
    *,
    location: int = 1,
    weekday: int = 0,
    effective: DateRange = ALWAYS,
    breaks: tuple[tuple[str, str], ...] = (),
) -> WeeklyShift:
    return WeeklyShift(
        location_id=location,
        weekday=weekday,
        starts=time.fromisoformat(starts),
        ends=time.fromisoformat(ends),
        effective=effective,
        breaks=tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in breaks),
    )


def practitioner(
    id: int = 1,  # noqa: A002 - the field's name
    *,
    shifts: tuple[WeeklyShift, ...] = (shift(),),
    qualified: tuple[DateRange, ...] = (ALWAYS,),
    time_off: tuple[Interval, ...] = (),
    busy: tuple[Busy, ...] = (),
) -> PractitionerFacts:
    return PractitionerFacts(id, shifts, qualified, time_off, busy)


def location(
    id: int = 1,  # noqa: A002 - the field's name
    *,
    zone: ZoneInfo = TORONTO,
    closures: tuple[DateRange, ...] = (),
    resources: tuple[ResourceFacts, ...] = (),
) -> LocationFacts:
    return LocationFacts(id, zone, closures, resources)


def query(
    *,
    practitioners: tuple[PractitionerFacts, ...] = (practitioner(),),
    locations: tuple[LocationFacts, ...] = (location(),),
    start: datetime | None = None,
    end: datetime | None = None,
    now: datetime | None = None,
    duration: int = 60,
    buffer: int = 0,
    kinds: tuple[int, ...] = (),
    step: int = 15,
    min_notice: timedelta = timedelta(0),
    horizon: timedelta = timedelta(days=90),
    travel: Mapping[frozenset[int], timedelta] | None = None,
) -> Query:
    """By default: the whole of Monday, asked at 07:00 that morning."""
    return Query(
        service=ServiceFacts(minutes(duration), minutes(buffer), kinds),
        practitioners=practitioners,
        locations=locations,
        start=start or at("00:00"),
        end=end or at("00:00", MONDAY + timedelta(days=1)),
        now=now or at("07:00"),
        policy=Policy(horizon=horizon, min_notice=min_notice, step=minutes(step)),
        travel=travel or {},
    )


def walls(result: Result, zone: ZoneInfo = TORONTO) -> list[str]:
    """The slots' starts as the wall clock at the location shows them."""
    return [f"{slot.start.astimezone(zone):%H:%M}" for slot in result.slots]
