"""Reads of the catalogue: services with their prices and tax as they apply on a day,
their groups and page texts, and what each location offers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from rehabdesk.clinic.choices import ServiceKind, TaxTreatment
from rehabdesk.clinic.models import (
    Discipline,
    Location,
    PageText,
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


def services_active() -> QuerySet[Service]:
    """The services on offer, by name."""
    return Service.objects.filter(active=True).order_by("name")


def services_active_in_disciplines_of(*, practitioner_id: int) -> QuerySet[Service]:
    """The services on offer in a practitioner's disciplines, by name: what the desk
    may mean to book with them (whether they hold each one's qualifications on the
    day is the booking service's question)."""
    return services_active().filter(discipline__practitioners=practitioner_id).distinct()


def service_active(*, service_id: int) -> Service | None:
    return services_active().filter(pk=service_id).order_by().first()


def services_online() -> QuerySet[Service]:
    """The services patients may book online, by discipline, then name, with what their
    prices need (the tax category and its rates)."""
    return (
        services_active()
        .filter(online_bookable=True)
        .select_related("discipline", "tax_category")
        .prefetch_related("tax_category__rates")
        .order_by("discipline__name", "name")
    )


def services_online_by_discipline() -> list[tuple[Discipline, list[Service]]]:
    """The services patients may book online, grouped by discipline in the clinic's
    order of disciplines; within each, the first visits (initial assessments) first,
    then the clinic's order of services. Two queries, as services_online()."""
    services = sorted(
        services_online().filter(discipline__active=True),
        key=lambda service: (
            service.discipline.display_order,
            service.discipline.name,
            service.kind != ServiceKind.INITIAL_ASSESSMENT,
            service.display_order,
            service.name,
        ),
    )
    groups: dict[int, tuple[Discipline, list[Service]]] = {}
    for service in services:
        groups.setdefault(service.discipline_id, (service.discipline, []))[1].append(service)
    return list(groups.values())
