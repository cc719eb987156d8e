"""The values the availability engine works on: plain, frozen, Django-free.

scheduling/adapters.py turns database rows into these; the engine (slots.py) turns them
into bookable slots. Every datetime is aware; dates are local to a location.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

from rehabdesk.availability.intervals import Interval


@dataclass(frozen=True)
class DateRange:
    """Days from `first` to `last`, both included; `last` None means open-ended."""

    first: date
    last: date | None = None

    def covers(self, day: date) -> bool:
        return self.first <= day and (self.last is None or day <= self.last)


@dataclass(frozen=True)
class WeeklyShift:
    """A practitioner's regular hours at one location on one weekday (Monday = 0), in
    the location's wall-clock time, for a range of dates, with breaks inside."""

    location_id: int
    weekday: int
    starts: time
    ends: time
    effective: DateRange
    breaks: tuple[tuple[time, time], ...] = ()


@dataclass(frozen=True)
class Busy:
    """Time already taken: an appointment from its start to the end of its buffer."""

    interval: Interval
    location_id: int | None = None


@dataclass(frozen=True)
class PractitionerFacts:
    id: int
    shifts: tuple[WeeklyShift, ...]
    # The days on which a registration covers the service (the registration rule).
    qualified: tuple[DateRange, ...]
    time_off: tuple[Interval, ...] = ()
    # Any sequence: the adapter's turns its rows into values when first read.
    busy: Sequence[Busy] = ()


@dataclass(frozen=True)
class ResourceFacts:
    """A room or piece of equipment at a location, with the time it is already held."""

    id: int
    kind_id: int
    busy: Sequence[Interval] = ()  # as PractitionerFacts.busy


@dataclass(frozen=True)
class LocationFacts:
    id: int
    zone: ZoneInfo
    closures: tuple[DateRange, ...] = ()
    resources: tuple[ResourceFacts, ...] = ()


@dataclass(frozen=True)
class ServiceFacts:
    """What is being booked: time with the patient, then a buffer (notes, turnover)
    during which the practitioner and every resource stay held."""

    duration: timedelta
    buffer: timedelta = timedelta(0)
    resource_kinds: tuple[int, ...] = ()


@dataclass(frozen=True)
class Policy:
    """When slots may be offered: not sooner than `min_notice` after now, not later than
    `horizon` after now, starting on a `step` grid of the location's local day."""

    horizon: timedelta = timedelta(days=90)
    min_notice: timedelta = timedelta(0)
    step: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class Query:
    """Find slots for `service` with any of `practitioners` at any of `locations`,
    starting in [start, end)."""

    service: ServiceFacts
    practitioners: tuple[PractitionerFacts, ...]
    locations: tuple[LocationFacts, ...]
    start: datetime
    end: datetime
    now: datetime
    policy: Policy = Policy()
    # Travel time between two locations, keyed by frozenset({a, b}).
    travel: Mapping[frozenset[int], timedelta] = field(default_factory=dict)


class Slot(NamedTuple):
    """A bookable start: the practitioner is with the patient from `start` to `end`;
    they and the resources stay held until `busy_until` (end + buffer).

    A named tuple rather than a frozen dataclass, ordered the same way (field by
    field): a search for every free time makes thousands, and a dataclass took 1.5 µs
    each to make, a tuple 0.3 µs."""

    start: datetime
    practitioner_id: int
    location_id: int
    end: datetime
    busy_until: datetime
    resource_ids: tuple[int, ...] = ()


class Reason(StrEnum):
    """Why a search found nothing, in the order they are checked."""

    BEYOND_HORIZON = "beyond_horizon"  # the whole window is past the booking horizon
    NOBODY_QUALIFIED = "nobody_qualified"  # no practitioner may deliver the service then
    CLOSED = "closed"  # nobody works there then (hours, closures, time off)
    NO_RESOURCES = "no_resources"  # the location lacks a room or equipment it needs
    TOO_SOON = "too_soon"  # there are hours, but only before the minimum notice
    FULLY_BOOKED = "fully_booked"  # hours and rooms exist, all taken


@dataclass(frozen=True)
class Result:
    slots: tuple[Slot, ...]
    # Set only when `slots` is empty.
    reason: Reason | None = None
