"""Every write to clinic configuration goes through a function here.

Each `<entity>_save` takes a new or changed instance (built by a form, the demo loader
or a test), checks every rule that spans rows, and saves it with its child rows in one
transaction, or raises ClinicError and saves nothing. The matching `*_validate`
functions run the same checks without saving, so forms can show the message next to
the field before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q

from rehabdesk.accounts.models import User
from rehabdesk.availability import (
    ConflictKind,
    Shift,
    ShiftConflict,
    shift_conflicts,
    wall_clock_interval,
)
from rehabdesk.clinic import signals
from rehabdesk.clinic.choices import TaxTreatment, Weekday
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import (
    Authorization,
    Break,
    Clinic,
    Closure,
    Discipline,
    Location,
    OpeningHours,
    PageText,
    Practitioner,
    Qualification,
    Registration,
    RegistrationClass,
    Regulator,
    Resource,
    ResourceKind,
    Service,
    ServiceGroup,
    TaxCategory,
    TaxRate,
    TimeOff,
    TravelTime,
    WorkingHours,
)
from rehabdesk.clinic.qualifications import Credential, Requirement, is_qualified
from rehabdesk.core.validation import full_clean_or_raise

# --- Values passed in for child rows -------------------------------------------------


@dataclass(frozen=True)
class TimeSpan:
    """Wall-clock times within one day, e.g. a lunch break 12:00–12:30."""

    starts: time
    ends: time

    def __str__(self) -> str:
        return f"{self.starts:%H:%M}–{self.ends:%H:%M}"


@dataclass(frozen=True)
class WeeklySpan:
    """A span on a weekday, e.g. Mondays 08:00–20:00."""

    weekday: int
    opens: time
    closes: time

    def __str__(self) -> str:
        return f"{Weekday(self.weekday).label} {self.opens:%H:%M}–{self.closes:%H:%M}"


@dataclass(frozen=True)
class QualificationSpec:
    """One qualification alternative: a college, and the rosters it must include."""

    regulator: Regulator
    authorizations: frozenset[Authorization] = frozenset()


@dataclass(frozen=True)
class RateSpec:
    name: str
    percent: Decimal
    valid_from: date
    valid_until: date | None = None


def _invalid(message: str, field: str | None = None) -> ClinicError:
    return ClinicError(ClinicErrorCode.INVALID, message, field=field)


def _clean(instance: models.Model, exclude: Iterable[str] = ()) -> None:
    full_clean_or_raise(
        instance, error_class=ClinicError, code=ClinicErrorCode.INVALID, exclude=exclude
    )


# --- Configuration without cross-row rules -------------------------------------------

SimpleConfiguration = TypeVar(
    "SimpleConfiguration",
    Clinic,
    ResourceKind,
    Resource,
    Discipline,
    Regulator,
    RegistrationClass,
    Authorization,
    ServiceGroup,
    PageText,
)


def configuration_save(*, instance: SimpleConfiguration) -> SimpleConfiguration:
    """Save configuration whose rules all concern the row itself (field validators and
    constraints): clinics, resource kinds and resources, disciplines, colleges with
    their classes and rosters, and the public site's service groups and page texts."""
    _clean(instance)
    with transaction.atomic():
        instance.save()
    return instance


def closure_save(*, closure: Closure) -> Closure:
    """Save a closure; the days it closes (and any it no longer closes) are announced."""
    _clean(closure)
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


# --- Locations -----------------------------------------------------------------------


def location_save(*, location: Location) -> Location:
    _clean(location)
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
        for shift in _current_shifts(today).filter(location=location).select_related("practitioner")
        if not _fits_opening_hours(shift.weekday, shift.starts, shift.ends, hours)
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


