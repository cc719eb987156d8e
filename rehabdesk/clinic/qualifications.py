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
    """Each service's qualification alternatives, in two queries."""
    # Ordered by id, not by the models' default (the regulator's name), which costs joins
    # and a sort on every search; nothing here depends on the order.
    qualifications = Qualification.objects.filter(service_id__in=list(service_ids)).order_by("pk")
    rosters: dict[int, set[int]] = defaultdict(set)
    for qualification_id, authorization_id in Qualification.authorizations.through.objects.filter(
        qualification__in=qualifications
    ).values_list("qualification_id", "authorization_id"):
        rosters[qualification_id].add(authorization_id)
    requirements: dict[int, list[Requirement]] = defaultdict(list)
    for qualification_id, service_id, regulator_id in qualifications.values_list(
        "id", "service_id", "regulator_id"
    ):
        requirements[service_id].append(
            Requirement(regulator_id, frozenset(rosters[qualification_id]))
        )
    return requirements


def practitioner_credentials(
    practitioner_ids: Iterable[int], *, on_or_after: date | None = None
) -> dict[int, list[Credential]]:
    """Each practitioner's registrations as credentials, in two queries."""
    registrations = Registration.objects.filter(
        practitioner_id__in=list(practitioner_ids)
    ).order_by("pk")
    if on_or_after is not None:
        registrations = registrations.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on_or_after)
        )
    rosters: dict[int, set[int]] = defaultdict(set)
    for registration_id, authorization_id in Registration.authorizations.through.objects.filter(
        registration__in=registrations
    ).values_list("registration_id", "authorization_id"):
        rosters[registration_id].add(authorization_id)
    credentials: dict[int, list[Credential]] = defaultdict(list)
    for row in registrations.values_list(
        "id",
        "practitioner_id",
        "regulator_id",
        "valid_from",
        "valid_until",
        "registration_class__permits_practice",
    ):
        registration_id, practitioner_id, regulator_id, valid_from, valid_until, permits = row
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
