"""Reads of clinic configuration, with their related rows fetched up front."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from rehabdesk.clinic.choices import TaxTreatment
from rehabdesk.clinic.models import Closure, Location, Registration, Service
from rehabdesk.clinic.tax import RatePeriod, TaxQuote, tax_for


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


def locations_for_display(*, today: date) -> QuerySet[Location]:
    """Active locations with their opening hours and coming closures."""
    return (
        Location.objects.filter(active=True)
        .select_related("clinic")
        .prefetch_related(
            "opening_hours",
            Prefetch(
                "closures",
                queryset=Closure.objects.filter(last_day__gte=today),
                to_attr="coming_closures",
            ),
        )
    )


def services_for_display() -> QuerySet[Service]:
    return (
        Service.objects.filter(active=True, discipline__active=True)
        .select_related("discipline", "tax_category")
        .prefetch_related("tax_category__rates")
    )


def service_price_on(*, service: Service, on: date) -> TaxQuote:
    """The service's price with its tax on a day. Uses the prefetched rates when the
    service came from services_for_display()."""
    rates = [
        RatePeriod(rate.name, rate.percent, rate.valid_from, rate.valid_until)
        for rate in service.tax_category.rates.all()
    ]
    return tax_for(
        price=service.price,
        treatment=TaxTreatment(service.tax_category.treatment),
        rates=rates,
        on=on,
    )
