"""The team: practitioners, their registrations with their colleges, their working hours
and breaks at each location, and their time off."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.db import transaction
from django.db.models import Q

from rehabdesk.accounts.models import User
from rehabdesk.clinic import signals
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import (
    Authorization,
    Break,
    Discipline,
    HomeLocation,
    Location,
    Practitioner,
    Registration,
    TimeOff,
    WorkingHours,
)
from rehabdesk.clinic.services.common import TimeSpan, WeeklySpan, clean_or_refuse
from rehabdesk.clinic.services.shift_rules import (
    check_shift_against,
    clinic_zone,
    fits_opening_hours,
)
from rehabdesk.core.clock import clock_span


def practitioner_save(
    *, practitioner: Practitioner, disciplines: Iterable[Discipline] | None = None
) -> Practitioner:
    clean_or_refuse(practitioner, exclude=["disciplines"])
    with transaction.atomic():
        practitioner.save()
        if disciplines is not None:
            practitioner.disciplines.set(disciplines)
    return practitioner


def registration_validate(
    *, registration: Registration, authorizations: Iterable[Authorization]
) -> None:
    """The class and rosters must be the college's own, and one practitioner's
    registrations with one college must not overlap in time."""
    clean_or_refuse(registration)
    regulator_id = registration.regulator_id
    if registration.registration_class.regulator_id != regulator_id:
        raise ClinicError(
            ClinicErrorCode.WRONG_REGULATOR,
            f"“{registration.registration_class.name}” is a class of "
            f"{registration.registration_class.regulator.abbreviation}, not of "
            f"{registration.regulator.abbreviation}.",
            field="registration_class",
        )
    for authorization in authorizations:
        if authorization.regulator_id != regulator_id:
            raise ClinicError(
                ClinicErrorCode.WRONG_REGULATOR,
                f"The roster “{authorization.name}” belongs to "
                f"{authorization.regulator.abbreviation}, not "
                f"{registration.regulator.abbreviation}.",
                field="authorizations",
            )
    overlapping = (
        Registration.objects.filter(
            practitioner_id=registration.practitioner_id, regulator_id=regulator_id
        )
        .exclude(pk=registration.pk)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=registration.valid_from))
    )
    if registration.valid_until is not None:
        overlapping = overlapping.filter(valid_from__lte=registration.valid_until)
    other = overlapping.first()
    if other is not None:
        until = f"{other.valid_until:%Y-%m-%d}" if other.valid_until else "no end date"
        raise ClinicError(
            ClinicErrorCode.REGISTRATION_OVERLAP,
            f"This overlaps registration #{other.registration_number} "
            f"({other.valid_from:%Y-%m-%d} to {until}). End that one first.",
            field="valid_from",
        )


def registration_save(
    *, registration: Registration, authorizations: Iterable[Authorization] | None = None
) -> Registration:
    """Save a registration and the rosters it holds (None keeps the stored rosters)."""
    with transaction.atomic():
        if authorizations is None:
            authorizations = list(registration.authorizations.all()) if registration.pk else []
        authorizations = list(authorizations)
        registration_validate(registration=registration, authorizations=authorizations)
        stored = (
            Registration.objects.filter(pk=registration.pk).first() if registration.pk else None
        )
        registration.save()
        registration.authorizations.set(authorizations)
        first = registration.valid_from
        if stored is not None:
            first = min(first, stored.valid_from)
        signals.announce(
            practitioner_ids={registration.practitioner_id},
            location_ids=None,
            start=signals.days_span(first, None, clinic_zone())[0],
            end=None,
        )
    return registration


def registration_verify(*, registration: Registration, by: User, on: date) -> Registration:
    """Record that someone checked the registration on the college's public register."""
    registration.verified_on = on
    registration.verified_by = by
    registration.save(update_fields=["verified_on", "verified_by", "updated_at"])
    return registration


