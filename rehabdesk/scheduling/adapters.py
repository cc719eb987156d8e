"""The one bridge between the database and the availability engine.

`build_query` reads everything the engine needs for a search — hours, breaks, time
off, closures, registrations, appointments, rooms and their bookings, travel times,
the clinic's policy — as plain values, in a fixed number of queries however many
practitioners, days or appointments are involved, and returns an engine Query.

It leaves out what cannot change the answer: practitioners not qualified for the service
on any day of the window, their bookings away from the times a slot could hold them, and
(in a `lean` query) rooms the service cannot use. Rows come unordered — the engine sorts
what it needs, and ordering by a model's default would join the tables it names and sort
thousands of rows.

The reads are SQL written out (rehabdesk/core/sql.py says why and how): every search
runs them, and through the ORM building their querysets cost as much as running them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from rehabdesk.availability.intervals import Interval
from rehabdesk.availability.types import (
    Busy,
    DateRange,
    LocationFacts,
    Policy,
    PractitionerFacts,
    Query,
    ResourceFacts,
    ServiceFacts,
    WeeklyShift,
)
from rehabdesk.clinic.models import Location, Service
from rehabdesk.clinic.qualifications import (
    practitioner_credentials,
    qualified_periods,
    service_requirements,
)
from rehabdesk.core.sql import (
    day_from_text,
    day_param,
    instant_from_text,
    instant_param,
    select,
)
from rehabdesk.scheduling.choices import ACTIVE_STATUSES, AppointmentStatus, Channel

# How far around the window to read dates, time off and (unless lean) room bookings:
# enough for the longest travel time and for a day's local/UTC difference.
MARGIN = timedelta(days=1)
# Nothing holds its time for more than a day (the SQLite guards refuse it, see
# scheduling/guards.py, and no clinic service lasts that long), so whatever overlaps a
# time started at most a day before it: the (practitioner, start) and (resource, start)
# indexes then find it without reading the history before.
LONGEST_HOLD = timedelta(days=1)


# (practitioner, location, weekday, starts, ends, effective_from, effective_until)
_ShiftRow = tuple[int, int, int, time, time, date, date | None]


@lru_cache(maxsize=4096)
def _time(text: str) -> time:
    """A clinic's hours use a few dozen distinct times, read thousands of times a search."""
    return time.fromisoformat(text)


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


