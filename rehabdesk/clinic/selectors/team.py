"""Reads of the team: practitioners with their current registrations, and the
registrations to renew or already lapsed."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from rehabdesk.clinic.models import (
    Discipline,
    Location,
    Practitioner,
    Registration,
    Service,
    TimeOff,
    WorkingHours,
)
from rehabdesk.clinic.qualifications import practitioners_qualified


def _renewed() -> Exists:
    """A later registration with the same college, in a class that permits practice,
    picks up where this one ends."""
    return Exists(
        Registration.objects.filter(
            practitioner_id=OuterRef("practitioner_id"),
            regulator_id=OuterRef("regulator_id"),
            registration_class__permits_practice=True,
            valid_from__gt=OuterRef("valid_from"),
            valid_from__lte=OuterRef("valid_until") + timedelta(days=1),
        ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=OuterRef("valid_until")))
    )


def registrations_expiring(*, today: date, within_days: int = 60) -> QuerySet[Registration]:
    """Registrations of active practitioners that end within `within_days` days from
    `today` (inclusive) and have no renewal on file, soonest first."""
    return (
        Registration.objects.filter(
            practitioner__active=True,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=within_days),
        )
        .exclude(_renewed())
        .select_related("practitioner", "regulator", "registration_class", "verified_by")
        .order_by("valid_until", "practitioner__display_name")
    )


def registrations_lapsed(*, today: date, within_days: int = 365) -> QuerySet[Registration]:
    """Registrations of active practitioners that ended in the last `within_days` days
    without a renewal on file: those practitioners cannot be booked for what it covered."""
    return (
        Registration.objects.filter(
            practitioner__active=True,
            valid_until__lt=today,
            valid_until__gte=today - timedelta(days=within_days),
        )
        .exclude(_renewed())
        .select_related("practitioner", "regulator", "registration_class", "verified_by")
        .order_by(F("valid_until").desc(), "practitioner__display_name")
    )


def team_for_display(*, today: date) -> QuerySet[Practitioner]:
    """Active practitioners with their active disciplines and the registrations in force
    `today` in a class that permits practice (`current_registrations`, with college,
    class and rosters): what a patient may check on the college's public register."""
    current = (
        Registration.objects.filter(
            valid_from__lte=today, registration_class__permits_practice=True
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("regulator", "registration_class")
        .prefetch_related("authorizations")
        .order_by("regulator__abbreviation", "valid_from")
    )
    return Practitioner.objects.filter(active=True).prefetch_related(
        Prefetch("disciplines", queryset=Discipline.objects.filter(active=True)),
        Prefetch("registrations", queryset=current, to_attr="current_registrations"),
    )


def practitioners_active(*, discipline_id: int | None = None) -> QuerySet[Practitioner]:
    """The practitioners who see patients, by name; of one discipline when it is given."""
    practitioners = Practitioner.objects.filter(active=True)
    if discipline_id is not None:
        practitioners = practitioners.filter(disciplines=discipline_id).distinct()
    return practitioners.order_by("display_name")


def practitioners_offering(
    *, service: Service, location: Location | None, today: date
) -> list[Practitioner]:
    """The practitioners a patient may choose for `service`, by name: active, qualified
    for it today by the registration rule the free-time search applies (a physiotherapist
    rostered for acupuncture is offered for it, one who is not is not), and with hours
    at `location` from today on (at any location when it is None)."""
    hours = WorkingHours.objects.filter(
        Q(effective_until__isnull=True) | Q(effective_until__gte=today)
    )
    if location is not None:
        hours = hours.filter(location=location)
    working = set(hours.values_list("practitioner_id", flat=True))
    qualified = practitioners_qualified(service=service, on=today)
    return sorted(
        (p for p in qualified if p.pk in working),
        key=lambda p: p.display_name,
    )


def practitioner_active(*, practitioner_id: int) -> Practitioner | None:
    return Practitioner.objects.filter(active=True, pk=practitioner_id).first()


def practitioners_with_disciplines() -> QuerySet[Practitioner]:
    """The active team with their disciplines, for the API's list of the team."""
    return practitioners_active().prefetch_related("disciplines")


def practitioners_by_id(*, ids: Collection[int]) -> dict[int, Practitioner]:
    """Practitioners named by a search's free times, active or not, by id."""
    return {p.pk: p for p in Practitioner.objects.filter(pk__in=list(ids))}


def practitioner_by_id(*, practitioner_id: int) -> Practitioner | None:
    """Any practitioner, active or not: the hours page of one who has left still shows
    the bookings their hours leave outside."""
    return Practitioner.objects.filter(pk=practitioner_id).first()


def practitioner_shift(*, practitioner_id: int, shift_id: int) -> WorkingHours | None:
    """One of the practitioner's shifts, or None when the id names another's."""
    return WorkingHours.objects.filter(pk=shift_id, practitioner_id=practitioner_id).first()


def practitioner_time_off_entry(*, practitioner_id: int, time_off_id: int) -> TimeOff | None:
    return TimeOff.objects.filter(pk=time_off_id, practitioner_id=practitioner_id).first()
