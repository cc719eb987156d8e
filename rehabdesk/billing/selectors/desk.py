"""What the desk's billing pages choose from: the clinic's active payers, products and
package offers, a patient's packages and coverage. Reads only; the pages reach
patients' rows through access/billing.py, which authorizes and audits."""

from __future__ import annotations

from django.db.models import QuerySet

from rehabdesk.billing.models import Package, Payer, Product
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
