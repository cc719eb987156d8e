"""Bookable slots: the start times a service can be offered at, and why there are none.

docs/algorithms/availability.md is the specification; "rule N" below refers to its rules.

All arithmetic is on UTC instants. Two aware datetimes in the same ZoneInfo compare and
subtract by their wall clocks, which goes wrong in the hour that happens twice when
clocks go back; in UTC every instant is distinct and every step is elapsed time.

To answer "the next available" quickly, the search is lazy and chronological: each
location's local days are walked in order and merged across locations, and within a day
a practitioner's working time is cut into pieces once, then only the grid starts inside
a piece are visited, jumping past whatever blocks a start instead of trying each one.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import count, islice
from zoneinfo import ZoneInfo

from rehabdesk.availability.intervals import wall_clock_instant
from rehabdesk.availability.types import (
    DateRange,
    LocationFacts,
    PractitionerFacts,
    Query,
    Reason,
    Result,
    Slot,
    WeeklyShift,
)

_MIDNIGHT = time(0)
_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)
# Later than any real start: "a resource of this kind is never free here".
_NEVER = datetime.max.replace(tzinfo=UTC)

# Up to this many slots, they are worked out lazily, each only when it could be the
# next (the heap below); asked for more, every start is worked out at once and sorted,
# which costs a third as much a slot.
LAZY_UP_TO = 100

# [start, end) between UTC instants.
Span = tuple[datetime, datetime]
# A found start, in the order slots are sorted: (start, practitioner id, location id,
# resource ids). Slots are built only for the ones handed out.
_Found = tuple[datetime, int, int, tuple[int, ...]]


def find_slots(query: Query, *, limit: int | None = None) -> Result:
    """Every bookable slot of the query, sorted by (start, practitioner id, location id);
    only the first `limit` when given. With no slot, `reason` says why."""
    _check(query, limit)
    search = _Search(query)
    if limit is not None and limit <= LAZY_UP_TO:
        slots = tuple(islice(search.slots(), limit))
    else:
        slots = search.every_slot(limit)
    if slots:
        return Result(slots)
    return Result((), search.reason())


def _check(query: Query, limit: int | None) -> None:
    """Refuse inputs the rules have no answer for, rather than answer something odd."""
    for name in ("start", "end", "now"):
        if getattr(query, name).utcoffset() is None:
            raise ValueError(f"Query.{name} must be an aware datetime.")
    if query.policy.step <= _ZERO:
        raise ValueError("Policy.step must be positive.")
    if query.policy.min_notice < _ZERO:
        raise ValueError("Policy.min_notice cannot be negative.")
    if query.service.duration <= _ZERO:
        raise ValueError("ServiceFacts.duration must be positive.")
    if query.service.buffer < _ZERO:
        raise ValueError("ServiceFacts.buffer cannot be negative.")
    if limit is not None and limit < 1:
        raise ValueError("limit must be at least 1 (or None for every slot).")


def _utc(instant: datetime) -> datetime:
    # Rows from the database are in UTC already; converting is the costly part.
    return instant if instant.tzinfo is UTC else instant.astimezone(UTC)


@lru_cache(maxsize=16384)
def _wall_instant(day: date, wall_time: time, zone: ZoneInfo) -> datetime:
    """wall_clock_instant in UTC, remembered across searches: shifts share a few dozen
    wall times, and every search asks for the same days' instants."""
    return _utc(wall_clock_instant(day, wall_time, zone))


def _covers(ranges: Iterable[DateRange], day: date) -> bool:
    return any(r.covers(day) for r in ranges)


def _subtract(start: datetime, end: datetime, removed: Sequence[Span]) -> list[Span]:
    """[start, end) minus the `removed` spans (sorted by start), as contiguous pieces."""
    pieces = []
    for gone_start, gone_end in removed:
        if gone_end <= start or gone_start >= end:
            continue
        if gone_start > start:
            pieces.append((start, gone_start))
        start = max(start, gone_end)
    if start < end:
        pieces.append((start, end))
    return pieces


def _merge_closed(ranges: list[Span]) -> list[Span]:
    """Closed ranges [first, last] sorted and merged where they meet, so no start repeats."""
    merged: list[Span] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


