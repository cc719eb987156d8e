"""Reads of clinic configuration, with their related rows fetched up front."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from rehabdesk.clinic.choices import TaxTreatment
from rehabdesk.clinic.models import (
    Closure,
    Discipline,
    Location,
    PageText,
    Practitioner,
    Registration,
    Service,
    ServiceGroup,
    WorkingHours,
)
from rehabdesk.clinic.qualifications import (
    is_qualified,
    practitioner_credentials,
    service_requirements,
)
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


# --- The public site -------------------------------------------------------------------


def service_groups_listed() -> QuerySet[ServiceGroup]:
    """The groups with a public page, in the clinic's order, without their services."""
    return ServiceGroup.objects.filter(active=True)


def service_groups_for_display() -> QuerySet[ServiceGroup]:
    """The groups with a public page, each with its bookable-or-not active services
    (`shown_services`) and their tax rates, in three queries however many there are."""
    return service_groups_listed().prefetch_related(
        Prefetch(
            "services",
            queryset=services_for_display().order_by("display_order", "name"),
            to_attr="shown_services",
        )
    )


def service_group_for_display(*, slug: str) -> ServiceGroup:
    """One group's page, with its services as service_groups_for_display() gives them.
    Raises ServiceGroup.DoesNotExist for an unknown or inactive group."""
    return service_groups_for_display().get(slug=slug)


def page_text(*, slug: str) -> PageText | None:
    return PageText.objects.filter(slug=slug).first()


def disciplines_for_display(*, slugs: Sequence[str]) -> list[Discipline]:
    """Active disciplines with these slugs, in the order asked for."""
    found = {d.slug: d for d in Discipline.objects.filter(active=True, slug__in=slugs)}
    return [found[slug] for slug in slugs if slug in found]


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


def location_for_display(*, slug: str, today: date) -> Location:
    """One active location with its hours and coming closures. Raises
    Location.DoesNotExist for an unknown or inactive one."""
    return locations_for_display(today=today).get(slug=slug)


def services_offered_at(*, location: Location, today: date) -> list[Service]:
    """Active services someone who works at `location` (hours in force today or later)
    is qualified to deliver today, ordered by group, in a fixed number of queries.
    Services come as services_for_display() gives them, with their group."""
    working = set(
        WorkingHours.objects.filter(location=location, practitioner__active=True)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=today))
        .values_list("practitioner_id", flat=True)
    )
    if not working:
        return []
    candidates = list(services_for_display().select_related("group"))
    requirements = service_requirements([s.pk for s in candidates])
    credentials = practitioner_credentials(working, on_or_after=today)
    offered = [
        service
        for service in candidates
        if any(
            is_qualified(credentials[practitioner_id], requirements[service.pk], today)
            for practitioner_id in working
        )
    ]
    return sorted(offered, key=_by_group)


def _by_group(service: Service) -> tuple[int, int, str, int, str]:
    group = service.group
    if group is None or not group.active:
        return (1, 0, "", service.display_order, service.name)
    return (0, group.display_order, group.name, service.display_order, service.name)
