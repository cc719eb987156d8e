"""The visit reports a manager reads beside the money: how full the practitioners' hours
were, how often bookings were cancelled, cancelled late or missed, and the new patients
with where they heard of us. Counts and minutes from GROUP BY queries; the working
minutes from the clinic's hours (the configuration the free-time search keeps,
clinic/calendar_configuration.py), a few hundred shifts at most, never the visits.
docs/algorithms/billing.md, "Reports".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, F, FloatField, Func, OuterRef, Q, Sum
from django.db.models.fields.json import KeyTextTransform

from rehabdesk.availability.intervals import wall_clock_instant
from rehabdesk.availability.types import DateRange, WeeklyShift
from rehabdesk.billing.selectors.reports import Period, Scope, local_midnight, within
from rehabdesk.clinic.calendar_configuration import calendar_configuration
from rehabdesk.clinic.models import Location, Practitioner
from rehabdesk.intake.form import load_form
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

# A booking that took (or takes) the practitioner's time; a no-show freed it.
BOOKED = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.FULFILLED)
ATTENDED = (AppointmentStatus.ARRIVED, AppointmentStatus.FULFILLED)
NOT_TOLD = "Not told"


def percent(part: int | float, whole: int | float) -> Decimal | None:
    """`part` of `whole` as a percentage to one place; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


# -- utilization ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UseRow:
    key: int
    label: str
    booked: int  # minutes with patients
    working: int  # minutes of working hours, breaks, closures and time off left out

    @property
    def rate(self) -> Decimal | None:
        return percent(self.booked, self.working)


@dataclass(frozen=True)
class Utilization:
    by_practitioner: list[UseRow]
    by_location: list[UseRow]

    @property
    def booked(self) -> int:
        return sum(row.booked for row in self.by_location)

    @property
    def working(self) -> int:
        return sum(row.working for row in self.by_location)

    @property
    def rate(self) -> Decimal | None:
        return percent(self.booked, self.working)


def utilization(*, period: Period, scope: Scope) -> Utilization:
    """Booked minutes ÷ working minutes in `period`, by practitioner and by location
    (one GROUP BY query for the bookings, the hours from the kept configuration)."""
    booked_rows = (
        Appointment.objects.filter(
            within(scope, period, instant="start", location="location"), status__in=BOOKED
        )
        .values("practitioner_id", "location_id")
        .annotate(length=Sum(MinutesBetween("start", "end")))
        .order_by()
    )
    booked: dict[tuple[int, int], int] = {
        (row["practitioner_id"], row["location_id"]): _minutes(row["length"]) for row in booked_rows
    }
    working = working_minutes(period=period, scope=scope)
    people = _names(Practitioner, {person for person, _ in booked | working}, "display_name")
    places = _names(Location, set(scope.location_ids), "name")
    return Utilization(
        by_practitioner=_use_rows(booked, working, people, lambda key: key[0]),
        by_location=_use_rows(booked, working, places, lambda key: key[1]),
    )