class _Timeline:
    """Busy time as sorted, disjoint [start, end) spans, so one bisect finds what blocks."""

    __slots__ = ("ends", "starts")

    def __init__(self, spans: Iterable[Span]) -> None:
        self.starts: list[datetime] = []
        self.ends: list[datetime] = []
        for start, end in sorted(spans):
            if self.ends and start <= self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], end)
            else:
                self.starts.append(start)
                self.ends.append(end)

    def blocked_until(self, start: datetime, end: datetime) -> datetime | None:
        """When the busy span overlapping [start, end) ends; None if nothing overlaps.

        The spans are disjoint, so their ends are sorted too, and only the first span
        ending after `start` can overlap."""
        i = bisect_right(self.ends, start)
        if i < len(self.starts) and self.starts[i] < end:
            return self.ends[i]
        return None

    def within(self, start: datetime, end: datetime) -> Iterator[Span]:
        """The spans overlapping [start, end)."""
        i = bisect_right(self.ends, start)
        while i < len(self.starts) and self.starts[i] < end:
            yield self.starts[i], self.ends[i]
            i += 1


def _blocked_until(
    busy: list[tuple[_Timeline, timedelta]], start: datetime, end: datetime
) -> datetime | None:
    """When the busy time overlapping [start, end) ends, each timeline widened by its
    travel time; None if nothing overlaps. Widening the busy span [a, b) by t overlaps
    [start, end) exactly when [a, b) overlaps [start - t, end + t)."""
    if len(busy) == 1 and not busy[0][1]:  # booked only here: nothing to widen
        return busy[0][0].blocked_until(start, end)
    blocked = None
    for timeline, travel in busy:
        until = timeline.blocked_until(start - travel, end + travel)
        if until is not None and (blocked is None or until + travel > blocked):
            blocked = until + travel
    return blocked


@dataclass(frozen=True)
class _Day:
    """A location's local date still to be expanded into its practitioners' streams,
    with the part of the search window on it, and the location's days after it."""

    location: LocationFacts
    day: date
    lo: datetime
    hi: datetime
    after: Iterator[tuple[date, datetime, datetime]]


# A heap entry: (start, practitioner id, location id) first, the key, no later than
# anything the entry will give; then a tie-breaker, so entries never compare further;
# then the start found (None until a stream has begun) and where more come from.
_Entry = tuple[datetime, int, int, int, _Found | None, "Iterator[_Found] | _Day"]


