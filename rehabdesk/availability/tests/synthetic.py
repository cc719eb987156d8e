"""A large synthetic clinic for timing find_slots, and the three queries we hold it to.

Run `.venv/bin/python -m rehabdesk.availability.tests.synthetic` to time them (a
measurement, not a test: DEVELOPERS.md keeps timings out of asserts). The targets are:
next slot among 100 practitioners over 14 days well under 20 ms; every slot of one
practitioner over 90 days under 30 ms; next slot after 60 fully booked days under 30 ms.
"""

from __future__ import annotations

import random
import statistics
import timeit
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

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
    find_slots,
    wall_clock_interval,
)
from rehabdesk.availability.tests.builders import TORONTO

MONDAY = date(2027, 1, 4)
NOW = datetime(2027, 1, 4, 7, 0, tzinfo=TORONTO)
ROOM, TABLE, ULTRASOUND = 1, 2, 3
APPOINTMENT = timedelta(minutes=30)
ALWAYS = DateRange(date(2020, 1, 1))


def working_days(first: date, days: int) -> list[date]:
    every_day = (first + timedelta(days=i) for i in range(days))
    return [day for day in every_day if day.weekday() < 5]


def shifts_for(home: int, away: int) -> tuple[WeeklyShift, ...]:
    """Monday, Wednesday and Friday at home, Tuesday and Thursday away; 09:00–17:00 with
    lunch at noon."""
    return tuple(
        WeeklyShift(
            location_id=away if weekday in (1, 3) else home,
            weekday=weekday,
            starts=time(9),
            ends=time(17),
            effective=ALWAYS,
            breaks=((time(12), time(13)),),
        )
        for weekday in range(5)
    )