class MinutesBetween(Func):
    """Minutes from one instant to another, worked out by the database itself. Django's
    own `end - start` on SQLite calls back into Python for every row (1.5 s for a year
    of the ten-location bench against 0.2 s); SQLite's julianday() does not. Django
    picks `as_sqlite` by the backend, so this module never asks which database it is.
    """

    output_field = FloatField()

    def __init__(self, start: str, end: str) -> None:
        super().__init__(F(start), F(end))

    def as_sql(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        return self._sql(compiler, "EXTRACT(EPOCH FROM ({end} - {start})) / 60")

    def as_sqlite(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        return self._sql(compiler, "(julianday({end}) - julianday({start})) * 1440.0")

    def _sql(self, compiler, template: str):  # type: ignore[no-untyped-def]
        start, end = self.get_source_expressions()
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        # Both templates name the end first, then the start.
        return template.format(start=start_sql, end=end_sql), [*end_params, *start_params]


def _minutes(length: object) -> int:
    """Summed minutes, to the nearest whole minute."""
    return int(round(float(str(length or 0))))


def _names(model: type[Practitioner] | type[Location], ids: set[int], field: str) -> dict[int, str]:
    return dict(model.objects.filter(pk__in=ids).values_list("pk", field))


def _use_rows(booked, working, names, part) -> list[UseRow]:  # type: ignore[no-untyped-def]
    minutes: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for key, value in booked.items():
        minutes[part(key)][0] += value
    for key, value in working.items():
        minutes[part(key)][1] += value
    rows = [
        UseRow(key=key, label=names.get(key, "?"), booked=pair[0], working=pair[1])
        for key, pair in minutes.items()
        if key in names
    ]
    rows.sort(key=lambda row: row.label)
    return rows


def working_minutes(*, period: Period, scope: Scope) -> dict[tuple[int, int], int]:
    """(practitioner id, location id) -> minutes of working hours in `period`: each shift
    in effect on each of its weekdays, less its breaks, the location's closures and the
    practitioner's time off. Days on the wall clock of the location.

    A year of a hundred practitioners is some 25,000 shift-days: an ordinary day adds
    the shift's minutes worked out once; only the days the clocks change or the
    practitioner is away are worked out in real instants."""
    configuration = calendar_configuration()
    wanted = set(scope.location_ids)
    zones = {pk: facts.zone for pk, facts in configuration.locations.items()}
    closed = {pk: _days_covered(configuration.closures.get(pk, []), period) for pk in wanted}
    changes = {zone.key: _clock_changes(zone, period) for zone in zones.values()}
    away_days: dict[tuple[int, str], set[date]] = {}
    minutes: dict[tuple[int, int], int] = defaultdict(int)
    for person, shift in configuration.shifts:
        if shift.location_id not in wanted:
            continue
        zone = zones[shift.location_id]
        away = configuration.time_off.get(person, [])
        if (person, zone.key) not in away_days:
            away_days[person, zone.key] = _days_touched(away, zone)
        exact = changes[zone.key] | away_days[person, zone.key]
        usual = _wall_minutes(shift)
        for day in _shift_days(shift, period, closed[shift.location_id]):
            minutes[person, shift.location_id] += (
                _day_minutes(shift, day, zone, away) if day in exact else usual
            )
    return dict(minutes)


def _days_covered(ranges: Sequence[DateRange], period: Period) -> set[date]:
    days: set[date] = set()
    for closed in ranges:
        day = max(closed.first, period.first)
        last = min(closed.last or period.last, period.last)
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


def _clock_changes(zone: ZoneInfo, period: Period) -> set[date]:
    """The local days of `period` on which the zone's offset changes."""
    days, day = set(), period.first
    offset = local_midnight(day, zone).utcoffset()
    while day <= period.last:
        following = local_midnight(day + timedelta(days=1), zone).utcoffset()
        if following != offset:
            days.add(day)
        day, offset = day + timedelta(days=1), following
    return days


def _days_touched(away: Sequence[tuple[datetime, datetime]], zone: ZoneInfo) -> set[date]:
    days: set[date] = set()
    for start, end in away:
        day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


def _wall_minutes(shift: WeeklyShift) -> int:
    """A shift's minutes on the wall clock, less its breaks (inside the shift)."""

    def minute(moment: time) -> int:
        return moment.hour * 60 + moment.minute

    worked = minute(shift.ends) - minute(shift.starts)
    for b_start, b_end in shift.breaks:
        lo, hi = max(minute(b_start), minute(shift.starts)), min(minute(b_end), minute(shift.ends))
        worked -= max(0, hi - lo)
    return worked


def _shift_days(shift: WeeklyShift, period: Period, closed: set[date]) -> list[date]:
    first = max(period.first, shift.effective.first)
    last = min(period.last, shift.effective.last or period.last)
    if first > last:
        return []
    first += timedelta(days=(shift.weekday - first.weekday()) % 7)
    days = []
    while first <= last:
        if first not in closed:
            days.append(first)
        first += timedelta(days=7)
    return days


def _day_minutes(
    shift: WeeklyShift, day: date, zone: ZoneInfo, away: Sequence[tuple[datetime, datetime]]
) -> int:
    """A shift's working minutes on `day`: real minutes, so the night the clocks change
    counts what it lasted; less its breaks and any time off overlapping it. In UTC:
    Python subtracts two times of one zone on their wall clock."""

    def instant(moment: time) -> datetime:
        return wall_clock_instant(day, moment, zone).astimezone(UTC)

    start, end = instant(shift.starts), instant(shift.ends)
    pieces = [(start, end)]
    removed = [(instant(b_start), instant(b_end)) for b_start, b_end in shift.breaks]
    removed += [(a.astimezone(UTC), b.astimezone(UTC)) for a, b in away if a < end and start < b]
    for cut_start, cut_end in removed:
        pieces = [
            piece
            for p_start, p_end in pieces
            for piece in ((p_start, min(p_end, cut_start)), (max(p_start, cut_end), p_end))
            if piece[0] < piece[1]
        ]
    return int(sum((b - a).total_seconds() for a, b in pieces) // 60)


# -- cancellations and no-shows ------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceRow:
    key: int
    label: str
    bookings: int
    cancelled: int
    late: int  # late cancellations, among the cancelled
    no_shows: int

    @property
    def counts(self) -> tuple[int, int, int, int]:
        return (self.bookings, self.cancelled, self.late, self.no_shows)

    @property
    def cancelled_rate(self) -> Decimal | None:
        return percent(self.cancelled, self.bookings)

    @property
    def late_rate(self) -> Decimal | None:
        return percent(self.late, self.bookings)

    @property
    def no_show_rate(self) -> Decimal | None:
        return percent(self.no_shows, self.bookings)


@dataclass(frozen=True)
class Attendance:
    by_location: list[AttendanceRow]
    by_practitioner: list[AttendanceRow]
    total: AttendanceRow


def attendance(*, period: Period, scope: Scope) -> Attendance:
    """Bookings for visits in `period` and how many were cancelled, cancelled late or
    missed (one GROUP BY query, per practitioner and location, added up both ways). A
    hold that expired was never a booking."""
    rows = (
        Appointment.objects.filter(within(scope, period, instant="start", location="location"))
        .filter(
            Q(status__in=(*BOOKED, AppointmentStatus.NOSHOW))
            | (Q(status=AppointmentStatus.CANCELLED) & ~Q(cancelled_by=""))
        )
        .values("practitioner_id", "location_id")
        .annotate(
            bookings=Count("pk"),
            cancelled=Count("pk", filter=Q(status=AppointmentStatus.CANCELLED)),
            late=Count("pk", filter=Q(status=AppointmentStatus.CANCELLED, late_cancellation=True)),
            no_shows=Count("pk", filter=Q(status=AppointmentStatus.NOSHOW)),
        )
        .order_by()
    )
    counted: list[tuple[int, int, tuple[int, int, int, int]]] = [
        (
            row["practitioner_id"],
            row["location_id"],
            (row["bookings"], row["cancelled"], row["late"], row["no_shows"]),
        )
        for row in rows
    ]
    people = _names(Practitioner, {person for person, _, _ in counted}, "display_name")
    places = _names(Location, {place for _, place, _ in counted}, "name")
    by_location = _attendance_rows(((place, n) for _, place, n in counted), places)
    return Attendance(
        by_location=by_location,
        by_practitioner=_attendance_rows(((person, n) for person, _, n in counted), people),
        total=_attendance_row(0, "All", [row.counts for row in by_location]),
    )


def _attendance_rows(
    counts: Iterable[tuple[int, tuple[int, int, int, int]]], names: Mapping[int, str]
) -> list[AttendanceRow]:
    grouped: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    for key, numbers in counts:
        grouped[key].append(numbers)
    rows = [_attendance_row(key, names.get(key, "?"), found) for key, found in grouped.items()]
    rows.sort(key=lambda row: row.label)
    return rows


def _attendance_row(
    key: int, label: str, counts: Sequence[tuple[int, int, int, int]]
) -> AttendanceRow:
    totals = [sum(column) for column in zip(*counts, strict=True)] or [0, 0, 0, 0]
    return AttendanceRow(key, label, *totals)


# -- new patients --------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    key: str
    label: str
    patients: int


@dataclass(frozen=True)
class NewPatients:
    rows: list[SourceRow]

    @property
    def patients(self) -> int:
        return sum(row.patients for row in self.rows)

    def share(self, row: SourceRow) -> Decimal | None:
        return percent(row.patients, self.patients)


def new_patients(*, period: Period, scope: Scope) -> NewPatients:
    """Patients whose first visit (checked in) was in `period` at one of the locations,
    counted by their intake's answer to "How did you hear of us?" (one query; only that
    answer is read of the intake, never a health answer)."""
    zone = scope.zone
    visits = Appointment.objects.filter(patient=OuterRef("pk"), status__in=ATTENDED)
    in_period = visits.filter(within(scope, period, instant="start", location="location"))
    before = visits.filter(start__lt=local_midnight(period.first, zone))
    rows = (
        Patient.objects.filter(Exists(in_period), ~Exists(before))
        .annotate(source=KeyTextTransform("heard_from", "intakes__answers"))
        .values("source")
        .annotate(patients=Count("pk", distinct=True))
        .order_by()
    )
    labels = dict(_heard_from_choices())
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row["source"] or ""] += row["patients"]
    found = [
        SourceRow(key=key or "not_told", label=labels.get(key, key) or NOT_TOLD, patients=n)
        for key, n in counts.items()
    ]
    found.sort(key=lambda row: (-row.patients, row.label))
    return NewPatients(rows=found)


def _heard_from_choices() -> tuple[tuple[str, str], ...]:
    question = load_form().question("heard_from")
    return question.choices if question is not None else ()