def working_hours_validate(*, working_hours: WorkingHours, breaks: Sequence[TimeSpan]) -> None:
    """A shift must lie inside the location's opening hours, its breaks inside it, and
    it must leave the practitioner able to work every other shift they have on that
    weekday while both apply: no overlap, and the travel time between locations."""
    clean_or_refuse(working_hours)
    shift = working_hours
    location = shift.location
    if not location.active:
        raise ClinicError(
            ClinicErrorCode.LOCATION_INACTIVE, f"{location} is not active.", field="location"
        )
    opening = [
        WeeklySpan(o.weekday, o.opens, o.closes)
        for o in location.opening_hours.filter(weekday=shift.weekday)
    ]
    if not fits_opening_hours(shift.weekday, shift.starts, shift.ends, opening):
        weekday = Weekday(shift.weekday).label
        open_text = ", ".join(clock_span(s.opens, s.closes) for s in opening)
        raise ClinicError(
            ClinicErrorCode.OUTSIDE_OPENING_HOURS,
            f"{location} is open {open_text} on {weekday}s; the shift must fit inside."
            if opening
            else f"{location} is closed on {weekday}s.",
            field="starts",
        )
    ordered = sorted(breaks, key=lambda b: b.starts)
    for pause in ordered:
        if pause.ends <= pause.starts:
            raise ClinicError(
                ClinicErrorCode.INVALID, f"Break {pause}: a break must end after it starts."
            )
        if pause.starts < shift.starts or pause.ends > shift.ends:
            raise ClinicError(
                ClinicErrorCode.BREAK_OUTSIDE_SHIFT,
                f"Break {pause} is outside the shift {clock_span(shift.starts, shift.ends)}.",
            )
    for first, second in zip(ordered, ordered[1:], strict=False):
        if second.starts < first.ends:
            raise ClinicError(
                ClinicErrorCode.BREAKS_OVERLAP, f"Breaks {first} and {second} overlap."
            )
    others = (
        WorkingHours.objects.filter(practitioner_id=shift.practitioner_id, weekday=shift.weekday)
        .exclude(pk=shift.pk)
        .select_related("location")
    )
    check_shift_against(shift, list(others))


def working_hours_save(
    *, working_hours: WorkingHours, breaks: Sequence[TimeSpan] | None = None
) -> WorkingHours:
    """Save a shift with its breaks (None keeps the stored breaks)."""
    with transaction.atomic():
        if breaks is None:
            breaks = (
                [TimeSpan(b.starts, b.ends) for b in working_hours.breaks.all()]
                if working_hours.pk
                else []
            )
        # Lock the practitioner so two managers editing their hours at once are checked
        # one after the other, each against the other's saved shift.
        Practitioner.objects.select_for_update().filter(pk=working_hours.practitioner_id).first()
        working_hours_validate(working_hours=working_hours, breaks=breaks)
        stored = (
            WorkingHours.objects.select_related("location").filter(pk=working_hours.pk).first()
            if working_hours.pk
            else None
        )
        working_hours.save()
        working_hours.breaks.all().delete()
        Break.objects.bulk_create(
            Break(working_hours=working_hours, starts=b.starts, ends=b.ends) for b in breaks
        )
        announce_hours(working_hours, stored)
    return working_hours


def working_hours_delete(*, working_hours: WorkingHours) -> None:
    with transaction.atomic():
        working_hours.delete()
        announce_hours(working_hours, None)


def announce_hours(shift: WorkingHours, stored: WorkingHours | None) -> None:
    """Announce the days a shift (and the one it replaced) covers, at both locations."""
    shifts = [shift] if stored is None else [shift, stored]
    first = min(s.effective_from for s in shifts)
    ends = [s.effective_until for s in shifts]
    last = None if None in ends else max(e for e in ends if e is not None)
    start, end = signals.days_span(first, last, shift.location.zone)
    signals.announce(
        practitioner_ids={shift.practitioner_id},
        location_ids={s.location_id for s in shifts},
        start=start,
        end=end,
    )


def time_off_save(*, time_off: TimeOff) -> TimeOff:
    """Save time off; the time it takes (and any it gives back) is announced."""
    clean_or_refuse(time_off)
    with transaction.atomic():
        stored = TimeOff.objects.filter(pk=time_off.pk).first() if time_off.pk else None
        time_off.save()
        _announce_time_off(time_off, stored)
    return time_off


def time_off_delete(*, time_off: TimeOff) -> None:
    with transaction.atomic():
        time_off.delete()
        _announce_time_off(time_off, None)


def _announce_time_off(time_off: TimeOff, stored: TimeOff | None) -> None:
    spans = [time_off] if stored is None else [time_off, stored]
    signals.announce(
        practitioner_ids={time_off.practitioner_id},
        location_ids=None,
        start=min(s.starts_at for s in spans),
        end=max(s.ends_at for s in spans),
    )


def home_location_set(*, user: User, location: Location | None) -> None:
    """Where `user` usually works (their desk and the schedule open there); None: nowhere
    in particular."""
    with transaction.atomic():
        if location is None:
            HomeLocation.objects.filter(user=user).delete()
        else:
            HomeLocation.objects.update_or_create(user=user, defaults={"location": location})
