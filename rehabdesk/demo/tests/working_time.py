"""An oracle for the demo's calendars, written apart from the engine: each
practitioner's working time, day by day, from the rows a manager sees — weekly hours in
effect, minus breaks, closures and time off."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from rehabdesk.clinic.models import Closure, TimeOff, WorkingHours

Interval = tuple[datetime, datetime]


def without(pieces: list[Interval], taken: Interval) -> list[Interval]:
    """`pieces` less the time in `taken`."""
    start, end = taken
    left: list[Interval] = []
    for piece_start, piece_end in pieces:
        if end <= piece_start or piece_end <= start:
            left.append((piece_start, piece_end))
            continue
        if piece_start < start:
            left.append((piece_start, start))
        if end < piece_end:
            left.append((end, piece_end))
    return left


def working_time(first_day: date, last_day: date) -> dict[tuple[int, int], list[Interval]]:
    """(practitioner id, location id) -> the pieces of time they work there, from
    `first_day` to `last_day` inclusive."""
    shifts = WorkingHours.objects.select_related("location").prefetch_related("breaks")
    closed = {
        (closure.location_id, closure.first_day + timedelta(days=n))
        for closure in Closure.objects.all()
        for n in range((closure.last_day - closure.first_day).days + 1)
    }
    away: dict[int, list[Interval]] = defaultdict(list)
    for row in TimeOff.objects.all():
        away[row.practitioner_id].append((row.starts_at, row.ends_at))
    pieces: dict[tuple[int, int], list[Interval]] = defaultdict(list)
    day = first_day
    while day <= last_day:
        for shift in shifts:
            if shift.weekday != day.weekday() or not shift.applies_on(day):
                continue
            if (shift.location_id, day) in closed:
                continue
            zone = shift.location.zone
            worked = [
                (
                    datetime.combine(day, shift.starts, tzinfo=zone),
                    datetime.combine(day, shift.ends, tzinfo=zone),
                )
            ]
            for pause in shift.breaks.all():
                worked = without(
                    worked,
                    (
                        datetime.combine(day, pause.starts, tzinfo=zone),
                        datetime.combine(day, pause.ends, tzinfo=zone),
                    ),
                )
            for absence in away[shift.practitioner_id]:
                worked = without(worked, absence)
            pieces[shift.practitioner_id, shift.location_id].extend(worked)
        day += timedelta(days=1)
    return pieces


def total(pieces: list[Interval], start: datetime, end: datetime) -> timedelta:
    """How much of `pieces` falls in [start, end)."""
    return sum(
        (max(timedelta(0), min(end, e) - max(start, s)) for s, e in pieces),
        timedelta(0),
    )
