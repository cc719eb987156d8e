"""The rules every shift must keep, shared by the team's writes and the locations' (opening
hours, travel times): inside the location's opening hours, never two places at once,
and time to travel between locations (rehabdesk.availability.shift_conflicts)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q

from rehabdesk.availability import (
    ConflictKind,
    Shift,
    ShiftConflict,
    shift_conflicts,
    wall_clock_interval,
)
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import (
    TravelTime,
    WorkingHours,
)
from rehabdesk.clinic.services.common import WeeklySpan
from rehabdesk.core.clock import clock_span


def fits_opening_hours(weekday: int, starts: time, ends: time, hours: Iterable[WeeklySpan]) -> bool:
    return any(
        span.weekday == weekday and span.opens <= starts and ends <= span.closes for span in hours
    )


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def current_shifts(today: date) -> models.QuerySet[WorkingHours]:
    return WorkingHours.objects.filter(
        Q(effective_until__isnull=True) | Q(effective_until__gte=today)
    ).select_related("location", "practitioner")


def _first_common_day(first: WorkingHours, second: WorkingHours) -> date | None:
    """The first date both shifts apply on (same weekday, overlapping date ranges)."""
    if first.weekday != second.weekday:
        return None
    start = max(first.effective_from, second.effective_from)
    day = start + timedelta(days=(first.weekday - start.weekday()) % 7)
    ends = [d for d in (first.effective_until, second.effective_until) if d is not None]
    if ends and day > min(ends):
        return None
    return day


def check_shift_against(
    shift: WorkingHours,
    others: Iterable[WorkingHours],
    travel_overrides: dict[frozenset[int], int | None] | None = None,
) -> None:
    """Raise if the practitioner could not work `shift` and one of `others` on a day
    both apply. The pair is compared as real instants on their first common day, each
    in its location's time zone, so locations in different zones compare correctly."""
    travel: dict[frozenset[int], int | None] = {
        frozenset([t.location_a_id, t.location_b_id]): t.minutes for t in _all_travel()
    }
    travel.update(travel_overrides or {})

    def travel_time(a: object, b: object) -> timedelta | None:
        minutes = travel.get(frozenset([a, b]))  # type: ignore[list-item]
        return None if minutes is None else timedelta(minutes=minutes)

    for other in others:
        day = _first_common_day(shift, other)
        if day is None:
            continue
        mine = Shift(
            shift.location_id,
            wall_clock_interval(day, shift.starts, shift.ends, shift.location.zone),
        )
        theirs = Shift(
            other.location_id,
            wall_clock_interval(day, other.starts, other.ends, other.location.zone),
        )
        for conflict in shift_conflicts([mine, theirs], travel_time):
            raise _shift_conflict_error(conflict, shift, other, day)


def _all_travel() -> list[TravelTime]:
    return list(TravelTime.objects.all())


def _shift_conflict_error(
    conflict: ShiftConflict, shift: WorkingHours, other: WorkingHours, day: date
) -> ClinicError:
    who = shift.practitioner.display_name if shift.practitioner_id else "This practitioner"
    other_text = (
        f"{clock_span(other.starts, other.ends)} at {other.location} "
        f"(from {other.effective_from:%Y-%m-%d})"
    )
    weekday = Weekday(shift.weekday).label
    if conflict.kind == ConflictKind.OVERLAP:
        return ClinicError(
            ClinicErrorCode.HOURS_OVERLAP,
            f"{who} already works {weekday}s {other_text}; these hours overlap it.",
            field="starts",
        )
    locations = f"{shift.location} and {other.location}"
    if conflict.kind == ConflictKind.NO_TRAVEL_TIME:
        return ClinicError(
            ClinicErrorCode.TRAVEL_TIME_MISSING,
            f"{who} also works {weekday}s {other_text}. Set the travel time between "
            f"{locations} before giving anyone shifts at both on one day.",
            field="location",
        )
    minutes = int(conflict.travel_needed.total_seconds() // 60) if conflict.travel_needed else 0
    return ClinicError(
        ClinicErrorCode.TRAVEL_TIME_TOO_SHORT,
        f"{who} also works {weekday}s {other_text}; travelling between {locations} "
        f"takes {minutes} minutes, so leave at least that between the shifts "
        f"(first clash on {day:%Y-%m-%d}).",
        field="starts",
    )