def _fits_opening_hours(
    weekday: int, starts: time, ends: time, hours: Iterable[WeeklySpan]
) -> bool:
    return any(
        span.weekday == weekday and span.opens <= starts and ends <= span.closes for span in hours
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
        raise _invalid("Travel time cannot be negative.", "minutes")
    overrides = {frozenset([location_a.pk, location_b.pk]): minutes}
    affected = (
        _current_shifts(today)
        .filter(location__in=[location_a, location_b])
        .values_list("practitioner_id", flat=True)
        .distinct()
    )
    for practitioner_id in affected:
        shifts = list(_current_shifts(today).filter(practitioner_id=practitioner_id))
        for index, shift in enumerate(shifts):
            _check_shift_against(shift, shifts[index + 1 :], travel_overrides=overrides)


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


# --- Services ------------------------------------------------------------------------


def service_validate(
    *, service: Service, qualifications: Sequence[QualificationSpec], on: date
) -> None:
    """A service needs at least one way to be qualified for it, each naming rosters of
    its own college; and an active service needs someone qualified to deliver it on
    `on` (usually today), or patients would be offered nothing."""
    _clean(service)
    if not qualifications:
        raise ClinicError(
            ClinicErrorCode.NO_QUALIFICATIONS,
            "Say who may deliver this service: add at least one qualification.",
        )
    for spec in qualifications:
        for authorization in spec.authorizations:
            if authorization.regulator_id != spec.regulator.pk:
                raise ClinicError(
                    ClinicErrorCode.WRONG_REGULATOR,
                    f"The roster “{authorization.name}” belongs to "
                    f"{authorization.regulator.abbreviation}, not {spec.regulator.abbreviation}.",
                )
    if not service.active:
        return
    requirements = [
        Requirement(spec.regulator.pk, frozenset(a.pk for a in spec.authorizations))
        for spec in qualifications
    ]
    if not _anyone_qualified(requirements, on):
        wanted = " or ".join(_describe(spec) for spec in qualifications)
        raise ClinicError(
            ClinicErrorCode.NOBODY_QUALIFIED,
            f"Nobody on the team is qualified to deliver {service.name} on "
            f"{on:%Y-%m-%d}: it needs {wanted}. Add that registration first, or save "
            "the service as inactive.",
        )


def service_save(
    *,
    service: Service,
    on: date,
    resource_kinds: Iterable[ResourceKind] | None = None,
    qualifications: Sequence[QualificationSpec] | None = None,
) -> Service:
    """Save a service with the resource kinds it needs and its qualification
    alternatives. Leaving either as None keeps what is stored."""
    with transaction.atomic():
        if qualifications is None:
            qualifications = _stored_qualifications(service)
        service_validate(service=service, qualifications=qualifications, on=on)
        service.save()
        if resource_kinds is not None:
            service.resource_kinds.set(resource_kinds)
        service.qualifications.all().delete()
        for spec in qualifications:
            row = Qualification.objects.create(service=service, regulator=spec.regulator)
            row.authorizations.set(spec.authorizations)
    return service


def _stored_qualifications(service: Service) -> list[QualificationSpec]:
    if service.pk is None:
        return []
    return [
        QualificationSpec(q.regulator, frozenset(q.authorizations.all()))
        for q in service.qualifications.select_related("regulator").prefetch_related(
            "authorizations"
        )
    ]


def _describe(spec: QualificationSpec) -> str:
    text = f"a {spec.regulator.abbreviation} registration"
    if spec.authorizations:
        rosters = " and ".join(sorted(a.name for a in spec.authorizations))
        text += f" rostered for {rosters}"
    return text


def _anyone_qualified(requirements: list[Requirement], on: date) -> bool:
    registrations = Registration.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        practitioner__active=True,
        valid_from__lte=on,
        registration_class__permits_practice=True,
    ).prefetch_related("authorizations")
    return any(
        is_qualified(
            [
                Credential(
                    registration.regulator_id,
                    frozenset(a.pk for a in registration.authorizations.all()),
                    registration.valid_from,
                    registration.valid_until,
                    True,
                )
            ],
            requirements,
            on,
        )
        for registration in registrations
    )


# --- Tax -----------------------------------------------------------------------------


