"""The registration rule: who may be offered or booked for a service on a day.

A practitioner may deliver a service on a date only if one of their registrations is in
force that day, is of a class that permits practice, and satisfies one of the service's
qualification alternatives: same college, holding every roster that alternative names.
`is_qualified` is the rule; everything else here only fetches the facts it needs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rehabdesk.clinic.models import Practitioner, Service
from rehabdesk.core.sql import day_from_text, day_param, select


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


def service_requirements(
    service_ids: Collection[int] | None = None,
) -> dict[int, list[Requirement]]:
    """Each service's qualification alternatives (of every service, without
    `service_ids`), in one query: a LEFT JOIN to their rosters, a row per roster and one
    with none for an alternative without any."""
    rosters: dict[int, set[int]] = defaultdict(set)
    alternatives: dict[int, tuple[int, int]] = {}
    sql = """
        SELECT q.id, q.service_id, q.regulator_id, qa.authorization_id
        FROM clinic_qualification q
        LEFT JOIN clinic_qualification_authorizations qa ON qa.qualification_id = q.id"""
    params: list[Any] = []
    if service_ids is not None:
        sql += " WHERE q.service_id IN %s"
        params.append(list(service_ids))
    for qualification_id, service_id, regulator_id, authorization_id in select(
        sql + " ORDER BY q.id", params
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
    practitioner_ids: Collection[int] | None, *, on_or_after: date | None = None
) -> dict[int, list[Credential]]:
    """Each practitioner's registrations as credentials (of everyone, with None; those
    still valid on `on_or_after`, if given), in one query: a LEFT JOIN to their rosters,
    as in service_requirements."""
    sql = """
        SELECT r.id, r.practitioner_id, r.regulator_id, CAST(r.valid_from AS text),
               CAST(r.valid_until AS text), c.permits_practice, ra.authorization_id
        FROM clinic_registration r
        JOIN clinic_registrationclass c ON c.id = r.registration_class_id
        LEFT JOIN clinic_registration_authorizations ra ON ra.registration_id = r.id
        WHERE 1 = 1"""
    params: list[Any] = []
    if practitioner_ids is not None:
        sql += " AND r.practitioner_id IN %s"
        params.append(list(practitioner_ids))
    if on_or_after is not None:
        sql += " AND (r.valid_until IS NULL OR r.valid_until >= %s)"
        params.append(day_param(on_or_after))
    rosters: dict[int, set[int]] = defaultdict(set)
    facts: dict[int, tuple[int, int, date, date | None, bool]] = {}
    for row in select(sql + " ORDER BY r.id", params):
        registration_id, practitioner_id, regulator_id, valid_from, valid_until = row[:5]
        permits, authorization_id = row[5:]
        facts[registration_id] = (
            practitioner_id,
            regulator_id,
            day_from_text(valid_from),
            None if valid_until is None else day_from_text(valid_until),
            bool(permits),
        )
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
