"""A location's opening hours as instants: the UTC intervals during which its local
clock reads a time inside one of the day's opening spans, day by day over a window, so
the database can tell "after hours" with plain comparisons (access_report.py).

Exactly the access report's rule for one moment (`_Site.closed_at`): read the moment on
the local clock; open if that local day is not a closure and its time is within one
of the weekday's spans. The window is cut where the zone's offset changes; within a
piece of constant offset a local time is the instant plus that offset, so a span's
instants are the span minus the offset, clipped to the piece. A span in the hour
skipped in spring starts when the clock jumps past its start; in the hour repeated in
autumn, both passes count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Span = tuple[datetime, datetime]

STEP = timedelta(hours=1)
SECOND = timedelta(seconds=1)


def open_intervals(
    *,
    zone: ZoneInfo,
    spans: Mapping[int, Sequence[tuple[time, time]]],
    closures: Sequence[tuple[date, date]],
    since: datetime,
    until: datetime,
) -> list[Span]:
    """The UTC intervals, sorted and merged, in which the location is open, covering
    every moment from `since` to `until` (spans: weekday -> (opens, closes))."""
    found: list[Span] = []
    for start, end, offset in _pieces(zone, since, until):
        local_start, local_end = (
            (start + offset).replace(tzinfo=None),
            (end + offset).replace(tzinfo=None),
        )
        day = local_start.date()
        while day <= local_end.date():
            if not any(first <= day <= last for first, last in closures):
                for opens, closes in spans.get(day.weekday(), []):
                    low = max(datetime.combine(day, opens), local_start)
                    high = min(datetime.combine(day, closes), local_end)
                    if low < high:
                        found.append(
                            (
                                (low - offset).replace(tzinfo=UTC),
                                (high - offset).replace(tzinfo=UTC),
                            )
                        )
            day += timedelta(days=1)
    return _merged(found)


def _pieces(
    zone: ZoneInfo, since: datetime, until: datetime
) -> list[tuple[datetime, datetime, timedelta]]:
    """[since, until) cut where the zone's UTC offset changes (whole seconds):
    (start, end, offset) in UTC."""
    start = datetime.fromtimestamp(int(since.timestamp()), tz=UTC)
    end = until.astimezone(UTC) + SECOND
    pieces = []
    offset = _offset(zone, start)
    probe = start
    while probe < end:
        step_to = min(probe + STEP, end)
        if _offset(zone, step_to) != offset:
            change = _change(zone, probe, step_to, offset)
            pieces.append((start, change, offset))
            start, offset = change, _offset(zone, change)
            probe = change
            continue
        probe = step_to
    pieces.append((start, end, offset))
    return pieces


def _change(zone: ZoneInfo, low: datetime, high: datetime, offset: timedelta) -> datetime:
    """The first whole second in (low, high] whose offset is not `offset`."""
    while high - low > SECOND:
        middle = low + timedelta(seconds=int((high - low).total_seconds()) // 2)
        if _offset(zone, middle) == offset:
            low = middle
        else:
            high = middle
    return high


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    return moment.astimezone(zone).utcoffset() or timedelta(0)


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
