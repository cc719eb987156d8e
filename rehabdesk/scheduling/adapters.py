"""The one bridge between the database and the availability engine.

`build_query` gathers everything the engine needs for a search as plain values and
returns an engine Query: the clinic's configuration — hours, breaks, time off, closures,
registrations, rooms, travel times — as `clinic.calendar_configuration` keeps it, and
the calendar — appointments and room bookings around the window — read here, in two
queries however many practitioners, days or appointments are involved.

It leaves out what cannot change the answer: practitioners not qualified for the service
on any day of the window, their bookings away from the times a slot could hold them, and
(in a `lean` query) rooms the service cannot use. Rows come unordered — the engine sorts
what it needs, and ordering by a model's default would join the tables it names and sort
thousands of rows.

The calendar is read with SQL written out (rehabdesk/core/sql.py says why and how):
every search runs it, and through the ORM building the querysets cost as much as
running them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, TypeVar, overload

from rehabdesk.availability.intervals import Interval
from rehabdesk.availability.types import (
    Busy,
    DateRange,
    LocationFacts,
    Policy,
    PractitionerFacts,
    Query,
    ResourceFacts,
    WeeklyShift,
)
from rehabdesk.clinic.calendar_configuration import (
    BookableLocation,
    CalendarConfiguration,
    calendar_configuration,
    in_effect_between,
)
from rehabdesk.clinic.qualifications import qualified_periods
from rehabdesk.core.sql import instant_from_text, instant_param, select
from rehabdesk.scheduling.choices import ACTIVE_STATUSES, AppointmentStatus, Channel

T = TypeVar("T")

# How far around the window to read dates, time off and (unless lean) room bookings:
# enough for the longest travel time and for a day's local/UTC difference.
MARGIN = timedelta(days=1)
DAY = timedelta(days=1)
# Nothing holds its time for more than a day (the SQLite guards refuse it, see
# scheduling/guards.py, and no clinic service lasts that long), so whatever overlaps a
# time started at most a day before it: the (practitioner, start) and (resource, start)
# indexes then find it without reading the history before.
LONGEST_HOLD = timedelta(days=1)


@dataclass(frozen=True)
class _Span:
    """Read what overlaps [start, end), through the (owner, start) indexes."""

    start: datetime
    end: datetime

    def params(self) -> list[Any]:
        """For `start > %s AND start < %s AND busy_until > %s`."""
        return [
            instant_param(self.start - LONGEST_HOLD),
            instant_param(self.end),
            instant_param(self.start),
        ]


def clinic_policy(location: BookableLocation, channel: str) -> Policy:
    """The clinic's booking policy; the minimum notice is for online bookings only."""
    return Policy(
        horizon=location.horizon,
        min_notice=location.online_notice if channel == Channel.ONLINE else timedelta(0),
        step=location.step,
    )


def _holds_time(status: str, hold_expires_at: datetime | None, now: datetime) -> bool:
    """Whether an appointment still holds its time: active, and a hold until it expires.

    Decided here rather than in SQL: a condition on the status would tempt SQLite (which
    has no statistics) into the (status, hold_expires_at) index, reading every active
    appointment ever booked instead of the window's few through (practitioner, start)."""
    if status not in ACTIVE_STATUSES:
        return False
    return not (
        status == AppointmentStatus.PENDING
        and hold_expires_at is not None
        and hold_expires_at <= now
    )


def build_query(
    *,
    service_id: int,
    location_ids: Sequence[int],
    start: datetime,
    end: datetime,
    now: datetime,
    channel: str,
    practitioner_ids: Collection[int] | None = None,
    ignore_appointment_ids: Collection[int] = (),
    lean: bool = False,
    configuration: CalendarConfiguration | None = None,
) -> Query:
    """The engine's question: slots for the service at the locations starting in
    [start, end), with any practitioner working there (or only `practitioner_ids`). The
    first location's clinic sets the booking policy.

    A `lean` query also leaves out the rooms the engine's answer cannot depend on:
    those of kinds the service does not need, those where nobody qualified works, and
    their bookings away from the times a slot could hold them. The answer is the same.
    By default every room and its bookings of a day around the window are read:
    the demo's calendar planner (demo/calendars.py) plans other services with one
    query's rooms.

    `configuration`: the clinic's, as `calendar_configuration()` gave it to the caller
    for this search (read here otherwise)."""
    if configuration is None:
        configuration = calendar_configuration()
    roster = _roster(
        configuration,
        _Question(
            service_id=service_id,
            location_ids=tuple(location_ids),
            practitioner_ids=None if practitioner_ids is None else frozenset(practitioner_ids),
            days=((start - MARGIN).date(), (end + MARGIN).date()),
            lean=lean,
        ),
    )
    service_facts = configuration.services[service_id].facts
    # A slot starting before `end` holds its practitioner and rooms until `end + held`
    # at the latest; a practitioner's bookings elsewhere count widened by the travel
    # time (rules 5 and 6). Bookings beyond that change no answer for this service.
    held = service_facts.duration + service_facts.buffer
    longest_travel = max(configuration.travel.values(), default=timedelta(0))
    booked = _Span(start - longest_travel, end + held + longest_travel)
    rooms_held = _Span(start, end + held) if lean else _Span(start - MARGIN, end + MARGIN)

    busy = _busy(list(roster.people), booked, now, ignore_appointment_ids)
    held_by = _held(list(roster.resources), rooms_held, now, ignore_appointment_ids)
    by_location: dict[int, list[ResourceFacts]] = defaultdict(list)
    for resource_id, location_id, kind_id in roster.resources:
        by_location[location_id].append(
            ResourceFacts(id=resource_id, kind_id=kind_id, busy=held_by.get(resource_id, ()))
        )
    locations = [configuration.locations[location_id] for location_id in location_ids]
    return Query(
        service=service_facts,
        practitioners=tuple(
            PractitionerFacts(
                id=person,
                shifts=roster.shifts[person],
                qualified=roster.qualified[person],
                time_off=roster.time_off.get(person, ()),
                busy=busy.get(person, ()),
            )
            for person in roster.people
        ),
        locations=tuple(
            LocationFacts(
                id=location.id,
                zone=location.zone,
                closures=roster.closures.get(location.id, ()),
                resources=tuple(by_location[location.id]),
            )
            for location in locations
        ),
        start=start,
        end=end,
        now=now,
        policy=clinic_policy(locations[0], channel),
        travel=configuration.travel,
    )