def tax_category_validate(*, category: TaxCategory, rates: Sequence[RateSpec]) -> None:
    """Exempt supplies carry no rates; zero-rated ones only 0 % rates; taxable ones at
    least one. Two periods of the same tax must not overlap."""
    _clean(category)
    for spec in rates:
        rate = TaxRate(
            category=category,
            name=spec.name,
            percent=spec.percent,
            valid_from=spec.valid_from,
            valid_until=spec.valid_until,
        )
        _clean(rate, exclude=["category"])
    treatment = TaxTreatment(category.treatment)
    if treatment == TaxTreatment.EXEMPT and rates:
        raise ClinicError(
            ClinicErrorCode.TAX_RATES_INCONSISTENT,
            "Exempt supplies carry no tax: remove the rates or choose another treatment.",
        )
    if treatment == TaxTreatment.ZERO_RATED and any(spec.percent != 0 for spec in rates):
        raise ClinicError(
            ClinicErrorCode.TAX_RATES_INCONSISTENT, "Zero-rated supplies are taxed at 0 %."
        )
    if treatment == TaxTreatment.TAXABLE and not rates:
        raise ClinicError(
            ClinicErrorCode.TAX_RATES_INCONSISTENT, "A taxable category needs at least one rate."
        )
    by_start = sorted(rates, key=lambda spec: (spec.name, spec.valid_from))
    for first, second in zip(by_start, by_start[1:], strict=False):
        if first.name == second.name and (
            first.valid_until is None or second.valid_from <= first.valid_until
        ):
            raise ClinicError(
                ClinicErrorCode.TAX_RATES_INCONSISTENT,
                f"Two {first.name} rates are in force on {second.valid_from:%Y-%m-%d}.",
            )


def tax_category_save(
    *, category: TaxCategory, rates: Sequence[RateSpec] | None = None
) -> TaxCategory:
    """Save a tax category with its rates (None keeps the stored rates)."""
    with transaction.atomic():
        if rates is None:
            rates = [
                RateSpec(r.name, r.percent, r.valid_from, r.valid_until)
                for r in (category.rates.all() if category.pk else [])
            ]
        tax_category_validate(category=category, rates=rates)
        category.save()
        category.rates.all().delete()
        TaxRate.objects.bulk_create(
            TaxRate(
                category=category,
                name=spec.name,
                percent=spec.percent,
                valid_from=spec.valid_from,
                valid_until=spec.valid_until,
            )
            for spec in rates
        )
    return category


# --- Practitioners and registrations -------------------------------------------------


def practitioner_save(
    *, practitioner: Practitioner, disciplines: Iterable[Discipline] | None = None
) -> Practitioner:
    _clean(practitioner, exclude=["disciplines"])
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
    _clean(registration)
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
            start=signals.days_span(first, None, _clinic_zone())[0],
            end=None,
        )
    return registration


def registration_verify(*, registration: Registration, by: User, on: date) -> Registration:
    """Record that someone checked the registration on the college's public register."""
    registration.verified_on = on
    registration.verified_by = by
    registration.save(update_fields=["verified_on", "verified_by", "updated_at"])
    return registration


# --- Working hours and time off ------------------------------------------------------


def working_hours_validate(*, working_hours: WorkingHours, breaks: Sequence[TimeSpan]) -> None:
    """A shift must lie inside the location's opening hours, its breaks inside it, and
    it must leave the practitioner able to work every other shift they have on that
    weekday while both apply: no overlap, and the travel time between locations."""
    _clean(working_hours)
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
    if not _fits_opening_hours(shift.weekday, shift.starts, shift.ends, opening):
        weekday = Weekday(shift.weekday).label
        open_text = ", ".join(f"{s.opens:%H:%M}–{s.closes:%H:%M}" for s in opening)
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
                f"Break {pause} is outside the shift {shift.starts:%H:%M}–{shift.ends:%H:%M}.",
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
    _check_shift_against(shift, list(others))


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
        _announce_hours(working_hours, stored)
    return working_hours


def working_hours_delete(*, working_hours: WorkingHours) -> None:
    with transaction.atomic():
        working_hours.delete()
        _announce_hours(working_hours, None)


def _announce_hours(shift: WorkingHours, stored: WorkingHours | None) -> None:
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
    _clean(time_off)
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


def _clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _current_shifts(today: date) -> models.QuerySet[WorkingHours]:
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


def _check_shift_against(
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
        f"{other.starts:%H:%M}–{other.ends:%H:%M} at {other.location} "
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