def clinic_policy(location: Location, channel: str) -> Policy:
    """The clinic's booking policy; the minimum notice is for online bookings only."""
    clinic = location.clinic
    return Policy(
        horizon=timedelta(days=clinic.booking_horizon_days),
        min_notice=timedelta(minutes=clinic.min_online_notice_minutes)
        if channel == Channel.ONLINE
        else timedelta(0),
        step=timedelta(minutes=clinic.slot_step_minutes),
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
    service: Service,
    locations: Sequence[Location],
    start: datetime,
    end: datetime,
    now: datetime,
    channel: str,
    practitioner_ids: Collection[int] | None = None,
    ignore_appointment_ids: Collection[int] = (),
    lean: bool = False,
) -> Query:
    """The engine's question: slots for `service` at `locations` starting in
    [start, end), with any practitioner working there (or only `practitioner_ids`).

    A `lean` query also leaves out the rooms the engine's answer cannot depend on:
    those of kinds the service does not need, those where nobody qualified works, and
    their bookings away from the times a slot could hold them. The answer is the same.
    By default every room and its bookings of a day around the window are read:
    scheduling.history plans other services with one query's rooms."""
    location_ids = [location.pk for location in locations]
    first_day = (start - MARGIN).date()
    last_day = (end + MARGIN).date()

    shift_rows, breaks = _shifts(location_ids, first_day, last_day, practitioner_ids)
    rostered = sorted({row[0] for row in shift_rows.values()})
    requirements = service_requirements([service.pk])[service.pk]
    credentials = practitioner_credentials(rostered, on_or_after=first_day)
    qualified = {
        person: tuple(
            DateRange(first, last)
            for first, last in qualified_periods(credentials[person], requirements)
        )
        for person in rostered
    }
    # Someone not qualified on any day of the window is never offered, and their hours
    # decide no reason either (availability.md): leave them out before reading more.
    people = [
        person
        for person in rostered
        if any(
            r.first <= last_day and (r.last is None or first_day <= r.last)
            for r in qualified[person]
        )
    ]
    kept = set(people)
    shifts_by_person: dict[int, list[WeeklyShift]] = defaultdict(list)
    for shift_id, row in shift_rows.items():
        person, location_id, weekday, s_start, s_end, e_from, e_until = row
        if person not in kept:
            continue
        shifts_by_person[person].append(
            WeeklyShift(
                location_id=location_id,
                weekday=weekday,
                starts=s_start,
                ends=s_end,
                effective=DateRange(e_from, e_until),
                breaks=tuple(sorted(breaks[shift_id])),
            )
        )

    time_off = _time_off(people, _Span(start - MARGIN, end + MARGIN))
    travel = {
        frozenset({a, b}): timedelta(minutes=minutes)
        for a, b, minutes in select(
            "SELECT location_a_id, location_b_id, minutes FROM clinic_traveltime", []
        )
    }
    service_facts = _service_facts(service)
    # A slot starting before `end` holds its practitioner and rooms until `end + held`
    # at the latest; a practitioner's bookings elsewhere count widened by the travel
    # time (rules 5 and 6). Bookings beyond that change no answer for this service.
    held = service_facts.duration + service_facts.buffer
    longest_travel = max(travel.values(), default=timedelta(0))
    booked = _Span(start - longest_travel, end + held + longest_travel)
    rooms_held = _Span(start, end + held) if lean else _Span(start - MARGIN, end + MARGIN)

    busy = _busy(people, booked, now, ignore_appointment_ids)
    practitioners = tuple(
        PractitionerFacts(
            id=person,
            shifts=tuple(shifts_by_person[person]),
            qualified=qualified[person],
            time_off=tuple(time_off[person]),
            busy=tuple(busy[person]),
        )
        for person in people
    )
    usable = None
    if lean:
        usable = _Usable(
            {row[1] for row in shift_rows.values() if row[0] in kept}, service_facts.resource_kinds
        )
    return Query(
        service=service_facts,
        practitioners=practitioners,
        locations=_location_facts(
            locations,
            first_day,
            last_day,
            rooms_held,
            now,
            ignore_appointment_ids,
            usable,
        ),
        start=start,
        end=end,
        now=now,
        policy=clinic_policy(locations[0], channel),
        travel=travel,
    )


def _shifts(
    location_ids: list[int],
    first_day: date,
    last_day: date,
    practitioner_ids: Collection[int] | None,
) -> tuple[dict[int, _ShiftRow], dict[int, list[tuple[time, time]]]]:
    """The active practitioners' shifts at these locations in effect on some day from
    `first_day` to `last_day`, by id, and each one's breaks: one query, a LEFT JOIN
    giving a row per break and one with no break for a shift without any."""
    sql = """
        SELECT w.id, w.practitioner_id, w.location_id, w.weekday,
               CAST(w.starts AS text), CAST(w.ends AS text),
               CAST(w.effective_from AS text), CAST(w.effective_until AS text),
               CAST(b.starts AS text), CAST(b.ends AS text)
        FROM clinic_workinghours w
        JOIN clinic_practitioner p ON p.id = w.practitioner_id
        LEFT JOIN clinic_break b ON b.working_hours_id = w.id
        WHERE w.location_id IN %s AND p.active AND w.effective_from <= %s
          AND (w.effective_until IS NULL OR w.effective_until >= %s)"""
    params: list[Any] = [location_ids, day_param(last_day), day_param(first_day)]
    if practitioner_ids is not None:
        sql += " AND w.practitioner_id IN %s"
        params.append(list(practitioner_ids))
    shift_rows: dict[int, _ShiftRow] = {}
    breaks: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for row in select(sql, params):
        shift_id, person, location_id, weekday, s_start, s_end, e_from, e_until = row[:8]
        if shift_id not in shift_rows:
            shift_rows[shift_id] = (
                person,
                location_id,
                weekday,
                _time(s_start),
                _time(s_end),
                day_from_text(e_from),
                None if e_until is None else day_from_text(e_until),
            )
        if row[8] is not None:
            breaks[shift_id].append((_time(row[8]), _time(row[9])))
    return shift_rows, breaks


