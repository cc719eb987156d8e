"""Locations: their details, opening hours, closures and the travel time between them.
Changing opening hours or travel times is checked against the shifts already set, so no
practitioner is left working outside the hours or unable to get from one location to
the next."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from rehabdesk.clinic import signals
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import (
    Closure,
    Location,
    OpeningHours,
    TravelTime,
)
from rehabdesk.clinic.services.common import WeeklySpan, clean_or_refuse, invalid
from rehabdesk.clinic.services.shift_rules import (
    check_shift_against,
    current_shifts,
    fits_opening_hours,
)


def closure_save(*, closure: Closure) -> Closure:
    """Save a closure; the days it closes (and any it no longer closes) are announced."""
    clean_or_refuse(closure)
    with transaction.atomic():
        stored = Closure.objects.filter(pk=closure.pk).first() if closure.pk else None
        closure.save()
        _announce_closure(closure, stored)
    return closure


def closure_delete(*, closure: Closure) -> None:
    with transaction.atomic():
        closure.delete()
        _announce_closure(closure, None)


def _announce_closure(closure: Closure, stored: Closure | None) -> None:
    first, last = closure.first_day, closure.last_day
    if stored is not None:
        first, last = min(first, stored.first_day), max(last, stored.last_day)
    zone = closure.location.zone
    start, end = signals.days_span(first, last, zone)
    signals.announce(
        practitioner_ids=None, location_ids={closure.location_id}, start=start, end=end
    )


def location_save(*, location: Location) -> Location:
    clean_or_refuse(location)
    with transaction.atomic():
        location.save()
    return location


def opening_hours_validate(*, location: Location, hours: Sequence[WeeklySpan], today: date) -> None:
    """The spans must not overlap on any weekday, and no current or future shift at
    this location may fall outside them."""
    for span in hours:
        if span.closes <= span.opens:
            raise ClinicError(
                ClinicErrorCode.INVALID, f"{span}: closing time must be after opening time."
            )
    for weekday in Weekday:
        day_spans = sorted((s for s in hours if s.weekday == weekday), key=lambda s: s.opens)
        for first, second in zip(day_spans, day_spans[1:], strict=False):
            if second.opens < first.closes:
                raise ClinicError(
                    ClinicErrorCode.OPENING_HOURS_OVERLAP,
                    f"Opening hours overlap on {weekday.label}s: {first} and {second}.",
                )
    if location.pk is None:
        return
    stranded = [
        shift
        for shift in current_shifts(today).filter(location=location).select_related("practitioner")
        if not fits_opening_hours(shift.weekday, shift.starts, shift.ends, hours)
    ]
    if stranded:
        names = "; ".join(str(shift) for shift in stranded[:3])
        more = f" and {len(stranded) - 3} more" if len(stranded) > 3 else ""
        raise ClinicError(
            ClinicErrorCode.SHIFTS_OUTSIDE_OPENING_HOURS,
            f"These working hours would fall outside the new opening hours: {names}{more}. "
            "Change or end them first.",
        )


def location_set_opening_hours(
    *, location: Location, hours: Sequence[WeeklySpan], today: date
) -> None:
    """Replace the location's weekly opening hours."""
    with transaction.atomic():
        opening_hours_validate(location=location, hours=hours, today=today)
        location.opening_hours.all().delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(location=location, weekday=s.weekday, opens=s.opens, closes=s.closes)
            for s in hours
        )


def travel_time_minutes(location_a: Location, location_b: Location) -> int | None:
    """Minutes between two locations, or None when nobody has said."""
    if location_a.pk == location_b.pk:
        return 0
    low, high = sorted([location_a.pk, location_b.pk])
    return (
        TravelTime.objects.filter(location_a_id=low, location_b_id=high)
        .values_list("minutes", flat=True)
        .first()
    )


def travel_time_validate(
    *, location_a: Location, location_b: Location, minutes: int | None, today: date
) -> None:
    """Refuse a travel time that is negative, between a location and itself, or that
    would leave some practitioner's current or future hours without enough time (or,
    with None, without any known time) between the two locations."""
    if location_a.pk == location_b.pk:
        raise ClinicError(
            ClinicErrorCode.SAME_LOCATION,
            "Travel time is between two different locations.",
            field="location_b",
        )
    if minutes is not None and minutes < 0:
        raise invalid("Travel time cannot be negative.", "minutes")
    overrides = {frozenset([location_a.pk, location_b.pk]): minutes}
    affected = (
        current_shifts(today)
        .filter(location__in=[location_a, location_b])
        .values_list("practitioner_id", flat=True)
        .distinct()
    )
    for practitioner_id in affected:
        shifts = list(current_shifts(today).filter(practitioner_id=practitioner_id))
        for index, shift in enumerate(shifts):
            check_shift_against(shift, shifts[index + 1 :], travel_overrides=overrides)


def travel_time_set(
    *, location_a: Location, location_b: Location, minutes: int | None, today: date
) -> TravelTime | None:
    """Set (or, with None, forget) the travel time between two locations."""
    low, high = sorted([location_a, location_b], key=lambda location: location.pk)
    with transaction.atomic():
        travel_time_validate(location_a=low, location_b=high, minutes=minutes, today=today)
        if minutes is None:
            TravelTime.objects.filter(location_a=low, location_b=high).delete()
            return None
        row, _ = TravelTime.objects.update_or_create(
            location_a=low, location_b=high, defaults={"minutes": minutes}
        )
        return row
