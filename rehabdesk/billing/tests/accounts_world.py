"""What the payment, refund, balance and day-end tests stand on: the personas' clinic,
and invoices and credit notes written as plain rows — the smallest facts a payment
needs, independent of how invoices are priced (billing/services/invoices.py's tests).

A credit note here does what the credit-note service does to payments: whatever of
the patient's (or the payer's) money paid the invoice beyond what is left of their
part after the credit is taken back off it (a negative allocation), back to credit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Max

from rehabdesk.accounts.models import User
from rehabdesk.billing.choices import InvoicePurpose, PayerKind
from rehabdesk.billing.models import CreditNote, Invoice, Payer, PaymentAllocation
from rehabdesk.billing.selectors.accounts import with_party_owing
from rehabdesk.clinic.models import Location
from rehabdesk.patients.models import Patient

TORONTO = ZoneInfo("America/Toronto")
# Monday 8 March 2027, 15:00 at Pickering.
NOW = datetime(2027, 3, 8, 15, 0, tzinfo=TORONTO)
ZERO = Decimal("0.00")


@dataclass
class World:
    desk: User
    manager: User
    pickering: Location
    milton: Location
    alice: Patient
    bob: Patient
    guardian: Patient
    child: Patient
    insurer: Payer

    def invoice(
        self,
        total: str | Decimal,
        *,
        patient: Patient | None = None,
        payer_share: str | Decimal = "0.00",
        issued_at: datetime | None = None,
        location: Location | None = None,
    ) -> Invoice:
        return invoice_write(
            patient=patient or self.alice,
            location=location or self.pickering,
            by=self.desk,
            total=Decimal(total),
            payer=self.insurer if Decimal(payer_share) else None,
            payer_share=Decimal(payer_share),
            issued_at=issued_at or NOW - timedelta(hours=1),
        )


def build_world(personas: object) -> World:
    p = personas
    insurer = Payer.objects.create(
        clinic_id=p.pickering.clinic_id,  # type: ignore[attr-defined]
        name="Sample Life",
        kind=PayerKind.EXTENDED_HEALTH,
    )
    return World(
        desk=p.front_desk,  # type: ignore[attr-defined]
        manager=p.manager,  # type: ignore[attr-defined]
        pickering=Location.objects.select_related("clinic").get(pk=p.pickering.pk),  # type: ignore[attr-defined]
        milton=Location.objects.select_related("clinic").get(pk=p.milton.pk),  # type: ignore[attr-defined]
        alice=p.patient_a,  # type: ignore[attr-defined]
        bob=p.patient_b,  # type: ignore[attr-defined]
        guardian=p.guardian,  # type: ignore[attr-defined]
        child=p.child,  # type: ignore[attr-defined]
        insurer=insurer,
    )


def invoice_write(
    *,
    patient: Patient,
    location: Location,
    by: User,
    total: Decimal,
    issued_at: datetime,
    payer: Payer | None = None,
    payer_share: Decimal = ZERO,
) -> Invoice:
    """An issued sale invoice of `total` (tax left out: payments do not look at it)."""
    last = Invoice.objects.filter(clinic_id=location.clinic_id).aggregate(n=Max("number"))["n"]
    return Invoice.objects.create(
        clinic_id=location.clinic_id,
        location=location,
        number=(last or 0) + 1,
        issued_at=issued_at,
        issued_by=by,
        patient=patient,
        purpose=InvoicePurpose.SALE,
        payer=payer,
        subtotal=total,
        total=total,
        payer_share=payer_share,
    )


def credit_note_write(
    *,
    invoice: Invoice,
    total: Decimal,
    by: User,
    issued_at: datetime,
    payer_share: Decimal = ZERO,
) -> CreditNote:
    """A credit note of `total` (of which `payer_share` off the payer's part), and the
    allocations beyond what is left of each part taken back off the invoice, newest
    first."""
    last = CreditNote.objects.filter(clinic_id=invoice.clinic_id).aggregate(n=Max("number"))["n"]
    note = CreditNote.objects.create(
        clinic_id=invoice.clinic_id,
        location_id=invoice.location_id,
        number=(last or 0) + 1,
        invoice=invoice,
        issued_at=issued_at,
        issued_by=by,
        reason="Test correction",
        amount=total,
        total=total,
        payer_share=payer_share,
    )
    row = with_party_owing(Invoice.objects.filter(pk=invoice.pk)).get()
    for owing, by_payer in ((row.patient_owing, False), (row.payer_owing, True)):
        excess = -owing
        allocations = PaymentAllocation.objects.filter(
            invoice=invoice, payment__payer__isnull=not by_payer
        ).order_by("-created_at", "-pk")
        by_payment: dict[int, Decimal] = {}
        for allocation in allocations:
            by_payment[allocation.payment_id] = (
                by_payment.get(allocation.payment_id, ZERO) + allocation.amount
            )
        for payment_id, allocated in by_payment.items():
            if excess <= 0:
                break
            back = min(excess, allocated)
            if back > 0:
                PaymentAllocation.objects.create(
                    payment_id=payment_id, invoice=invoice, amount=-back, created_at=issued_at
                )
                excess -= back
    return note
