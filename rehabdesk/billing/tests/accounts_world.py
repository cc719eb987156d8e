"""What the payment, refund, balance and day-end tests stand on: the personas' clinic,
a payer, and invoices of a given total (one HST-exempt item, so the total is its
price) and credit notes, issued through the invoices' and credit notes' services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from rehabdesk.accounts.models import User
from rehabdesk.billing.choices import InvoicePurpose, PayerKind
from rehabdesk.billing.models import CreditNote, Invoice, Payer, Product
from rehabdesk.billing.services import ProductLine, ThirdParty, credit_note_issue, invoices
from rehabdesk.clinic.models import Location, TaxCategory
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


def product_for(clinic_id: int, price: Decimal, tax: str = "physiotherapy") -> Product:
    """A product at `price` (HST-exempt unless told), kept by price."""
    product, _ = Product.objects.get_or_create(
        clinic_id=clinic_id,
        name=f"Item at {price} ({tax})",
        defaults={"price": price, "tax_category": TaxCategory.objects.get(code=tax)},
    )
    return product


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
    """An invoice of `total` for one HST-exempt item, `payer_share` of it billed to
    `payer`, issued through the invoices' own writer (numbering, lines, audit)."""
    line = ProductLine(product_for(location.clinic_id, total))
    on = issued_at.astimezone(location.zone).date()
    with transaction.atomic():
        return invoices.invoice_write(
            invoices.Draft(
                location=location,
                patient=patient,
                purpose=InvoicePurpose.SALE,
                on=on,
                lines=invoices.products_priced([line], clinic_id=location.clinic_id, on=on),
                third_party=ThirdParty(payer, payer_share) if payer is not None else None,
            ),
            by=by,
            now=issued_at,
        )


def credit_note_write(
    *,
    invoice: Invoice,
    total: Decimal,
    by: User,
    issued_at: datetime,
) -> CreditNote:
    """A credit note of `total` off the invoice's first line (the credit-note service:
    the payer's part in proportion, money paid beyond what is left released)."""
    line = invoice.lines.order_by("position").first()
    assert line is not None
    return credit_note_issue(
        invoice=invoice,
        reason="Test correction",
        by=by,
        now=issued_at,
        amounts={line.pk: total},
    )
