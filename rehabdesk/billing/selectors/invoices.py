"""Reads of invoices for the desk, receipts and the portal: one invoice whole, the
billing state of the desk's visits, a patient's invoices, their packages' balances.
Each in a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from rehabdesk.billing.choices import InvoicePurpose
from rehabdesk.billing.models import (
    CreditNote,
    FeeWaiver,
    Invoice,
    InvoiceLine,
    Package,
    PackageUse,
    PaymentAllocation,
)
from rehabdesk.billing.selectors.owing import with_owing
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def invoice_detail(invoice_id: int) -> Invoice | None:
    """One invoice with all a page or a receipt shows of it, annotated `credited`,
    `allocated` and `owing`: its lines with their service and practitioner (and the
    practitioner's registrations), its credit notes with their lines, the money put on
    it with each payment, the patient, location, clinic and payer. Seven queries."""
    lines = InvoiceLine.objects.select_related("service", "practitioner", "product").order_by(
        "position"
    )
    return (
        with_owing(Invoice.objects.filter(pk=invoice_id))
        .select_related(
            "patient", "location", "clinic", "payer", "coverage", "appointment", "replaces"
        )
        .prefetch_related(
            Prefetch("lines", queryset=lines),
            "lines__practitioner__registrations__regulator",
            Prefetch("credit_notes", queryset=CreditNote.objects.order_by("issued_at", "pk")),
            "credit_notes__lines",
            Prefetch(
                "allocations",
                queryset=PaymentAllocation.objects.select_related("payment").order_by(
                    "created_at", "pk"
                ),
            ),
        )
        .first()
    )


class BillingState(StrEnum):
    """Where a visit stands with billing, as the desk's day shows it."""

    NOT_INVOICED = "not_invoiced"  # seen (or checked in), no invoice standing
    OWING = "owing"  # invoiced, money still owed (by the patient or a payer)
    PAID = "paid"  # invoiced and nothing owed
    FEE_DUE = "fee_due"  # missed or cancelled late, fee neither charged nor waived
    FEE_INVOICED = "fee_invoiced"  # the fee charged (`owing` says what is left of it)
    FEE_WAIVED = "fee_waived"
    NO_CHARGE = "no_charge"  # nothing to bill: booked, cancelled in time, held


@dataclass(frozen=True)
class VisitBilling:
    state: BillingState
    invoice_id: int | None = None
    owing: Decimal = ZERO
    fee: Decimal | None = None  # the fee recorded on a missed or late-cancelled visit


def visit_billing(appointment_ids: Collection[int]) -> dict[int, VisitBilling]:
    """Each visit's billing state, in three queries: the visits, their standing
    invoices with what they owe, their waived fees."""
    ids = list(appointment_ids)
    visits = Appointment.objects.filter(pk__in=ids).values_list(
        "pk", "status", "fee_due", "late_cancellation"
    )
    standing: dict[tuple[int, str], tuple[int, Decimal, Decimal]] = {}
    invoices = with_owing(
        Invoice.objects.filter(appointment_id__in=ids, replaced_by__isnull=True)
    ).values_list("appointment_id", "purpose", "pk", "owing", "credited", "total", "issued_at")
    for appointment_id, purpose, pk, owing, credited, total, _ in sorted(
        invoices, key=lambda row: (row[6], row[2])
    ):
        if credited < total:
            standing[(appointment_id, purpose)] = (pk, _cents(owing), total)
        else:
            standing.pop((appointment_id, purpose), None)
    waived = set(
        FeeWaiver.objects.filter(appointment_id__in=ids).values_list("appointment_id", flat=True)
    )
    return {pk: _state(pk, status, fee, late, standing, waived) for pk, status, fee, late in visits}


def _state(  # noqa: PLR0913 - one visit's row as the query gave it
    pk: int,
    status: str,
    fee: Decimal | None,
    late: bool,
    standing: dict[tuple[int, str], tuple[int, Decimal, Decimal]],
    waived: set[int],
) -> VisitBilling:
    if status in (AppointmentStatus.ARRIVED, AppointmentStatus.FULFILLED):
        invoice = standing.get((pk, InvoicePurpose.VISIT))
        if invoice is None:
            return VisitBilling(BillingState.NOT_INVOICED)
        state = BillingState.OWING if invoice[1] > 0 else BillingState.PAID
        return VisitBilling(state, invoice[0], invoice[1])
    purpose = _fee_purpose(status, late)
    if purpose is None or not fee or fee <= 0:
        return VisitBilling(BillingState.NO_CHARGE)
    if pk in waived:
        return VisitBilling(BillingState.FEE_WAIVED, fee=fee)
    invoice = standing.get((pk, purpose))
    if invoice is not None:
        return VisitBilling(BillingState.FEE_INVOICED, invoice[0], invoice[1], fee=fee)
    return VisitBilling(BillingState.FEE_DUE, fee=fee)


def _fee_purpose(status: str, late: bool) -> InvoicePurpose | None:
    if status == AppointmentStatus.NOSHOW:
        return InvoicePurpose.NO_SHOW
    if status == AppointmentStatus.CANCELLED and late:
        return InvoicePurpose.LATE_CANCELLATION
    return None


def _cents(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT)


def invoices_of(
    patient_ids: Collection[int],
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[Invoice]:
    """The patients' invoices issued in [start, end) (either open), oldest first, each
    annotated `credited`, `allocated` and `owing`, with location, payer and lines."""
    invoices = Invoice.objects.filter(patient_id__in=list(patient_ids))
    if start is not None:
        invoices = invoices.filter(issued_at__gte=start)
    if end is not None:
        invoices = invoices.filter(issued_at__lt=end)
    lines = InvoiceLine.objects.select_related("practitioner").order_by("position")
    return (
        with_owing(invoices)
        .select_related("patient", "location", "payer")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("issued_at", "number")
    )


@dataclass(frozen=True)
class PackageBalance:
    """What is left of a package the patient bought."""

    package_id: int
    patient_id: int
    name: str
    service_id: int
    service_name: str
    visits: int
    used: int
    expires_on: date
    expired: bool
    cancelled: bool  # its sale was credited (in part or whole): no visit drawn from it

    @property
    def remaining(self) -> int:
        return 0 if self.cancelled else max(self.visits - self.used, 0)

    @property
    def usable(self) -> bool:
        return self.remaining > 0 and not self.expired


def package_balances(patient_ids: Collection[int], on: date) -> list[PackageBalance]:
    """The patients' packages with the visits left and whether they had expired on
    `on` (a business date), soonest to expire first: one query."""
    packages = (
        Package.objects.filter(patient_id__in=list(patient_ids))
        .select_related("offer__service")
        .annotate(
            # Subqueries, not joins: two sums over two joined tables multiply each other.
            used=Coalesce(
                Subquery(
                    PackageUse.objects.filter(package=OuterRef("pk"))
                    .values("package")
                    .annotate(s=Sum("visits"))
                    .values("s")[:1]
                ),
                0,
            ),
            credited=Exists(CreditNote.objects.filter(invoice=OuterRef("invoice"))),
        )
        .order_by("expires_on", "pk")
    )
    return [
        PackageBalance(
            package_id=package.pk,
            patient_id=package.patient_id,
            name=package.offer.name,
            service_id=package.offer.service_id,
            service_name=package.offer.service.name,
            visits=package.visits,
            used=int(package.used),
            expires_on=package.expires_on,
            expired=on > package.expires_on,
            cancelled=package.credited,
        )
        for package in packages
    ]
