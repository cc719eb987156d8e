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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from django.db import connection
from django.db.models import CharField, F, Q
from django.db.models.functions import Cast

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
from rehabdesk.clinic.models import (
    Closure,
    Location,
    Resource,
    Service,
    TimeOff,
    TravelTime,
    WorkingHours,
)
from rehabdesk.clinic.qualifications import (
    practitioner_credentials,
    qualified_periods,
    service_requirements,
)
from rehabdesk.scheduling.choices import ACTIVE_STATUSES, AppointmentStatus, Channel
from rehabdesk.scheduling.models import Appointment, AppointmentResource

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


def _as_text(field: str) -> Cast:
    """A datetime column read as text, for `_instant`."""
    return Cast(F(field), output_field=CharField())


def _wall_column(field: str) -> F | Cast:
    """A date or time-of-day column, for `_date` and `_time`. SQLite's converters for
    them (Django's regular expressions, a Python call per value) cost more than the
    query itself for a clinic's hundreds of shifts: read SQLite's text and parse it with
    `fromisoformat`. PostgreSQL's own loaders are fast: read the column as it is."""
    return _as_text(field) if connection.vendor == "sqlite" else F(field)


@lru_cache(maxsize=4096)
def _time_from_text(text: str) -> time:
    """A clinic's hours use a few dozen distinct times, read thousands of times a search."""
    return time.fromisoformat(text)


def _time(value: time | str) -> time:
    return _time_from_text(value) if isinstance(value, str) else value


def _date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _instant(text: str) -> datetime:
    """A datetime column read as text, as an aware UTC datetime. A search reads thousands
    of bookings, and Django's converters cost several times more per value than the
    query itself (on PostgreSQL a Python call per value); `fromisoformat` reads both
    SQLite's naive UTC text and PostgreSQL's text with its offset."""
    instant = datetime.fromisoformat(text)
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant if instant.tzinfo is UTC else instant.astimezone(UTC)


@dataclass(frozen=True)
class _Span:
    """Read what overlaps [start, end), through the (owner, start) indexes."""

    start: datetime
    end: datetime

    def lookups(self) -> dict[str, datetime]:
        return {
            "start__gt": self.start - LONGEST_HOLD,
            "start__lt": self.end,
            "busy_until__gt": self.start,
        }


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

    shifts = WorkingHours.objects.filter(
        location_id__in=location_ids,
        practitioner__active=True,
        effective_from__lte=last_day,
    ).filter(Q(effective_until__isnull=True) | Q(effective_until__gte=first_day))
    if practitioner_ids is not None:
        shifts = shifts.filter(practitioner_id__in=list(practitioner_ids))
    # Each shift with its breaks, in one query (a LEFT JOIN: a row per break, one with
    # no break for a shift without any) rather than a second one naming every shift.
    shift_rows: dict[int, _ShiftRow] = {}
    breaks: dict[int, list[tuple]] = defaultdict(list)
    for row in shifts.order_by().values_list(
        "id",
        "practitioner_id",
        "location_id",
        "weekday",
        _wall_column("starts"),
        _wall_column("ends"),
        _wall_column("effective_from"),
        _wall_column("effective_until"),
        _wall_column("breaks__starts"),
        _wall_column("breaks__ends"),
    ):
        shift_id, person, location_id, weekday, s_start, s_end, e_from, e_until = row[:8]
        if shift_id not in shift_rows:
            shift_rows[shift_id] = (
                person,
                location_id,
                weekday,
                _time(s_start),
                _time(s_end),
                _date(e_from),
                None if e_until is None else _date(e_until),
            )
        if row[8] is not None:
            breaks[shift_id].append((_time(row[8]), _time(row[9])))
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

    time_off: dict[int, list[Interval]] = defaultdict(list)
    for person, t_start, t_end in (
        TimeOff.objects.filter(
            practitioner_id__in=people, starts_at__lt=end + MARGIN, ends_at__gt=start - MARGIN
        )
        .order_by()
        .values_list("practitioner_id", "starts_at", "ends_at")
    ):
        time_off[person].append(Interval(t_start, t_end))

    travel = {
        frozenset({a, b}): timedelta(minutes=minutes)
        for a, b, minutes in TravelTime.objects.order_by().values_list(
            "location_a_id", "location_b_id", "minutes"
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

    appointments = Appointment.objects.filter(practitioner_id__in=people, **booked.lookups())
    if ignore_appointment_ids:
        appointments = appointments.exclude(pk__in=list(ignore_appointment_ids))
    busy: dict[int, list[Busy]] = defaultdict(list)
    for row in appointments.order_by().values_list(
        "practitioner_id",
        _as_text("start"),
        _as_text("busy_until"),
        "location_id",
        "status",
        _as_text("hold_expires_at"),
    ):
        person, a_start, a_until, location_id, status, expires = row
        if _holds_time(status, _instant(expires) if expires else None, now):
            busy[person].append(Busy(Interval(_instant(a_start), _instant(a_until)), location_id))

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


def _service_facts(service: Service) -> ServiceFacts:
    return ServiceFacts(
        duration=timedelta(minutes=service.duration_minutes),
        buffer=timedelta(minutes=service.buffer_after_minutes),
        # Straight from the link table: no join to the kinds, no ordering by their name.
        resource_kinds=tuple(
            sorted(
                Service.resource_kinds.through.objects.filter(service_id=service.pk).values_list(
                    "resourcekind_id", flat=True
                )
            )
        ),
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
    for location_id, c_first, c_last in (
        Closure.objects.filter(
            location_id__in=location_ids, first_day__lte=last_day, last_day__gte=first_day
        )
        .order_by()
        .values_list("location_id", "first_day", "last_day")
    ):
        closures[location_id].append(DateRange(c_first, c_last))
    rooms = Resource.objects.filter(location_id__in=location_ids, active=True)
    if usable is not None:
        # Nobody is offered where no one qualified works, and other kinds are never
        # picked nor counted (availability.md, rule 6 and the reasons).
        # Unordered: the engine picks by id, and a lean query is only for the engine.
        rooms = rooms.filter(
            location_id__in=sorted(usable.location_ids), kind_id__in=usable.kind_ids
        ).order_by()
    # Otherwise in their usual order (location, kind, name): scheduling.history picks
    # rooms in it.
    resources = list(rooms.values_list("id", "location_id", "kind_id"))
    # Holds of expired holds no longer count: one small subquery on the
    # (status, hold_expires_at) index, rather than joining every hold to its appointment.
    expired = (
        Appointment.objects.filter(status=AppointmentStatus.PENDING, hold_expires_at__lte=now)
        .order_by()
        .values("pk")
    )
    holds = AppointmentResource.objects.filter(
        active=True, resource_id__in=[row[0] for row in resources], **rooms_held.lookups()
    ).exclude(appointment_id__in=expired)
    if ignore_appointment_ids:
        holds = holds.exclude(appointment_id__in=list(ignore_appointment_ids))
    held: dict[int, list[Interval]] = defaultdict(list)
    for resource_id, h_start, h_until in holds.order_by().values_list(
        "resource_id", _as_text("start"), _as_text("busy_until")
    ):
        held[resource_id].append(Interval(_instant(h_start), _instant(h_until)))
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
