"""Recurring series: a course of visits on a weekly pattern, booked whole or not at all.

Each occurrence is an ordinary appointment made by the booking service, so the engine
and the database guards judge every one. A series is booked in one transaction: if any
date is not free, nothing is booked and the answer lists exactly which dates conflict,
each with the nearest free time to offer instead. Changes apply to "this one" or "this
and following"; occurrences are moved in place, never re-created, so none is duplicated
or lost.

A date's time is the instant a wall clock at the location shows it that day
(`availability.wall_clock_instant`, the rule shifts follow too): the night the clocks go
forward, a time in the skipped hour is the same time an hour later (02:30 is 03:30);
the night they go back, a time in the repeated hour is its first occurrence. Dates are
kept and compared as instants in UTC, never as local times: Python compares two
datetimes of one zone by their wall clocks, and a time in the repeated hour never
equals its instant written in another zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from rehabdesk.availability import find_slots, wall_clock_instant
from rehabdesk.availability.types import Slot
from rehabdesk.clinic.models import Location, Practitioner, Service
from rehabdesk.core.clock import date_and_clock
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.adapters import build_query
from rehabdesk.scheduling.choices import ACTIVE_STATUSES, CancelledBy, Channel, SeriesScope
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.models import Appointment, AppointmentSeries
from rehabdesk.scheduling.services.booking import BookingRequest, appointment_book
from rehabdesk.scheduling.services.lifecycle import appointment_cancel, appointment_reschedule
from rehabdesk.scheduling.services.records import Actor, user_of

MAX_WEEKS = 52
# How far either side of a conflicting date to look for the nearest free time.
NEAREST_WITHIN = timedelta(days=3)


@dataclass(frozen=True)
class SeriesPlan:
    patient: Patient
    practitioner: Practitioner
    service: Service
    location: Location
    channel: Channel
    # (weekday, local time): weekday 0 is Monday.
    pattern: Sequence[tuple[int, time]]
    first_day: date
    weeks: int
    # Dates the desk resolved after a conflict: the pattern's start -> the time to book
    # instead (say, the nearest free time), or None to leave that date out. Kept as
    # instants in UTC, whatever zone or offset the desk's form wrote them in.
    replacements: Mapping[datetime, datetime | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "replacements",
            {
                _instant(old): None if new is None else _instant(new)
                for old, new in self.replacements.items()
            },
        )

    def starts(self) -> list[datetime]:
        """Every occurrence from `first_day` on, as instants in UTC (each the pattern's
        wall time at the location that day), with the replacements applied."""
        zone = self.location.zone
        monday = self.first_day - timedelta(days=self.first_day.weekday())
        found = []
        for week in range(self.weeks):
            for weekday, moment in self.pattern:
                day = monday + timedelta(weeks=week, days=weekday)
                if day >= self.first_day:
                    start = _wall_instant(day, moment, zone)
                    if start in self.replacements:
                        replacement = self.replacements[start]
                        if replacement is None:
                            continue
                        start = replacement
                    found.append(start)
        return sorted(found)


@dataclass(frozen=True)
class Conflict:
    """A date of the series that is not free, why, and the nearest free time."""

    start: datetime
    message: str
    alternative: Slot | None


class SeriesConflict(SchedulingError):
    """Some dates of a series are not free: `conflicts` says which (as instants in UTC,
    named in the message on the location's clock); nothing was changed."""

    def __init__(self, conflicts: list[Conflict], zone: ZoneInfo) -> None:
        dates = "; ".join(date_and_clock(c.start.astimezone(zone), "D M j, Y") for c in conflicts)
        super().__init__(
            SchedulingErrorCode.SERIES_CONFLICT,
            f"{len(conflicts)} of the dates are not free ({dates}); nothing was changed.",
        )
        self.conflicts = conflicts


def series_book(*, plan: SeriesPlan, actor: Actor, now: datetime) -> AppointmentSeries:
    """Book every occurrence, or none (SeriesConflict lists the dates that conflict)."""
    problem = _problem(plan)
    if problem:
        raise SchedulingError(SchedulingErrorCode.INVALID, problem)
    starts = plan.starts()
    with transaction.atomic():
        series = AppointmentSeries.objects.create(
            patient=plan.patient,
            practitioner=plan.practitioner,
            service=plan.service,
            location=plan.location,
            pattern=[{"weekday": d, "time": t.strftime("%H:%M")} for d, t in plan.pattern],
            first_day=plan.first_day,
            weeks=plan.weeks,
            created_at=now,
            created_by=user_of(actor),
        )
        conflicts = []
        for index, start in enumerate(starts):
            request = BookingRequest(
                patient=plan.patient,
                practitioner=plan.practitioner,
                service=plan.service,
                location=plan.location,
                start=start,
                channel=plan.channel,
            )
            try:
                with transaction.atomic():
                    # Inside the series' transaction: no look before the lock.
                    appointment = appointment_book(
                        request=request, actor=actor, now=now, tell=index == 0, look_first=False
                    )
            except SchedulingError as refused:
                conflicts.append(Conflict(start, refused.message, _nearest(request, now)))
                continue
            Appointment.objects.filter(pk=appointment.pk).update(series=series)
        if conflicts:
            raise SeriesConflict(conflicts, plan.location.zone)
    return series


def series_reschedule(
    *,
    appointment: Appointment,
    start: datetime,
    scope: SeriesScope,
    actor: Actor,
    now: datetime,
    channel: Channel,
) -> list[Appointment]:
    """Move one occurrence, or it and every later one by the same step on the local
    calendar (Tuesday 9:00 → Wednesday 10:00 moves each later Tuesday to its Wednesday
    at 10:00, whatever the clock change in between). The one chosen goes to exactly
    `start` (the second 01:30 of the night clocks go back, if that was asked); each
    later one to the instant its own day shows that wall time. All or nothing."""
    if scope == SeriesScope.THIS or appointment.series_id is None:
        return [
            appointment_reschedule(
                appointment=appointment, start=start, actor=actor, now=now, channel=channel
            )
        ]
    zone = appointment.location.zone
    start = _instant(start)
    old_local, new_local = appointment.start.astimezone(zone), start.astimezone(zone)
    day_step = new_local.date() - old_local.date()
    following = _following(appointment)
    # Move the last first when moving later (and the first first when moving earlier),
    # so no occurrence lands on one not yet moved.
    if start > appointment.start:
        following.reverse()
    moved, conflicts = [], []
    with transaction.atomic():
        for occurrence in following:
            target = (
                start
                if occurrence.pk == appointment.pk
                else _wall_instant(
                    occurrence.start.astimezone(zone).date() + day_step, new_local.time(), zone
                )
            )
            try:
                with transaction.atomic():
                    moved.append(
                        appointment_reschedule(
                            appointment=occurrence,
                            start=target,
                            actor=actor,
                            now=now,
                            channel=channel,
                        )
                    )
            except SchedulingError as refused:
                request = BookingRequest(
                    patient=occurrence.patient,
                    practitioner=occurrence.practitioner,
                    service=occurrence.service,
                    location=occurrence.location,
                    start=target,
                    channel=channel,
                )
                conflicts.append(Conflict(target, refused.message, _nearest(request, now)))
        if conflicts:
            raise SeriesConflict(sorted(conflicts, key=lambda c: c.start), zone)
    return sorted(moved, key=lambda a: a.start)


def series_cancel(
    *,
    appointment: Appointment,
    scope: SeriesScope,
    by: CancelledBy,
    actor: Actor,
    now: datetime,
    reason: str = "",
) -> list[Appointment]:
    """Cancel one occurrence, or it and every later one still booked."""
    chosen = (
        [appointment]
        if scope == SeriesScope.THIS or appointment.series_id is None
        else _following(appointment)
    )
    with transaction.atomic():
        return [
            appointment_cancel(appointment=occurrence, actor=actor, now=now, by=by, reason=reason)
            for occurrence in chosen
        ]


def _following(appointment: Appointment) -> list[Appointment]:
    return list(
        Appointment.objects.filter(
            series_id=appointment.series_id,
            start__gte=appointment.start,
            status__in=ACTIVE_STATUSES,
        ).order_by("start")
    )


def _wall_instant(day: date, wall_time: time, zone: ZoneInfo) -> datetime:
    """The instant, in UTC, a wall clock in `zone` shows `wall_time` on `day`."""
    return wall_clock_instant(day, wall_time, zone).astimezone(UTC)


def _instant(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise SchedulingError(
            SchedulingErrorCode.INVALID, "A series' times must include their time zone."
        )
    return moment.astimezone(UTC)


def _nearest(request: BookingRequest, now: datetime) -> Slot | None:
    """The free time closest to the wanted one within a few days: with the same
    practitioner if they have one, else with anyone at the location."""
    for practitioner_ids in ([request.practitioner.pk], None):
        query = build_query(
            service_id=request.service.pk,
            location_ids=[request.location.pk],
            practitioner_ids=practitioner_ids,
            start=max(request.start - NEAREST_WITHIN, now),
            end=request.start + NEAREST_WITHIN,
            now=now,
            channel=request.channel,
            lean=True,
        )
        slots = find_slots(query).slots
        if slots:
            return min(slots, key=lambda s: (abs(s.start - request.start), s.start))
    return None


def _problem(plan: SeriesPlan) -> str | None:
    if not plan.pattern:
        return "Choose at least one weekday and time."
    if any(not 0 <= weekday <= 6 for weekday, _ in plan.pattern):
        return "Weekdays are 0 (Monday) to 6 (Sunday)."
    if not 1 <= plan.weeks <= MAX_WEEKS:
        return f"A series runs for 1 to {MAX_WEEKS} weeks."
    if not plan.starts():
        return "The pattern gives no dates from the first day on."
    return None