@dataclass(frozen=True)
class _Roster:
    """Who could be offered a service at some locations over some days, with what of
    the configuration the engine needs of them: everything of a query but the calendar."""

    people: tuple[int, ...]
    shifts: dict[int, tuple[WeeklyShift, ...]]
    qualified: dict[int, tuple[DateRange, ...]]
    time_off: dict[int, tuple[Interval, ...]]
    # (id, location id, kind id) of the rooms the query counts.
    resources: tuple[tuple[int, int, int], ...]
    closures: dict[int, tuple[DateRange, ...]]


class _Question(NamedTuple):
    """What a roster is worked out for: `days` are the first and last, both included."""

    service_id: int
    location_ids: tuple[int, ...]
    practitioner_ids: frozenset[int] | None
    days: tuple[date, date]
    lean: bool


# Rosters worked out from the configuration last used, by question. The configuration
# stays the same until its stamp changes, and searches ask the same few questions (one
# service, these locations, today's window) many times.
ROSTERS_KEPT = 64
_rosters: tuple[CalendarConfiguration | None, dict[_Question, _Roster]] = (None, {})


def _roster(configuration: CalendarConfiguration, question: _Question) -> _Roster:
    """The roster for the question, kept with the configuration it was worked out from."""
    global _rosters  # noqa: PLW0603 - the process's one set, swapped whole
    kept_for, kept = _rosters
    if kept_for is not configuration:
        kept = {}
        _rosters = (configuration, kept)
    roster = kept.get(question)
    if roster is None:
        if len(kept) >= ROSTERS_KEPT:
            kept.clear()
        roster = kept[question] = _work_out_roster(configuration, *question)
    return roster


def _work_out_roster(
    configuration: CalendarConfiguration,
    service_id: int,
    location_ids: tuple[int, ...],
    practitioner_ids: frozenset[int] | None,
    days: tuple[date, date],
    lean: bool,
) -> _Roster:
    first_day, last_day = days
    searched = set(location_ids)
    shifts_by_person: dict[int, list[WeeklyShift]] = defaultdict(list)
    for person, shift in configuration.shifts:
        if (
            shift.location_id in searched
            and (practitioner_ids is None or person in practitioner_ids)
            and in_effect_between(shift, first_day, last_day)
        ):
            shifts_by_person[person].append(shift)
    rostered = sorted(shifts_by_person)
    requirements = configuration.requirements.get(service_id, [])
    qualified = {
        person: tuple(
            DateRange(first, last)
            for first, last in qualified_periods(
                configuration.credentials.get(person, []), requirements
            )
            if last is None or last >= first_day
        )
        for person in rostered
    }
    # Someone not qualified on any day of the window is never offered, and their hours
    # decide no reason either (availability.md): leave them out before reading more.
    people = tuple(
        person
        for person in rostered
        if any(
            r.first <= last_day and (r.last is None or first_day <= r.last)
            for r in qualified[person]
        )
    )
    # Compared by day, a day wider on each side: time off is in UTC, the days local.
    time_off = {
        person: tuple(
            Interval(t_start, t_end)
            for t_start, t_end in configuration.time_off.get(person, ())
            if t_start.date() <= last_day + DAY and t_end.date() >= first_day - DAY
        )
        for person in people
    }
    resources = [row for row in configuration.resources if row[1] in searched]
    if lean:
        # Nobody is offered where no one qualified works, and other kinds are never
        # picked nor counted (availability.md, rule 6 and the reasons).
        kinds = configuration.services[service_id].facts.resource_kinds
        staffed = {shift.location_id for person in people for shift in shifts_by_person[person]}
        resources = [row for row in resources if row[1] in staffed and row[2] in kinds]
    return _Roster(
        people=people,
        shifts={person: tuple(shifts_by_person[person]) for person in people},
        qualified={person: qualified[person] for person in people},
        time_off=time_off,
        resources=tuple(resources),
        closures={
            location_id: tuple(
                closure
                for closure in configuration.closures.get(location_id, ())
                if closure.first <= last_day
                and closure.last is not None
                and closure.last >= first_day
            )
            for location_id in searched
        },
    )