def appointments(rng: random.Random, day: date, location_id: int, count: int) -> list[Busy]:
    """`count` half-hour appointments at random half hours of 09:00–12:00 and 13:00–17:00,
    in UTC as the database gives them."""
    mornings = [time(9 + n // 2, n % 2 * 30) for n in range(6)]
    afternoons = [time(13 + n // 2, n % 2 * 30) for n in range(8)]
    busy = []
    for starts in sorted(rng.sample(mornings + afternoons, count)):
        start = wall_clock_interval(day, starts, time(23), TORONTO).start.astimezone(UTC)
        busy.append(Busy(Interval(start, start + APPOINTMENT), location_id))
    return busy


def practitioner(
    rng: random.Random, practitioner_id: int, first: date, days: int
) -> PractitionerFacts:
    home, away = practitioner_id % 10 + 1, (practitioner_id + 3) % 10 + 1
    shifts = shifts_for(home, away)
    busy: list[Busy] = []
    for day in working_days(first, days):
        location_id = away if day.weekday() in (1, 3) else home
        busy.extend(appointments(rng, day, location_id, rng.choice((7, 8, 9))))
    return PractitionerFacts(practitioner_id, shifts, (ALWAYS,), (), tuple(busy))


def location(rng: random.Random, location_id: int, first: date, days: int) -> LocationFacts:
    resources = []
    for n, kind in enumerate((ROOM, ROOM, TABLE, ULTRASOUND)):
        busy = [
            b.interval
            for day in working_days(first, days)
            for b in appointments(rng, day, location_id, 8)
        ]
        resources.append(ResourceFacts(location_id * 10 + n, kind, tuple(busy)))
    return LocationFacts(location_id, TORONTO, (), tuple(resources))


def clinic(practitioners: int, days: int, seed: int = 4) -> Query:
    rng = random.Random(seed)
    return Query(
        service=ServiceFacts(timedelta(minutes=45), timedelta(minutes=15), (ROOM,)),
        practitioners=tuple(
            practitioner(rng, i, MONDAY, days) for i in range(1, practitioners + 1)
        ),
        locations=tuple(location(rng, i, MONDAY, days) for i in range(1, 11)),
        start=NOW,
        end=NOW + timedelta(days=days),
        now=NOW,
        policy=Policy(horizon=timedelta(days=120), min_notice=timedelta(hours=2)),
        travel={
            frozenset({a, b}): timedelta(minutes=30) for a in range(1, 11) for b in range(a + 1, 11)
        },
    )


def next_slot_among_everyone() -> Query:
    """100 practitioners, 10 locations, 14 days: the front desk's "next available"."""
    return clinic(practitioners=100, days=14)


def one_practitioner_for_ninety_days(booked: bool = True) -> Query:
    """Every slot of one practitioner for 90 days: a typical week, or an empty calendar
    (the most slots there can be)."""
    q = clinic(practitioners=1, days=90)
    if booked:
        return q
    empty = (replace(q.practitioners[0], busy=()),)
    return replace(q, practitioners=empty, service=replace(q.service, resource_kinds=()))


def in_local_time(q: Query) -> Query:
    """The same query with every busy interval in Toronto time, which costs a conversion."""

    def local(interval: Interval) -> Interval:
        return Interval(interval.start.astimezone(TORONTO), interval.end.astimezone(TORONTO))

    return replace(
        q,
        practitioners=tuple(
            replace(p, busy=tuple(replace(b, interval=local(b.interval)) for b in p.busy))
            for p in q.practitioners
        ),
        locations=tuple(
            replace(
                loc,
                resources=tuple(
                    replace(r, busy=tuple(local(i) for i in r.busy)) for r in loc.resources
                ),
            )
            for loc in q.locations
        ),
    )


def booked_solid(practitioners: int = 1) -> Query:
    """The next slot when the first 60 days are booked back to back, hour by hour."""
    q = clinic(practitioners=practitioners, days=90)
    solid = []
    for p in q.practitioners:
        busy = [b for b in p.busy if b.interval.start >= NOW + timedelta(days=60)]
        for day in working_days(MONDAY, 60):
            location_id = next(s.location_id for s in p.shifts if s.weekday == day.weekday())
            for hour in (9, 10, 11, 13, 14, 15, 16):
                hour_long = wall_clock_interval(day, time(hour), time(hour + 1), TORONTO)
                interval = Interval(hour_long.start.astimezone(UTC), hour_long.end.astimezone(UTC))
                busy.append(Busy(interval, location_id))
        solid.append(replace(p, busy=tuple(busy)))
    return replace(q, practitioners=tuple(solid))


def measure(name: str, run: Callable[[], Result], repeat: int = 30) -> None:
    times = [t * 1000 for t in timeit.repeat(run, number=1, repeat=repeat)]
    result = run()
    first = result.slots[0].start.astimezone(TORONTO) if result.slots else None
    print(
        f"{name:48s} median {statistics.median(times):6.2f} ms  best {min(times):6.2f} ms  "
        f"({len(result.slots)} slots, first {first:%a %Y-%m-%d %H:%M})"
    )


def main() -> None:
    everyone = next_slot_among_everyone()
    everyone_local = in_local_time(everyone)
    one = one_practitioner_for_ninety_days()
    one_free = one_practitioner_for_ninety_days(booked=False)
    solid = booked_solid()
    solid_everyone = booked_solid(practitioners=100)
    measure("100 practitioners, 14 days, limit=1", lambda: find_slots(everyone, limit=1))
    measure("  same, busy times in local time", lambda: find_slots(everyone_local, limit=1))
    measure("  same, limit=10", lambda: find_slots(everyone, limit=10))
    measure("1 practitioner, 90 days, every slot", lambda: find_slots(one))
    measure("  same, empty calendar, no room needed", lambda: find_slots(one_free))
    measure("1 practitioner, 60 days booked solid, limit=1", lambda: find_slots(solid, limit=1))
    measure(
        "100 practitioners, 60 days booked solid, limit=1",
        lambda: find_slots(solid_everyone, limit=1),
        repeat=5,
    )


if __name__ == "__main__":
    main()
