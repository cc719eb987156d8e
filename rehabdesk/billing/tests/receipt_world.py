"""Invoices, payments and credit notes for the receipt tests, written as rows (the
append-only guards allow INSERT), so these tests read receipts of exactly the facts
they set up. The personas (rehabdesk.testing.personas) are the people."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count

from rehabdesk.billing.choices import InvoicePurpose, LineKind, PaymentKind, PaymentMethod
from rehabdesk.billing.models import (
    CreditNote,
    Invoice,
    InvoiceLine,
    Payer,
    Payment,
    PaymentAllocation,
)
from rehabdesk.clinic.choices import TaxTreatment
from rehabdesk.clinic.models import Clinic, Service
from rehabdesk.clinic.testing import make_service, qualification

VISIT_DAY = date(2026, 3, 2)
ISSUED = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)  # 11:00 AM in Toronto
HST_NUMBER = "123456789 RT0001"
_numbers = count(1)


def physio_service() -> Service:
    if found := Service.objects.filter(name="Physiotherapy follow-up").first():
        return found
    return make_service("Physiotherapy follow-up", price="95.00", minutes=30)


def massage_service() -> Service:
    if found := Service.objects.filter(name="Massage therapy, 60 minutes").first():
        return found
    return make_service(
        "Massage therapy, 60 minutes",
        discipline="massage-therapy",
        qualifications=[qualification("cmto")],
        tax="massage-therapy",
        price="100.00",
        minutes=60,
    )


def hst_registered(personas, number: str = HST_NUMBER) -> None:
    Clinic.objects.filter(pk=personas.pickering.clinic_id).update(hst_number=number)


def visit_invoice(
    personas,
    *,
    patient=None,
    service: Service,
    practitioner=None,
    day: date = VISIT_DAY,
    issued_at: datetime = ISSUED,
    price: str | None = None,
    discount: str = "0.00",
    discount_reason: str = "",
    payer: Payer | None = None,
    payer_share: str = "0.00",
    claim_number: str = "",
) -> Invoice:
    """One visit's invoice: a service line with its practitioner, date and duration,
    taxed 13 % HST when the service is massage therapy."""
    patient = patient or personas.patient_a
    practitioner = practitioner or (
        personas.massage_therapist
        if service.discipline.slug == "massage-therapy"
        else personas.physio
    )
    unit = Decimal(price or service.price)
    amount = unit - Decimal(discount)
    taxable = service.tax_category.treatment == TaxTreatment.TAXABLE
    tax = (amount * Decimal("0.13")).quantize(Decimal("0.01")) if taxable else Decimal("0.00")
    invoice = Invoice.objects.create(
        clinic_id=personas.pickering.clinic_id,
        location=personas.pickering,
        number=next(_numbers),
        issued_at=issued_at,
        issued_by=personas.front_desk,
        patient=patient,
        purpose=InvoicePurpose.VISIT,
        payer=payer,
        claim_number=claim_number,
        subtotal=unit,
        discount=Decimal(discount),
        tax=tax,
        total=amount + tax,
        payer_share=Decimal(payer_share),
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        position=1,
        kind=LineKind.SERVICE,
        description=service.name,
        service=service,
        practitioner=practitioner,
        service_date=day,
        duration_minutes=service.duration_minutes,
        quantity=1,
        unit_price=unit,
        discount=Decimal(discount),
        discount_reason=discount_reason,
        tax_treatment=service.tax_category.treatment,
        tax_name="HST" if taxable else "",
        tax_percent=Decimal("13.00") if taxable else Decimal("0.00"),
        amount=amount,
        tax=tax,
        total=amount + tax,
    )
    return invoice


def pay(
    personas,
    invoice: Invoice,
    amount: str | Decimal,
    *,
    method: PaymentMethod = PaymentMethod.DEBIT,
    payer: Payer | None = None,
    received_at: datetime | None = None,
) -> Payment:
    received_at = received_at or invoice.issued_at + timedelta(minutes=5)
    payment = Payment.objects.create(
        clinic_id=invoice.clinic_id,
        location_id=invoice.location_id,
        patient_id=invoice.patient_id,
        payer=payer,
        kind=PaymentKind.PAYMENT,
        method=method,
        amount=Decimal(amount),
        received_at=received_at,
        business_date=received_at.astimezone(personas.pickering.zone).date(),
        recorded_by=personas.front_desk,
    )
    PaymentAllocation.objects.create(
        payment=payment, invoice=invoice, amount=Decimal(amount), created_at=received_at
    )
    return payment


def credit(personas, invoice: Invoice, total: str, reason: str = "Price corrected") -> CreditNote:
    return CreditNote.objects.create(
        clinic_id=invoice.clinic_id,
        location_id=invoice.location_id,
        number=next(_numbers),
        invoice=invoice,
        issued_at=invoice.issued_at + timedelta(days=1),
        issued_by=personas.front_desk,
        reason=reason,
        amount=Decimal(total),
        tax=Decimal("0.00"),
        total=Decimal(total),
    )


def insurer(personas, name: str = "Sun Life") -> Payer:
    return Payer.objects.create(
        clinic_id=personas.pickering.clinic_id, name=name, kind="extended_health"
    )