class _ReadOnUse(Sequence[T]):
    """One practitioner's or room's rows, turned into the engine's values when the
    engine first reads them. "The next free time" works out the days of a few of the
    practitioners it is given (15 of 71 on the ten-location bench), and parsing the
    others' rows cost more than reading them."""

    __slots__ = ("_parse", "_rows", "_values")

    def __init__(self, rows: list[tuple[Any, ...]], parse: Callable[[tuple[Any, ...]], T | None]):
        self._rows = rows
        self._parse = parse
        self._values: list[T] | None = None

    def _all(self) -> list[T]:
        if self._values is None:
            parsed = (self._parse(row) for row in self._rows)
            self._values = [value for value in parsed if value is not None]
        return self._values

    def __len__(self) -> int:
        return len(self._all())

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self._all()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self._all())


def _busy(
    people: list[int], span: _Span, now: datetime, ignore_appointment_ids: Collection[int]
) -> dict[int, _ReadOnUse[Busy]]:
    """Each practitioner's appointments that hold their time and overlap the span."""
    sql = """
        SELECT a.practitioner_id, CAST(a.start AS text), CAST(a.busy_until AS text),
               a.location_id, a.status, CAST(a.hold_expires_at AS text)
        FROM scheduling_appointment a
        WHERE a.practitioner_id IN %s
          AND a.start > %s AND a.start < %s AND a.busy_until > %s"""
    params: list[Any] = [people, *span.params()]
    if ignore_appointment_ids:
        sql += " AND a.id NOT IN %s"
        params.append(list(ignore_appointment_ids))

    # Busy values are immutable, and appointments start and end on the clinic's grid:
    # practitioners booked at the same times and place share one (five visits a day
    # for fifty practitioners over 14 days are 2,500 rows and about 80 values).
    made: dict[tuple[str, str, int], Busy] = {}

    def parse(row: tuple[Any, ...]) -> Busy | None:
        _, a_start, a_until, location_id, status, expires = row
        if status not in ACTIVE_STATUSES or (
            status == AppointmentStatus.PENDING
            and not _holds_time(status, instant_from_text(expires) if expires else None, now)
        ):
            return None
        key = (a_start, a_until, location_id)
        busy = made.get(key)
        if busy is None:
            interval = Interval(instant_from_text(a_start), instant_from_text(a_until))
            busy = made[key] = Busy(interval, location_id)
        return busy

    return _by_owner(select(sql, params), parse)


def _held(
    resources: list[tuple[int, int, int]],
    span: _Span,
    now: datetime,
    ignore_appointment_ids: Collection[int],
) -> dict[int, _ReadOnUse[Interval]]:
    """Each resource's active holds overlapping the span. Holds of expired holds no
    longer count: one small subquery on the (status, hold_expires_at) index, rather
    than joining every hold to its appointment."""
    sql = """
        SELECT h.resource_id, CAST(h.start AS text), CAST(h.busy_until AS text)
        FROM scheduling_appointmentresource h
        WHERE h.active AND h.resource_id IN %s
          AND h.start > %s AND h.start < %s AND h.busy_until > %s
          AND h.appointment_id NOT IN (
            SELECT e.id FROM scheduling_appointment e
            WHERE e.status = %s AND e.hold_expires_at <= %s)"""
    params: list[Any] = [
        [row[0] for row in resources],
        *span.params(),
        AppointmentStatus.PENDING.value,
        instant_param(now),
    ]
    if ignore_appointment_ids:
        sql += " AND h.appointment_id NOT IN %s"
        params.append(list(ignore_appointment_ids))

    made: dict[tuple[str, str], Interval] = {}  # shared, as in _busy

    def parse(row: tuple[Any, ...]) -> Interval:
        key = (row[1], row[2])
        interval = made.get(key)
        if interval is None:
            interval = made[key] = Interval(instant_from_text(row[1]), instant_from_text(row[2]))
        return interval

    return _by_owner(select(sql, params), parse)


def _by_owner(
    rows: list[tuple[Any, ...]], parse: Callable[[tuple[Any, ...]], T | None]
) -> dict[int, _ReadOnUse[T]]:
    """Rows by their first column (the practitioner or room), parsed on use."""
    owned: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        owned[row[0]].append(row)
    return {owner: _ReadOnUse(owner_rows, parse) for owner, owner_rows in owned.items()}
