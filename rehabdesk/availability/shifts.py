"""Can one person work these shifts on one day?

Two shifts at the same location must not overlap (back to back is fine). Shifts at two
different locations must leave at least the travel time between them; when no travel
time is known for the pair, they cannot share a day, because we cannot tell whether the
practitioner could make it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from itertools import combinations

from rehabdesk.availability.intervals import Interval


class ConflictKind(StrEnum):
    OVERLAP = "overlap"
    TOO_LITTLE_TRAVEL = "too_little_travel"
    NO_TRAVEL_TIME = "no_travel_time"


@dataclass(frozen=True)
class Shift:
    location: Hashable
    interval: Interval


@dataclass(frozen=True)
class ShiftConflict:
    earlier: Shift
    later: Shift
    kind: ConflictKind
    travel_needed: timedelta | None = None


TravelTimeLookup = Callable[[Hashable, Hashable], timedelta | None]


def shift_conflicts(shifts: Sequence[Shift], travel_time: TravelTimeLookup) -> list[ShiftConflict]:
    """Every pair of shifts that one person could not both work, earliest pair first."""
    conflicts = []
    # Ties are broken by location so the same shifts give the same pairs in any order.
    ordered = sorted(shifts, key=lambda s: (s.interval, repr(s.location)))
    for earlier, later in combinations(ordered, 2):
        if earlier.interval.overlaps(later.interval):
            conflicts.append(ShiftConflict(earlier, later, ConflictKind.OVERLAP))
            continue
        if earlier.location == later.location:
            continue
        needed = travel_time(earlier.location, later.location)
        if needed is None:
            conflicts.append(ShiftConflict(earlier, later, ConflictKind.NO_TRAVEL_TIME))
        elif earlier.interval.gap_until(later.interval) < needed:
            conflicts.append(ShiftConflict(earlier, later, ConflictKind.TOO_LITTLE_TRAVEL, needed))
    return conflicts
