"""What a day or a week looks like on the staff schedules: who works when, their breaks
and time off, closures, and the appointments — read in a fixed number of queries, however
many practitioners or appointments there are, and laid out in the location's wall-clock
time. Reading only; the pages draw it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q

from rehabdesk.availability.intervals import wall_clock_instant
from rehabdesk.clinic.models import (
    Closure,
    Location,
    OpeningHours,
    Practitioner,
    Resource,
    TimeOff,
    WorkingHours,
)
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

# Shown on the schedules: everything but what was cancelled or entered in error.
SHOWN = (
    AppointmentStatus.PENDING,
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.FULFILLED,
    AppointmentStatus.NOSHOW,
)
DEFAULT_OPENS, DEFAULT_CLOSES = time(8), time(18)


@dataclass(frozen=True)
class Span:
    """A stretch of one day in wall-clock time, with what it is."""

    starts: time
    ends: time
    label: str = ""
    # Where a practitioner's week has them working (a location's day: its own).
    location_id: int | None = None


@dataclass
class Column:
    """One practitioner's or one room's day."""

    key: str
    title: str
    subtitle: str = ""
    practitioner_id: int | None = None
    working: list[Span] = field(default_factory=list)
    breaks: list[Span] = field(default_factory=list)
    away: list[Span] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)


@dataclass
class Day:
    location: Location
    day: date
    opens: time
    closes: time
    closure: str | None
    columns: list[Column]

    @property
    def appointments(self) -> list[Appointment]:
        seen: dict[int, Appointment] = {}
        for column in self.columns:
            for appointment in column.appointments:
                seen[appointment.pk] = appointment
        return sorted(seen.values(), key=lambda a: (a.start, a.pk))


def location_day(*, location: Location, day: date, by_resource: bool = False) -> Day:
    """A location's day: one column per practitioner working there (or booked there),
    or one per active room and piece of equipment."""
    zone = location.zone
    start = wall_clock_instant(day, time(0), zone)
    end = wall_clock_instant(day + timedelta(days=1), time(0), zone)
    closure = (
        Closure.objects.filter(location=location, first_day__lte=day, last_day__gte=day)
        .values_list("name", flat=True)
        .first()
    )
    opening = list(
        OpeningHours.objects.filter(location=location, weekday=day.weekday()).values_list(
            "opens", "closes"
        )
    )
    shifts = list(
        _shifts_on(day)
        .filter(location=location)
        .select_related("practitioner")
        .prefetch_related("breaks")
        .order_by("practitioner__display_name", "starts")
    )
    appointments = list(
        Appointment.objects.filter(
            location=location, start__lt=end, end__gt=start, status__in=SHOWN
        )
        .select_related("patient", "practitioner", "service__discipline")
        .prefetch_related("resource_holds")
        .order_by("start", "pk")
    )
    if by_resource:
        columns = _room_columns(location, appointments)
    else:
        people = {s.practitioner_id: s.practitioner for s in shifts}
        for appointment in appointments:
            people.setdefault(appointment.practitioner_id, appointment.practitioner)
        away = _time_off(list(people), start, end)
        columns = []
        for practitioner in sorted(people.values(), key=lambda p: p.display_name):
            column = Column(
                key=f"practitioner-{practitioner.pk}",
                title=practitioner.display_name,
                practitioner_id=practitioner.pk,
            )
            for shift in (s for s in shifts if s.practitioner_id == practitioner.pk):
                column.working.append(Span(shift.starts, shift.ends))
                column.breaks += [Span(b.starts, b.ends, "Break") for b in shift.breaks.all()]
            column.away = [
                _local_span(a, b, reason, day, location) for a, b, reason in away[practitioner.pk]
            ]
            column.appointments = [a for a in appointments if a.practitioner_id == practitioner.pk]
            columns.append(column)
    spans = [(o, c) for o, c in opening] + [(s.starts, s.ends) for s in shifts]
    local_times = [a.start.astimezone(zone).time() for a in appointments]
    local_ends = [_local_end(a, day, location) for a in appointments]
    return Day(
        location=location,
        day=day,
        opens=min([s for s, _ in spans] + local_times, default=DEFAULT_OPENS),
        closes=max([e for _, e in spans] + local_ends, default=DEFAULT_CLOSES),
        closure=closure,
        columns=columns,
    )


def practitioner_week(*, practitioner: Practitioner, monday: date) -> list[Day]:
    """A practitioner's seven days from `monday`, at every location they work or are
    booked, one column per day."""
    days = [monday + timedelta(days=n) for n in range(7)]
    shifts = list(
        WorkingHours.objects.filter(
            Q(effective_until__isnull=True) | Q(effective_until__gte=days[0]),
            practitioner=practitioner,
            effective_from__lte=days[-1],
        )
        .select_related("location__clinic")
        .prefetch_related("breaks")
    )
    # The week is drawn in the first location's zone (both clinic locations share one).
    home = shifts[0].location if shifts else Location.objects.select_related("clinic").first()
    assert home is not None, "a clinic has at least one location"
    zone = home.zone
    start = wall_clock_instant(days[0], time(0), zone)
    end = wall_clock_instant(days[-1] + timedelta(days=1), time(0), zone)
    appointments = list(
        Appointment.objects.filter(
            practitioner=practitioner, start__lt=end, end__gt=start, status__in=SHOWN
        )
        .select_related("patient", "location", "service__discipline")
        .order_by("start", "pk")
    )
    away = _time_off([practitioner.pk], start, end)[practitioner.pk]
    closures = list(
        Closure.objects.filter(first_day__lte=days[-1], last_day__gte=days[0]).values_list(
            "location_id", "first_day", "last_day", "name"
        )
    )
    week = []
    for day in days:
        today_shifts = [
            s
            for s in shifts
            if s.weekday == day.weekday()
            and s.effective_from <= day
            and (s.effective_until is None or day <= s.effective_until)
        ]
        column = Column(
            key=f"day-{day.isoformat()}", title=f"{day:%A}", subtitle=f"{day:%b} {day.day}"
        )
        for shift in today_shifts:
            column.working.append(
                Span(shift.starts, shift.ends, shift.location.name, shift.location_id)
            )
            column.breaks += [Span(b.starts, b.ends, "Break") for b in shift.breaks.all()]
            for location_id, first, last, name in closures:
                if location_id == shift.location_id and first <= day <= last:
                    column.away.append(
                        Span(shift.starts, shift.ends, f"{shift.location.name} closed: {name}")
                    )
        column.away += [
            _local_span(a, b, reason, day, home)
            for a, b, reason in away
            if _touches(a, b, day, home)
        ]
        column.appointments = [a for a in appointments if a.start.astimezone(zone).date() == day]
        spans = [(s.starts, s.ends) for s in today_shifts]
        week.append(
            Day(
                location=home,
                day=day,
                opens=min([s for s, _ in spans], default=DEFAULT_OPENS),
                closes=max([e for _, e in spans], default=DEFAULT_CLOSES),
                closure=None,
                columns=[column],
            )
        )
    return week


def _shifts_on(day: date):  # type: ignore[no-untyped-def]
    return WorkingHours.objects.filter(
        Q(effective_until__isnull=True) | Q(effective_until__gte=day),
        weekday=day.weekday(),
        effective_from__lte=day,
    )


def _time_off(
    practitioner_ids: Sequence[int], start: datetime, end: datetime
) -> dict[int, list[tuple[datetime, datetime, str]]]:
    found: dict[int, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    for person, a, b, reason in TimeOff.objects.filter(
        practitioner_id__in=list(practitioner_ids), starts_at__lt=end, ends_at__gt=start
    ).values_list("practitioner_id", "starts_at", "ends_at", "reason"):
        found[person].append((a, b, reason))
    return found


def _touches(a: datetime, b: datetime, day: date, location: Location) -> bool:
    zone = location.zone
    return a < wall_clock_instant(
        day + timedelta(days=1), time(0), zone
    ) and b > wall_clock_instant(day, time(0), zone)


def _local_span(a: datetime, b: datetime, reason: str, day: date, location: Location) -> Span:
    """Time off clipped to the day, in wall-clock time."""
    zone = location.zone
    first = max(a, wall_clock_instant(day, time(0), zone)).astimezone(zone)
    last = min(b, wall_clock_instant(day + timedelta(days=1), time(0), zone)).astimezone(zone)
    ends = time(23, 59) if last.date() > day else last.time()
    return Span(first.time(), ends, "Away" + (f": {reason}" if reason else ""))


def _local_end(appointment: Appointment, day: date, location: Location) -> time:
    local = appointment.end.astimezone(location.zone)
    return time(23, 59) if local.date() > day else local.time()


def _room_columns(location: Location, appointments: list[Appointment]) -> list[Column]:
    rooms = list(
        Resource.objects.filter(location=location, active=True)
        .select_related("kind")
        .order_by("kind__name", "name")
    )
    columns = []
    for room in rooms:
        column = Column(key=f"room-{room.pk}", title=room.name, subtitle=room.kind.name)
        column.appointments = [
            a
            for a in appointments
            if any(h.resource_id == room.pk and h.active for h in a.resource_holds.all())
        ]
        columns.append(column)
    return columns
