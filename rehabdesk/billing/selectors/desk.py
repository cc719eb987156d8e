"""What the desk's billing pages choose from and look up: the clinic's active payers,
products and package offers, a patient's packages and coverage, one payment, and a
location's closed days. Reads only; the pages reach patients' rows through
access/billing.py, which authorizes and audits."""

from __future__ import annotations

from django.db.models import QuerySet

from rehabdesk.billing.models import Package, Payer, Payment, Product
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


def payment_by_id(*, payment_id: int) -> Payment | None:
    """A payment (or refund) with its patient, location and allocations' invoices."""
    return (
        Payment.objects.select_related("patient", "location", "payer", "refunds")
        .prefetch_related("allocations__invoice", "refunded_by")
        .filter(pk=payment_id)
        .first()
    )


def payments_of(*, patient_id: int, limit: int = 200) -> list[Payment]:
    """The patient's own payments and refunds (and their payers'), newest first, with
    what each refund reverses."""
    return list(
        Payment.objects.filter(patient_id=patient_id)
        .select_related("payer", "location", "refunds", "package__offer")
        .order_by("-received_at", "-pk")[:limit]
    )