def _time_off(people: list[int], span: _Span) -> dict[int, list[Interval]]:
    """Each practitioner's time off overlapping the span."""
    time_off: dict[int, list[Interval]] = defaultdict(list)
    for person, t_start, t_end in select(
        """
        SELECT practitioner_id, CAST(starts_at AS text), CAST(ends_at AS text)
        FROM clinic_timeoff
        WHERE practitioner_id IN %s AND starts_at < %s AND ends_at > %s""",
        [people, instant_param(span.end), instant_param(span.start)],
    ):
        time_off[person].append(Interval(instant_from_text(t_start), instant_from_text(t_end)))
    return time_off


def _busy(
    people: list[int], span: _Span, now: datetime, ignore_appointment_ids: Collection[int]
) -> dict[int, list[Busy]]:
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
    busy: dict[int, list[Busy]] = defaultdict(list)
    for person, a_start, a_until, location_id, status, expires in select(sql, params):
        if _holds_time(status, instant_from_text(expires) if expires else None, now):
            busy[person].append(
                Busy(Interval(instant_from_text(a_start), instant_from_text(a_until)), location_id)
            )
    return busy


def _service_facts(service: Service) -> ServiceFacts:
    kinds = select(
        # Straight from the link table: no join to the kinds, no ordering by their name.
        "SELECT resourcekind_id FROM clinic_service_resource_kinds WHERE service_id = %s",
        [service.pk],
    )
    return ServiceFacts(
        duration=timedelta(minutes=service.duration_minutes),
        buffer=timedelta(minutes=service.buffer_after_minutes),
        resource_kinds=tuple(sorted(kind for (kind,) in kinds)),
    )


@dataclass(frozen=True)
class _Usable:
    """The resources a search can use: at these locations, of these kinds."""

    location_ids: set[int]
    kind_ids: tuple[int, ...]


def _location_facts(
    locations: Sequence[Location],
    first_day: date,
    last_day: date,
    rooms_held: _Span,
    now: datetime,
    ignore_appointment_ids: Collection[int],
    usable: _Usable | None,
) -> tuple[LocationFacts, ...]:
    location_ids = [location.pk for location in locations]
    closures: dict[int, list[DateRange]] = defaultdict(list)
    for location_id, c_first, c_last in select(
        """
        SELECT location_id, CAST(first_day AS text), CAST(last_day AS text)
        FROM clinic_closure
        WHERE location_id IN %s AND first_day <= %s AND last_day >= %s""",
        [location_ids, day_param(last_day), day_param(first_day)],
    ):
        closures[location_id].append(DateRange(day_from_text(c_first), day_from_text(c_last)))
    resources = _resources(location_ids, usable)
    held = _held(resources, rooms_held, now, ignore_appointment_ids)
    by_location: dict[int, list[ResourceFacts]] = defaultdict(list)
    for resource_id, location_id, kind_id in resources:
        by_location[location_id].append(
            ResourceFacts(id=resource_id, kind_id=kind_id, busy=tuple(held[resource_id]))
        )
    return tuple(
        LocationFacts(
            id=location.pk,
            zone=location.zone,
            closures=tuple(closures[location.pk]),
            resources=tuple(by_location[location.pk]),
        )
        for location in locations
    )


def _resources(location_ids: list[int], usable: _Usable | None) -> list[tuple[int, int, int]]:
    """(id, location, kind) of the active resources at these locations, each kind's by
    name: scheduling.history picks rooms in that order, the engine by id."""
    sql = "SELECT r.id, r.location_id, r.kind_id FROM clinic_resource r"
    sql += " WHERE r.active AND r.location_id IN %s"
    params: list[Any] = [location_ids]
    if usable is not None:
        # Nobody is offered where no one qualified works, and other kinds are never
        # picked nor counted (availability.md, rule 6 and the reasons).
        sql += " AND r.location_id IN %s AND r.kind_id IN %s"
        params += [sorted(usable.location_ids), usable.kind_ids]
    sql += " ORDER BY r.location_id, r.kind_id, r.name, r.id"
    return [
        (resource_id, location_id, kind_id)
        for resource_id, location_id, kind_id in select(sql, params)
    ]


def _held(
    resources: list[tuple[int, int, int]],
    span: _Span,
    now: datetime,
    ignore_appointment_ids: Collection[int],
) -> dict[int, list[Interval]]:
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
    held: dict[int, list[Interval]] = defaultdict(list)
    for resource_id, h_start, h_until in select(sql, params):
        held[resource_id].append(Interval(instant_from_text(h_start), instant_from_text(h_until)))
    return held
