"""The free cells of a schedule lane: each stretch of the clinic's start grid where the
practitioner works and nothing is booked, drawn as a link that starts a booking there
(book_at_views.py). Only drawing: whether a service fits the time is the booking
service's question when the desk confirms it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.urls import reverse

from rehabdesk.availability.intervals import wall_clock_instant
from rehabdesk.core.clock import clock
from rehabdesk.scheduling.selectors import Column


@dataclass(frozen=True)
class Cell:
    style: str  # where the grid draws it
    href: str
    label: str  # what a screen reader says: "Book 10:15 AM with Priya Physio"
    time: str  # what the cell shows on hover or focus: "10:15 AM"


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _taken(column: Column, day: date, zone: ZoneInfo) -> list[tuple[int, int]]:
    """Minutes of the day (from midnight) when the practitioner cannot be booked."""
    spans = [(_minutes(s.starts), _minutes(s.ends)) for s in column.breaks + column.away]
    for appointment in column.appointments:
        starts = appointment.start.astimezone(zone)
        ends = appointment.busy_until.astimezone(zone)
        first = _minutes(starts.time()) if starts.date() == day else 0
        last = _minutes(ends.time()) if ends.date() == day else 24 * 60
        spans.append((first, last))
    return spans


def free_cells(
    column: Column,
    *,
    day: date,
    zone: ZoneInfo,
    step: int,
    now: datetime,
    place: Callable[[time, time], str],  # the grid's: where a stretch is drawn
    practitioner_id: int,
    practitioner_name: str,
    location_id: int | None = None,
) -> list[Cell]:
    """The free cells of one practitioner's lane on `day`, from now on, `step` minutes
    each. A lane of a location's day gives `location_id`; a week's lane has it on each
    working span."""
    taken = _taken(column, day, zone)
    cells = []
    for span in column.working:
        where = location_id if location_id is not None else span.location_id
        if where is None:
            continue
        start = -(-_minutes(span.starts) // step) * step
        while start + step <= _minutes(span.ends):
            end = start + step
            moment = wall_clock_instant(day, time(start // 60, start % 60), zone).astimezone(zone)
            if moment >= now and not any(a < end and start < b for a, b in taken):
                local = moment.time()
                cells.append(
                    Cell(
                        style=place(local, (moment + timedelta(minutes=step)).time()),
                        href=book_at_url(practitioner_id, where, moment),
                        label=f"Book {clock(moment)} with {practitioner_name}",
                        time=clock(moment),
                    )
                )
            start = end
    return cells


def book_at_url(practitioner_id: int, location_id: int, moment: datetime) -> str:
    """Where a free cell leads: ids and a time, nothing about any patient."""
    query = {"practitioner": practitioner_id, "location": location_id, "at": moment.isoformat()}
    return f"{reverse('book-at')}?{urlencode(query)}"
