"""The registration rule: who may be offered or booked for a service on a day.

A practitioner may deliver a service on a date only if one of their registrations is in
force that day, is of a class that permits practice, and satisfies one of the service's
qualification alternatives: same college, holding every roster that alternative names.
`is_qualified` is the rule; everything else here only fetches the facts it needs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from rehabdesk.clinic.models import Practitioner, Qualification, Registration, Service


@dataclass(frozen=True)
class Credential:
    """What one registration allows, and when."""

    regulator_id: int
    authorization_ids: frozenset[int]
    valid_from: date
    valid_until: date | None
    permits_practice: bool


@dataclass(frozen=True)
class Requirement:
    """One qualification alternative of a service."""

    regulator_id: int
    authorization_ids: frozenset[int]


def is_qualified(
    credentials: Iterable[Credential], requirements: Iterable[Requirement], on: date
) -> bool:
    """The registration rule (see module docstring). `valid_until` is the last day."""
    current = [
        credential
        for credential in credentials
        if credential.permits_practice
        and credential.valid_from <= on
        and (credential.valid_until is None or on <= credential.valid_until)
    ]
    return any(
        credential.regulator_id == requirement.regulator_id
        and requirement.authorization_ids <= credential.authorization_ids
        for requirement in requirements
        for credential in current
    )


def qualified_periods(
    credentials: Iterable[Credential], requirements: Sequence[Requirement]
) -> list[tuple[date, date | None]]:
    """The periods (first day, last day or None) during which these credentials satisfy
    the rule. A credential's answer does not change within its own validity, so each is
    asked once, on its first day, by the rule itself."""
    return [
        (credential.valid_from, credential.valid_until)
        for credential in credentials
        if is_qualified([credential], requirements, credential.valid_from)
    ]


def service_requirements(service_ids: Iterable[int]) -> dict[int, list[Requirement]]:
    """Each service's qualification alternatives, in one query (a LEFT JOIN to their
    rosters: a row per roster, one with none for an alternative without any)."""
    rosters: dict[int, set[int]] = defaultdict(set)
    alternatives: dict[int, tuple[int, int]] = {}
    # Ordered by id, not by the model's default (the regulator's name), which costs a
    # join and a sort on every search; nothing here depends on the order.
    for qualification_id, service_id, regulator_id, authorization_id in (
        Qualification.objects.filter(service_id__in=list(service_ids))
        .order_by("pk")
        .values_list("id", "service_id", "regulator_id", "authorizations")
    ):
        alternatives[qualification_id] = (service_id, regulator_id)
        if authorization_id is not None:
            rosters[qualification_id].add(authorization_id)
    requirements: dict[int, list[Requirement]] = defaultdict(list)
    for qualification_id, (service_id, regulator_id) in alternatives.items():
        requirements[service_id].append(
            Requirement(regulator_id, frozenset(rosters[qualification_id]))
        )
    return requirements


def practitioner_credentials(
    practitioner_ids: Iterable[int], *, on_or_after: date | None = None
) -> dict[int, list[Credential]]:
    """Each practitioner's registrations as credentials, in one query (a LEFT JOIN to
    their rosters, as in service_requirements)."""
    registrations = Registration.objects.filter(practitioner_id__in=list(practitioner_ids))
    if on_or_after is not None:
        registrations = registrations.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on_or_after)
        )
    rosters: dict[int, set[int]] = defaultdict(set)
    facts: dict[int, tuple[int, int, date, date | None, bool]] = {}
    for row in registrations.order_by("pk").values_list(
        "id",
        "practitioner_id",
        "regulator_id",
        "valid_from",
        "valid_until",
        "registration_class__permits_practice",
        "authorizations",
    ):
        registration_id, *known, authorization_id = row
        facts[registration_id] = tuple(known)  # type: ignore[assignment]
        if authorization_id is not None:
            rosters[registration_id].add(authorization_id)
    credentials: dict[int, list[Credential]] = defaultdict(list)
    for registration_id, (
        practitioner_id,
        regulator_id,
        valid_from,
        valid_until,
        permits,
    ) in facts.items():
        credentials[practitioner_id].append(
            Credential(
                regulator_id, frozenset(rosters[registration_id]), valid_from, valid_until, permits
            )
        )
    return credentials


def practitioner_may_deliver(*, practitioner: Practitioner, service: Service, on: date) -> bool:
    """Whether this practitioner may be offered or booked for this service on this day."""
    credentials = practitioner_credentials([practitioner.pk], on_or_after=on)
    requirements = service_requirements([service.pk])
    return is_qualified(credentials[practitioner.pk], requirements[service.pk], on)


def practitioners_qualified(*, service: Service, on: date) -> list[Practitioner]:
    """Active practitioners who may deliver `service` on `on`, in a constant number of
    queries however many practitioners there are."""
    requirements = service_requirements([service.pk])[service.pk]
    practitioners = list(Practitioner.objects.filter(active=True))
    credentials = practitioner_credentials([p.pk for p in practitioners], on_or_after=on)
    return [p for p in practitioners if is_qualified(credentials[p.pk], requirements, on)]