class _Search:
    """One query's facts, indexed once, and the lazy walk over them.

    Indexes are built on first use (busy time and time off per practitioner, resources
    per location), so a search that stops after a few slots only pays for the
    practitioners and locations it looked at."""

    def __init__(self, query: Query) -> None:
        self.query = query
        self.duration = query.service.duration
        self.held = query.service.duration + query.service.buffer
        self.step = query.policy.step
        self.start, self.end, self.now = _utc(query.start), _utc(query.end), _utc(query.now)
        self.horizon_end = self.now + query.policy.horizon
        self.earliest = self.now + query.policy.min_notice
        self.needed = Counter(query.service.resource_kinds)
        # Shifts by (practitioner, location, weekday); who works where on which weekday,
        # in id order so that ties between practitioners come out the same every time.
        self.shifts: dict[tuple[int, int, int], list[WeeklyShift]] = {}
        self.rostered: dict[tuple[int, int], list[PractitionerFacts]] = {}
        self.staffed: set[int] = set()  # locations with a shift on some weekday
        for practitioner in sorted(query.practitioners, key=lambda p: p.id):
            for shift in practitioner.shifts:
                key = (practitioner.id, shift.location_id, shift.weekday)
                if key not in self.shifts:
                    self.shifts[key] = []
                    roster = self.rostered.setdefault((shift.location_id, shift.weekday), [])
                    roster.append(practitioner)
                    self.staffed.add(shift.location_id)
                self.shifts[key].append(shift)
        # The same shifts, by (practitioner, location, weekday), share a number; their
        # working pieces less breaks, and where a treatment fits in those, are worked
        # out once a day for all who share them, by (that number, location, day).
        shared: dict[tuple[WeeklyShift, ...], int] = {}
        self.patterns = {
            key: shared.setdefault(tuple(shifts), len(shared))
            for key, shifts in self.shifts.items()
        }
        self._pieces: dict[tuple[int, int, date], list[Span]] = {}
        self._ranges: dict[tuple[int, int, date], list[Span]] = {}
        self._busy: dict[int, list[tuple[int | None, _Timeline]]] = {}
        self._travel: dict[int, dict[int, timedelta]] = {}
        self._time_off: dict[int, _Timeline] = {}
        self._resources: dict[int, dict[int, list[tuple[int, _Timeline]]]] = {}

    # -- slots --------------------------------------------------------------------------

    def slots(self) -> Iterator[Slot]:
        """Every slot, in order, computed only as far as the caller reads."""
        lo = max(self.start, self.earliest)  # rule 2
        hi = min(self.end, self.horizon_end)
        for start, practitioner_id, location_id, resource_ids in self._merged(lo, hi):
            yield Slot(
                start=start,
                practitioner_id=practitioner_id,
                location_id=location_id,
                end=start + self.duration,
                busy_until=start + self.held,
                resource_ids=resource_ids,
            )

    def every_slot(self, limit: int | None) -> tuple[Slot, ...]:
        """The first `limit` slots (all with None), worked out at once: every stream
        `_merged` would merge, read whole and sorted, gives the same starts in the same
        order (a practitioner has one start an instant at a location)."""
        lo = max(self.start, self.earliest)  # rule 2
        hi = min(self.end, self.horizon_end)
        found: list[_Found] = []
        for location in self.query.locations:
            if location.id in self.staffed and self._has_resources(location):
                for day, day_lo, day_hi in self._days(location, lo, hi):
                    pending = _Day(location, day, day_lo, day_hi, iter(()))
                    for _, _, stream in self._day_streams(pending):
                        found.extend(stream)
        found.sort()
        slots = []
        duration, held, make = self.duration, self.held, Slot._make
        latest = end = busy_until = None
        for start, practitioner_id, location_id, resources in found[:limit]:
            # Sorted by start: those at one start share its end (adding costs more).
            if start != latest:
                latest, end, busy_until = start, start + duration, start + held
            slots.append(make((start, practitioner_id, location_id, end, busy_until, resources)))
        return tuple(slots)

    def _merged(self, lo: datetime, hi: datetime) -> Iterator[_Found]:
        """Every practitioner's starts on every local day at every location in [lo, hi),
        merged in slot order, each worked out only when it could be the next one.

        One heap holds, each under a key no later than anything it will give: a
        location's next day, by that day's first instant (and practitioner -1, before
        anyone's start then); a practitioner's day not yet begun, by the start of their
        earliest shift that day; a begun one, by its next start. So when the least entry
        holds a start, that start is the next slot, and "the next free time" works out
        the days of the few practitioners who start first, not everyone's."""
        heap: list[_Entry] = []
        order = count()

        def push_next_day(
            location: LocationFacts, days: Iterator[tuple[date, datetime, datetime]]
        ) -> None:
            following = next(days, None)
            if following is not None:
                day, day_lo, day_hi = following
                entry = _Day(location, day, day_lo, day_hi, days)
                heapq.heappush(heap, (day_lo, -1, location.id, next(order), None, entry))

        for location in self.query.locations:
            if location.id in self.staffed and self._has_resources(location):
                push_next_day(location, self._days(location, lo, hi))
        while heap:
            _, _, _, _, found, source = heapq.heappop(heap)
            if isinstance(source, _Day):
                for bound, practitioner_id, stream in self._day_streams(source):
                    heapq.heappush(
                        heap,
                        (bound, practitioner_id, source.location.id, next(order), None, stream),
                    )
                push_next_day(source.location, source.after)
                continue
            if found is not None:
                yield found
            following = next(source, None)
            if following is not None:
                start, practitioner_id, location_id, _ = following
                heapq.heappush(
                    heap, (start, practitioner_id, location_id, next(order), following, source)
                )

    def _day_streams(self, day: _Day) -> Iterator[tuple[datetime, int, Iterator[_Found]]]:
        """(bound, practitioner id, starts) of each practitioner whose shifts that day
        overlap the window: none of their starts is before the bound."""
        location = day.location
        weekday = day.day.weekday()
        # By shift pattern (those with the same shifts share them): the bounds below,
        # and the day's starts of those whom nothing can block.
        bounds: dict[int, tuple[datetime, datetime]] = {}
        grids: dict[int, list[datetime]] = {}
        for practitioner in self.rostered.get((location.id, weekday), []):
            key = (practitioner.id, location.id, weekday)
            pattern = self.patterns[key]
            bound = bounds.get(pattern)
            if bound is None:
                shifts = self.shifts[key]
                # Instants, not wall times: on the night clocks spring forward, 02:01
                # comes after 03:00.
                first = min(self._instant(location, day.day, shift.starts) for shift in shifts)
                ends = max(self._instant(location, day.day, shift.ends) for shift in shifts)
                bound = bounds[pattern] = (first, ends - self.duration)
            first, last = bound
            if last >= day.lo and first < day.hi:
                stream = self._free_starts(
                    practitioner, location, day.day, day.lo, day.hi, grids.setdefault(pattern, [])
                )
                yield max(first, day.lo), practitioner.id, stream

    def _free_starts(
        self,
        practitioner: PractitionerFacts,
        location: LocationFacts,
        day: date,
        lo: datetime,
        hi: datetime,
        shared: list[datetime] | None = None,
    ) -> Iterator[_Found]:
        """Slot starts in [lo, hi) on local date `day`, earliest first (rules 1 to 6).

        `shared`: the starts, once worked out, of practitioners with the same shifts
        that day whom nothing can block (no busy time, no time off, no rooms needed):
        they are the same for each, so the first of them fills it and the rest read it."""
        ranges = self._start_ranges(practitioner, location, day)
        if not ranges or ranges[-1][1] < lo:
            return
        busy = self._busy_seen_from(location, practitioner)
        origin = self._instant(location, day, _MIDNIGHT)
        # Read once: this loop runs for every start a search offers.
        held, step, kinds = self.held, self.step, self.query.service.resource_kinds
        practitioner_id, location_id = practitioner.id, location.id
        if not busy and not kinds and not self._time_off_of(practitioner).starts:
            # Nothing can block a start: each grid start in the ranges is free.
            if shared is None or not shared:
                grid = shared if shared is not None else []
                for first, last in ranges:
                    start = self._grid_ceil(origin, max(first, lo))
                    while start <= last and start < hi:
                        grid.append(start)
                        start += step
            else:
                grid = shared
            for start in grid:
                yield start, practitioner_id, location_id, ()
            return
        for first, last in ranges:
            start = self._grid_ceil(origin, max(first, lo))
            while start <= last and start < hi:
                busy_until = start + held
                blocked_until = _blocked_until(busy, start, busy_until) if busy else None  # rule 5
                if blocked_until is None:
                    if not kinds:
                        yield start, practitioner_id, location_id, ()
                        start += step
                        continue
                    resource_ids, blocked_until = self._free_resources(location, start, busy_until)
                    if resource_ids is not None:
                        yield start, practitioner_id, location_id, resource_ids
                        start += step
                        continue
                if blocked_until >= hi:
                    break
                # Every start before the blocking span ends is blocked by it too.
                start = self._grid_ceil(origin, blocked_until)

    def _free_resources(
        self, location: LocationFacts, start: datetime, busy_until: datetime
    ) -> tuple[tuple[int, ...] | None, datetime]:
        """The lowest-id free resource of each required kind, in the service's order (rule
        6), and `start`. If a kind has none free: None, and the first instant one of them
        frees up (every start before it is blocked the same way)."""
        chosen: list[int] = []
        by_kind = self._resources_at(location)
        for kind in self.query.service.resource_kinds:
            retry = _NEVER
            for resource_id, busy in by_kind.get(kind, ()):
                if resource_id in chosen:  # a kind named twice needs two resources
                    continue
                blocked_until = busy.blocked_until(start, busy_until)
                if blocked_until is None:
                    chosen.append(resource_id)
                    break
                retry = min(retry, blocked_until)
            else:
                return None, retry
        return tuple(chosen), start

    # -- working time ---------------------------------------------------------------------

    def _days(
        self, location: LocationFacts, lo: datetime, hi: datetime
    ) -> Iterator[tuple[date, datetime, datetime]]:
        """The local dates at `location` that [lo, hi) touches, each with the part of
        [lo, hi) that falls on it: from its midnight to the next (rule 1)."""
        if lo >= hi:
            return
        day = lo.astimezone(location.zone).date()
        day_start = self._instant(location, day, _MIDNIGHT)
        while day_start < hi:
            next_start = self._instant(location, day + _ONE_DAY, _MIDNIGHT)
            yield day, max(lo, day_start), min(hi, next_start)
            day, day_start = day + _ONE_DAY, next_start

    def _start_ranges(
        self, practitioner: PractitionerFacts, location: LocationFacts, day: date
    ) -> list[Span]:
        """Where a treatment may start on `day` so that it fits inside one piece of a
        shift's working time (rules 3 and 4): closed ranges [first, last], sorted and
        disjoint. Pieces of two shifts are not joined: the rule is per shift."""
        key = (practitioner.id, location.id, day.weekday())
        shifts = self.shifts.get(key)
        if not shifts or _covers(location.closures, day):
            return []
        if not _covers(practitioner.qualified, day):
            return []
        # Practitioners with the same shifts share their pieces of the day.
        pattern = (self.patterns[key], location.id, day)
        ranges = self._ranges.get(pattern)
        if ranges is None:
            pieces = self._pieces[pattern] = self._working_pieces(shifts, location, day)
            ranges = self._ranges[pattern] = self._fitting(pieces)
        time_off = self._time_off_of(practitioner)
        if not time_off.starts:
            return ranges
        pieces = [
            piece
            for start, end in self._pieces[pattern]
            for piece in _subtract(start, end, list(time_off.within(start, end)))
        ]
        return self._fitting(pieces)

    def _working_pieces(
        self, shifts: list[WeeklyShift], location: LocationFacts, day: date
    ) -> list[Span]:
        """Each shift's working time on `day` less its breaks, as contiguous pieces."""
        pieces = []
        for shift in shifts:
            if not shift.effective.covers(day):
                continue
            start = self._instant(location, day, shift.starts)
            end = self._instant(location, day, shift.ends)
            removed = []
            for b_start, b_end in shift.breaks:
                gone = (self._instant(location, day, b_start), self._instant(location, day, b_end))
                if gone[0] < gone[1]:  # 02:30–03:00 on the spring-forward night is nothing
                    removed.append(gone)
            removed.sort()
            pieces += _subtract(start, end, removed)
        return pieces

    def _fitting(self, pieces: list[Span]) -> list[Span]:
        """Where in the pieces a treatment fits, as sorted, disjoint closed ranges."""
        ranges = []
        for piece_start, piece_end in pieces:
            last = piece_end - self.duration
            if last >= piece_start:
                ranges.append((piece_start, last))
        return _merge_closed(ranges)

    def _grid_ceil(self, origin: datetime, instant: datetime) -> datetime:
        """The first grid instant origin + k * step at or after `instant` (rule 1)."""
        return origin - ((origin - instant) // self.step) * self.step

    def _instant(self, location: LocationFacts, day: date, wall_time: time) -> datetime:
        return _wall_instant(day, wall_time, location.zone)

    # -- indexes ----------------------------------------------------------------------------

    def _busy_seen_from(
        self, location: LocationFacts, practitioner: PractitionerFacts
    ) -> list[tuple[_Timeline, timedelta]]:
        """The practitioner's busy time as seen from `location`: one timeline per location
        it was booked at, with the travel time that widens it on both sides (rule 5)."""
        travel = self._travel_from(location)
        return [
            (timeline, _ZERO if at in (None, location.id) else travel.get(at, _ZERO))
            for at, timeline in self._busy_of(practitioner)
        ]

    def _busy_of(self, practitioner: PractitionerFacts) -> list[tuple[int | None, _Timeline]]:
        """The practitioner's busy time by the location it was booked at (None: anywhere)."""
        timelines = self._busy.get(practitioner.id)
        if timelines is None:
            spans: dict[int | None, list[Span]] = {}
            for busy in practitioner.busy:
                # An Interval is in UTC already (intervals.py).
                span = (busy.interval.start, busy.interval.end)
                spans.setdefault(busy.location_id, []).append(span)
            timelines = self._busy[practitioner.id] = [
                (at, _Timeline(at_spans)) for at, at_spans in spans.items()
            ]
        return timelines

    def _travel_from(self, location: LocationFacts) -> dict[int, timedelta]:
        """Travel time from `location` to each other location it is known for."""
        travel = self._travel.get(location.id)
        if travel is None:
            travel = self._travel[location.id] = {}
            for pair, duration in self.query.travel.items():
                if location.id in pair:
                    for other in pair - {location.id}:
                        travel[other] = duration
        return travel

    def _time_off_of(self, practitioner: PractitionerFacts) -> _Timeline:
        timeline = self._time_off.get(practitioner.id)
        if timeline is None:
            spans = ((i.start, i.end) for i in practitioner.time_off)
            timeline = self._time_off[practitioner.id] = _Timeline(spans)
        return timeline

    def _resources_at(self, location: LocationFacts) -> dict[int, list[tuple[int, _Timeline]]]:
        """The location's resources by kind, lowest id first, with their busy time."""
        by_kind = self._resources.get(location.id)
        if by_kind is None:
            by_kind = self._resources[location.id] = {}
            for resource in sorted(location.resources, key=lambda r: r.id):
                busy = _Timeline((i.start, i.end) for i in resource.busy)
                by_kind.setdefault(resource.kind_id, []).append((resource.id, busy))
        return by_kind

    def _has_resources(self, location: LocationFacts) -> bool:
        """Whether the location has enough resources of each kind, busy or not."""
        have = Counter(resource.kind_id for resource in location.resources)
        return all(have[kind] >= count for kind, count in self.needed.items())

    # -- reason -----------------------------------------------------------------------------

    def reason(self) -> Reason:
        """Why there is no slot: the first of the Reasons, in order, that applies.

        Working time counts from now (not from now + minimum notice) to the horizon, so
        that hours which are only too soon say TOO_SOON, and hours already past say
        CLOSED."""
        if self.start >= self.horizon_end:
            return Reason.BEYOND_HORIZON
        lo, hi = max(self.start, self.now), min(self.end, self.horizon_end)
        days = [
            (location, day, day_lo, day_hi)
            for location in self.query.locations
            for day, day_lo, day_hi in self._days(location, lo, hi)
        ]
        if lo < hi and not any(
            _covers(p.qualified, day) for p in self.query.practitioners for _, day, _, _ in days
        ):
            return Reason.NOBODY_QUALIFIED
        open_days = [
            (location, day, day_lo, day_hi)
            for location, day, day_lo, day_hi in days
            if self._anyone_fits(location, day, day_lo, day_hi)
        ]
        if not open_days:
            return Reason.CLOSED
        resourced = [d for d in open_days if self._has_resources(d[0])]
        if not resourced:
            return Reason.NO_RESOURCES
        if not any(
            self._anyone_fits(location, day, max(day_lo, self.earliest), day_hi)
            for location, day, day_lo, day_hi in resourced
        ):
            return Reason.TOO_SOON
        return Reason.FULLY_BOOKED

    def _anyone_fits(self, location: LocationFacts, day: date, lo: datetime, hi: datetime) -> bool:
        """Whether some grid start in [lo, hi) fits someone's working time (rules 1, 3, 4)."""
        origin = self._instant(location, day, _MIDNIGHT)
        for practitioner in self.rostered.get((location.id, day.weekday()), []):
            for first, last in self._start_ranges(practitioner, location, day):
                start = self._grid_ceil(origin, max(first, lo))
                if start <= last and start < hi:
                    return True
        return False
