"""Hand-made billing rows for the report tests: invoices, credit notes and payments
written in bulk (the append-only guards allow INSERT), each with exactly the amounts a
test says, so every report's figures can be worked out on paper."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import count

from rehabdesk.accounts.models import User
from rehabdesk.billing.choices import InvoicePurpose, LineKind, PaymentKind, PaymentMethod
from rehabdesk.billing.models import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    Package,
    PackageOffer,
    Payer,
    Payment,
    PaymentAllocation,
)
from rehabdesk.clinic.choices import TaxTreatment
from rehabdesk.clinic.models import Location, Practitioner, Service
from rehabdesk.patients.models import Patient

_numbers = count(1)


def money(text: str | int | Decimal) -> Decimal:
    return Decimal(str(text)).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Line:
    """One invoice line: `amount` after discount, before tax; `hst` True for 13 %."""

    amount: str
    kind: LineKind = LineKind.SERVICE
    service: Service | None = None
    practitioner: Practitioner | None = None
    hst: bool = False

    @property
    def tax(self) -> Decimal:
        return money(money(self.amount) * Decimal("0.13")) if self.hst else money(0)


@dataclass
class Books:
    """A clinic's books written by hand: who issues, and the invoices so far."""

    issuer: User  # the user issuing and recording
    invoices: list[Invoice] = field(default_factory=list)

    def invoice(
        self,
        *,
        location: Location,
        patient: Patient,
        issued_at: datetime,
        lines: list[Line],
        purpose: InvoicePurpose = InvoicePurpose.VISIT,
        payer: Payer | None = None,
        payer_share: str = "0",
    ) -> Invoice:
        amount = sum((money(line.amount) for line in lines), money(0))
        tax = sum((line.tax for line in lines), money(0))
        invoice = Invoice.objects.create(
            clinic_id=location.clinic_id,
            location=location,
            number=next(_numbers),
            issued_at=issued_at,
            issued_by=self.issuer,
            patient=patient,
            purpose=purpose,
            payer=payer,
            subtotal=amount,
            tax=tax,
            total=amount + tax,
            payer_share=money(payer_share),
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                position=position,
                kind=line.kind,
                description=line.kind.label,
                service=line.service,
                practitioner=line.practitioner,
                service_date=issued_at.date(),
                quantity=1,
                unit_price=money(line.amount),
                tax_treatment=TaxTreatment.TAXABLE if line.hst else TaxTreatment.EXEMPT,
                tax_name="HST" if line.hst else "",
                tax_percent=Decimal("13.00") if line.hst else money(0),
                amount=money(line.amount),
                tax=line.tax,
                total=money(line.amount) + line.tax,
            )
            for position, line in enumerate(lines, start=1)
        )
        self.invoices.append(invoice)
        return invoice

    def credit(
        self,
        invoice: Invoice,
        *,
        issued_at: datetime,
        amounts: dict[int, str],
        payer_share: str = "0",
    ) -> CreditNote:
        """A credit note taking `amounts` (line position -> amount before tax) off."""
        lines = {line.position: line for line in invoice.lines.all()}
        parts = []
        for position, text in amounts.items():
            line = lines[position]
            tax = money(money(text) * line.tax_percent / 100)
            parts.append((line, money(text), tax))
        amount = sum((part[1] for part in parts), money(0))
        tax = sum((part[2] for part in parts), money(0))
        note = CreditNote.objects.create(
            clinic_id=invoice.clinic_id,
            location_id=invoice.location_id,
            number=next(_numbers),
            invoice=invoice,
            issued_at=issued_at,
            issued_by=self.issuer,
            reason="Price corrected",
            amount=amount,
            tax=tax,
            total=amount + tax,
            payer_share=money(payer_share),
        )
        CreditNoteLine.objects.bulk_create(
            CreditNoteLine(credit_note=note, invoice_line=line, amount=a, tax=t, total=a + t)
            for line, a, t in parts
        )
        return note

    def pay(
        self,
        invoice: Invoice,
        amount: str,
        *,
        received_at: datetime,
        method: PaymentMethod = PaymentMethod.DEBIT,
        payer: Payer | None = None,
        package: Package | None = None,
    ) -> Payment:
        payment = Payment.objects.create(
            clinic_id=invoice.clinic_id,
            location_id=invoice.location_id,
            patient_id=invoice.patient_id,
            payer=payer,
            kind=PaymentKind.PAYMENT,
            method=method,
            amount=money(amount),
            package=package,
            received_at=received_at,
            business_date=received_at.date(),
            recorded_by=self.issuer,
        )
        PaymentAllocation.objects.create(
            payment=payment, invoice=invoice, amount=money(amount), created_at=received_at
        )
        return payment

    def package_for(
        self, invoice: Invoice, *, service: Service, patient: Patient, sold_at: datetime
    ) -> Package:
        offer = PackageOffer.objects.create(
            clinic_id=invoice.clinic_id,
            name=f"Five of {service.name}",
            service=service,
            visits=5,
            price=money(500),
        )
        return Package.objects.create(
            patient=patient,
            offer=offer,
            invoice=invoice,
            visits=5,
            expires_on=sold_at.date().replace(year=sold_at.year + 1),
            created_at=sold_at,
        )
