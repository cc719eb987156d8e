"""The catalogue: services (who may deliver them, the rooms they need, their price and
tax category) and tax categories with their dated rates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from rehabdesk.clinic.choices import TaxTreatment
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import (
    Authorization,
    Qualification,
    Registration,
    Regulator,
    ResourceKind,
    Service,
    TaxCategory,
    TaxRate,
)
from rehabdesk.clinic.qualifications import Credential, Requirement, is_qualified
from rehabdesk.clinic.services.common import clean_or_refuse


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


def service_validate(
    *, service: Service, qualifications: Sequence[QualificationSpec], on: date
) -> None:
    """A service needs at least one way to be qualified for it, each naming rosters of
    its own college; and an active service needs someone qualified to deliver it on
    `on` (usually today), or patients would be offered nothing."""
    clean_or_refuse(service)
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


def tax_category_validate(*, category: TaxCategory, rates: Sequence[RateSpec]) -> None:
    """Exempt supplies carry no rates; zero-rated ones only 0 % rates; taxable ones at
    least one. Two periods of the same tax must not overlap."""
    clean_or_refuse(category)
    for spec in rates:
        rate = TaxRate(
            category=category,
            name=spec.name,
            percent=spec.percent,
            valid_from=spec.valid_from,
            valid_until=spec.valid_until,
        )
        clean_or_refuse(rate, exclude=["category"])
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
