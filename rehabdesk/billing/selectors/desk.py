"""What the desk's billing pages choose from: the clinic's active payers, products and
package offers, a patient's packages and coverage. Reads only; the pages reach
patients' rows through access/billing.py, which authorizes and audits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from rehabdesk.billing.models import Package, PackageOffer, Payer, Product
from rehabdesk.clinic.choices import TaxTreatment
from rehabdesk.clinic.tax import RatePeriod, TaxConfigurationError, tax_for
from rehabdesk.patients.models import Coverage


def payers_active(*, clinic_id: int) -> QuerySet[Payer]:
    return Payer.objects.filter(clinic_id=clinic_id, active=True).order_by("name")


def products_active(*, clinic_id: int) -> QuerySet[Product]:
    return (
        Product.objects.filter(clinic_id=clinic_id, active=True)
        .select_related("tax_category")
        .order_by("name")
    )


def packages_of(*, patient_id: int) -> QuerySet[Package]:
    """The patient's packages, newest first, with their offer and its service."""
    return (
        Package.objects.filter(patient_id=patient_id)
        .select_related("offer__service")
        .order_by("-created_at", "-pk")
    )


def coverages_active(*, patient_id: int) -> QuerySet[Coverage]:
    return Coverage.objects.filter(patient_id=patient_id, active=True).order_by("insurer", "pk")


@dataclass(frozen=True)
class OfferQuote:
    """A package offer as the desk sells it: its price with the tax of its service on
    the day (`total` None when the service's tax category has no rate that day)."""

    offer: PackageOffer
    total: Decimal | None


def package_offers_active(*, clinic_id: int) -> QuerySet[PackageOffer]:
    return (
        PackageOffer.objects.filter(clinic_id=clinic_id, active=True)
        .select_related("service__tax_category")
        .prefetch_related("service__tax_category__rates")
        .order_by("name")
    )


def package_offers_quoted(*, clinic_id: int, on: date) -> list[OfferQuote]:
    """The clinic's active offers with their price and tax on day `on`."""
    quoted = []
    for offer in package_offers_active(clinic_id=clinic_id):
        category = offer.service.tax_category
        rates = [
            RatePeriod(rate.name, rate.percent, rate.valid_from, rate.valid_until)
            for rate in category.rates.all()
        ]
        try:
            total: Decimal | None = tax_for(
                price=offer.price, treatment=TaxTreatment(category.treatment), rates=rates, on=on
            ).total
        except TaxConfigurationError:
            total = None
        quoted.append(OfferQuote(offer, total))
    return quoted
