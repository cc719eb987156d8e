"""Half-open time intervals [start, end) between aware instants.

Half-open, so that an appointment ending at 10:00 and one starting at 10:00 do not
overlap. Arithmetic is on real instants: on the night clocks go back, 01:30 happens
twice in Toronto and the two are different instants here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, order=True)
class Interval:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("Interval bounds must be aware datetimes.")
        # Kept in UTC: Python compares two datetimes of the same ZoneInfo by their wall
        # clocks, which puts 01:30 EDT after 01:15 EST on the night clocks go back.
        # (Bookings read from the database are in UTC already: a search makes hundreds.)
        if self.start.tzinfo is not UTC:
            object.__setattr__(self, "start", self.start.astimezone(UTC))
        if self.end.tzinfo is not UTC:
            object.__setattr__(self, "end", self.end.astimezone(UTC))
        if self.end <= self.start:
            raise ValueError(f"Interval must end after it starts: {self.start} – {self.end}.")

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end

    def gap_until(self, later: Interval) -> timedelta:
        """Elapsed time from this interval's end to `later`'s start; negative if they overlap."""
        return later.start - self.end


def wall_clock_instant(day: date, wall_time: time, zone: ZoneInfo) -> datetime:
    """The instant a wall clock in `zone` shows `wall_time` on `day`.

    A wall time that does not exist (inside the hour skipped when clocks go forward) is
    moved forward by the length of the gap, as a clock on the wall would be; a wall time
    that happens twice (when clocks go back) means its first occurrence.
    """
    naive_local = datetime.combine(day, wall_time)
    local = naive_local.replace(tzinfo=zone, fold=0)
    # Round-tripping through UTC normalizes a non-existent local time.
    return local.astimezone(UTC).astimezone(zone)


def wall_clock_interval(day: date, starts: time, ends: time, zone: ZoneInfo) -> Interval:
    """The real interval covered by wall-clock times `starts`–`ends` on `day` in `zone`."""
    return Interval(wall_clock_instant(day, starts, zone), wall_clock_instant(day, ends, zone))
