"""Issuing invoices: a visit at check-out, products sold over the counter, and the
pieces fees and packages share (pricing a line with its tax, numbering and writing an
invoice, billing a third party). docs/algorithms/billing.md, "Invoices and numbering".

There are no drafts: the desk chooses products, a discount and a payer on the check-out
page, and one call prices, numbers and writes the invoice and its lines in one
transaction, with its audit record. A refusal writes nothing, and gives its number back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum, prefetch_related_objects

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.billing.choices import InvoicePurpose, LineKind, PayerKind, SequenceKind
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import (
    CreditNote,
    Invoice,
    InvoiceLine,
    Package,
    Payer,
    Product,
)
from rehabdesk.billing.numbering import display_number, next_number
from rehabdesk.clinic.choices import TaxTreatment
from rehabdesk.clinic.models import Location, TaxCategory
from rehabdesk.clinic.tax import RatePeriod, TaxConfigurationError, tax_for
from rehabdesk.core.events import event_publish, iso
from rehabdesk.core.money import round_money
from rehabdesk.patients.models import Coverage, Patient
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

ZERO = Decimal("0.00")
# A visit is invoiced once the patient is there: checked in, or seen.
BILLABLE_STATUSES = (AppointmentStatus.ARRIVED, AppointmentStatus.FULFILLED)
CLAIM_NUMBER_NEEDED = (PayerKind.WSIB, PayerKind.AUTO)


@dataclass(frozen=True)
class ProductLine:
    """A product on an invoice, as the desk chose it: how many, and any discount on the
    line (before tax) with its reason."""

    product: Product
    quantity: int = 1
    discount: Decimal = Decimal(0)
    discount_reason: str = ""


@dataclass(frozen=True)
class ThirdParty:
    """Part of an invoice billed to an insurer, the WSIB or an auto insurer: `payer_share`
    of the total (tax included); the rest is the patient's."""

    payer: Payer
    payer_share: Decimal
    claim_number: str = ""
    coverage: Coverage | None = None


@dataclass
class Draft:
    """An invoice priced but not yet written: what `invoice_write` numbers and saves."""

    location: Location
    patient: Patient
    purpose: InvoicePurpose
    on: date  # the day of the supply, which sets the tax
    lines: list[InvoiceLine] = field(default_factory=list)
    appointment: Appointment | None = None
    replaces: Invoice | None = None
    third_party: ThirdParty | None = None


# Pricing ------------------------------------------------------------------------------


def line_priced(
    *,
    kind: LineKind,
    description: str,
    unit_price: Decimal,
    tax_category: TaxCategory,
    on: date,
    quantity: int = 1,
    discount: Decimal = Decimal(0),
    discount_reason: str = "",
    **links: object,
) -> InvoiceLine:
    """A line with its amount (quantity × price − discount) and its tax by the rule
    (clinic.tax.tax_for on the amount, on day `on`), each rounded to the cent."""
    if quantity < 1:
        raise BillingError(BillingErrorCode.INVALID, "A quantity is at least 1.", field="quantity")
    if unit_price < 0 or discount < 0:
        raise BillingError(
            BillingErrorCode.NEGATIVE_AMOUNT,
            "Prices and discounts cannot be negative.",
            field="discount" if discount < 0 else "price",
        )
    discount = round_money(Decimal(discount))
    gross = round_money(unit_price * quantity)
    if discount > gross:
        raise BillingError(
            BillingErrorCode.DISCOUNT_TOO_LARGE,
            f"A discount cannot be more than the line's price ({gross}).",
            field="discount",
        )
    if discount and not discount_reason.strip():
        raise BillingError(
            BillingErrorCode.DISCOUNT_REASON_MISSING,
            "Say why the discount is given.",
            field="discount_reason",
        )
    amount = gross - discount
    quote = _tax_quote(tax_category, amount, on)
    return InvoiceLine(
        kind=kind,
        description=description[:200],
        quantity=quantity,
        unit_price=round_money(unit_price),
        discount=discount,
        discount_reason=discount_reason.strip()[:200] if discount else "",
        tax_treatment=quote.treatment,
        tax_name=" + ".join(line.name for line in quote.lines),
        tax_percent=sum((line.percent for line in quote.lines), Decimal(0)),
        amount=amount,
        tax=quote.tax,
        total=quote.total,
        **links,
    )


def _tax_quote(category: TaxCategory, amount: Decimal, on: date):  # type: ignore[no-untyped-def]
    # Read once per category object: a line is priced, then checked, on the same one.
    prefetch_related_objects([category], "rates")
    rates = [
        RatePeriod(rate.name, rate.percent, rate.valid_from, rate.valid_until)
        for rate in category.rates.all()
    ]
    try:
        return tax_for(price=amount, treatment=TaxTreatment(category.treatment), rates=rates, on=on)
    except TaxConfigurationError:
        raise BillingError(
            BillingErrorCode.INVALID,
            f"{category.name} has no tax rate on {on.isoformat()}: a manager must set one.",
        ) from None


def line_tax_check(line: InvoiceLine, on: date) -> None:
    """Refuse a line whose tax is not what the rule gives for its amount on its day:
    more (or less) tax than the law says is never written, whoever priced the line.
    A visit drawn from a package carries none: its tax was charged on the package."""
    category = _rule_category(line)
    expected = ZERO if category is None else _tax_quote(category, line.amount, on).tax
    if line.tax != expected or line.total != line.amount + line.tax:
        raise BillingError(
            BillingErrorCode.TAX_MISMATCH,
            f"The tax on “{line.description}” must be {expected}, not {line.tax}.",
            field="tax",
        )


def _rule_category(line: InvoiceLine) -> TaxCategory | None:
    if line.kind == LineKind.PRODUCT and line.product is not None:
        return line.product.tax_category
    if line.package_offer is not None:
        if line.kind == LineKind.SERVICE:
            return None
        return line.package_offer.service.tax_category
    if line.service is not None:
        return line.service.tax_category
    raise BillingError(BillingErrorCode.INVALID, "A line names what it is for.")


def products_priced(
    products: Sequence[ProductLine], *, clinic_id: int, on: date
) -> list[InvoiceLine]:
    lines = []
    for chosen in products:
        product = chosen.product
        if product.clinic_id != clinic_id or not product.active:
            raise BillingError(
                BillingErrorCode.PRODUCT_INACTIVE,
                f"{product.name} is not sold any more.",
                field="products",
            )
        lines.append(
            line_priced(
                kind=LineKind.PRODUCT,
                description=product.name,
                unit_price=product.price,
                tax_category=product.tax_category,
                on=on,
                quantity=chosen.quantity,
                discount=chosen.discount,
                discount_reason=chosen.discount_reason,
                product=product,
            )
        )
    return lines


# Writing ------------------------------------------------------------------------------


def invoice_write(draft: Draft, *, by: User, now: datetime) -> Invoice:
    """Number and write a priced invoice with its lines and audit record; call inside
    the transaction that checked it. The number is taken last: the clinic's other
    invoices wait behind it only for the inserts."""
    if not draft.lines:
        raise BillingError(BillingErrorCode.EMPTY_INVOICE, "An invoice needs at least one line.")
    for line in draft.lines:
        line_tax_check(line, draft.on)
    subtotal = sum((round_money(line.unit_price * line.quantity) for line in draft.lines), ZERO)
    discount = sum((line.discount for line in draft.lines), ZERO)
    tax = sum((line.tax for line in draft.lines), ZERO)
    total = subtotal - discount + tax
    party = draft.third_party
    location = draft.location
    payer_share = (
        third_party_check(party, draft.patient, total, location.clinic_id) if party else ZERO
    )
    invoice = Invoice(
        clinic_id=location.clinic_id,
        location=location,
        issued_at=now,
        issued_by=by,
        patient=draft.patient,
        purpose=draft.purpose,
        appointment=draft.appointment,
        replaces=draft.replaces,
        payer=party.payer if party else None,
        coverage=party.coverage if party else None,
        claim_number=party.claim_number.strip() if party else "",
        subtotal=subtotal,
        discount=discount,
        tax=tax,
        total=total,
        payer_share=payer_share,
    )
    invoice.number = next_number(clinic_id=location.clinic_id, kind=SequenceKind.INVOICE)
    invoice.save(force_insert=True)
    for position, line in enumerate(draft.lines, start=1):
        line.invoice = invoice
        line.position = position
    InvoiceLine.objects.bulk_create(draft.lines)
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        object_type="billing.invoice",
        object_id=invoice.pk,
        patient_ids=[draft.patient.pk],
        summary=f"invoice {display_number(invoice.number)} issued ({draft.purpose})",
        location_id=location.pk,
        now=now,
    )
    # Told to the webhooks (core/events.py): ids and times, no amounts or lines.
    event_publish(
        type="invoice.issued",
        data={
            "invoice_id": invoice.pk,
            "patient_id": draft.patient.pk,
            "location_id": location.pk,
            "appointment_id": draft.appointment.pk if draft.appointment else None,
            "issued_at": iso(now),
        },
        now=now,
    )
    return invoice


def third_party_check(
    party: ThirdParty, patient: Patient, total: Decimal, clinic_id: int
) -> Decimal:
    """The payer's share, once the payer, the coverage and the claim number hold."""
    payer = party.payer
    if not payer.active or payer.clinic_id != clinic_id:
        raise BillingError(
            BillingErrorCode.PAYER_INACTIVE, f"{payer.name} is no longer billed.", field="payer"
        )
    if payer.kind in CLAIM_NUMBER_NEEDED and not party.claim_number.strip():
        raise BillingError(
            BillingErrorCode.CLAIM_NUMBER_MISSING,
            f"A {payer.get_kind_display()} invoice needs the claim number.",
            field="claim_number",
        )
    if party.coverage is not None and party.coverage.patient_id != patient.pk:
        raise BillingError(
            BillingErrorCode.COVERAGE_NOT_PATIENTS,
            "That coverage is another patient's.",
            field="coverage",
        )
    share = round_money(Decimal(party.payer_share))
    if share < 0:
        raise BillingError(
            BillingErrorCode.NEGATIVE_AMOUNT,
            "The payer's share cannot be negative.",
            field="payer_share",
        )
    if share > total:
        raise BillingError(
            BillingErrorCode.PAYER_SHARE_TOO_LARGE,
            f"The payer's share cannot be more than the invoice's total ({total}).",
            field="payer_share",
        )
    return share


def visit_locked(appointment: Appointment) -> Appointment:
    """The appointment once this transaction holds its row, read fresh: two desks
    invoicing (or waiving) the same visit queue here, and the second sees the first's
    invoice. Locked alone, then read with what goes with it (as scheduling does)."""
    locked = Appointment.objects.select_for_update().filter(pk=appointment.pk).order_by()
    if not locked.values_list("pk", flat=True):
        raise Appointment.DoesNotExist  # appointments are never deleted: a wrong id
    return Appointment.objects.select_related(
        "location__clinic", "service__tax_category", "patient", "practitioner"
    ).get(pk=appointment.pk)


def current_invoice(appointment: Appointment, purpose: InvoicePurpose) -> Invoice | None:
    """The visit's invoice for `purpose` that no later one replaced."""
    return (
        Invoice.objects.filter(appointment=appointment, purpose=purpose, replaced_by__isnull=True)
        .order_by("-issued_at", "-pk")
        .first()
    )


def credited_in_full(invoice: Invoice) -> bool:
    credited = CreditNote.objects.filter(invoice=invoice).aggregate(s=Sum("total"))["s"]
    return (credited or ZERO) >= invoice.total


def replaceable(appointment: Appointment, purpose: InvoicePurpose) -> Invoice | None:
    """The invoice a new one for this visit replaces (its last, credited in full), or
    None for a first; ALREADY_INVOICED while the visit has an invoice standing."""
    standing = current_invoice(appointment, purpose)
    if standing is None:
        return None
    if not credited_in_full(standing):
        raise BillingError(
            BillingErrorCode.ALREADY_INVOICED,
            f"This visit is on invoice {display_number(standing.number)} already.",
        )
    return standing


def patient_of(visit: Appointment) -> Patient:
    """The visit's patient (a hold for nobody is never billed)."""
    if visit.patient is None:
        raise BillingError(BillingErrorCode.VISIT_NOT_BILLABLE, "This time is held for nobody.")
    return visit.patient


def local_day(appointment: Appointment) -> date:
    return appointment.start.astimezone(appointment.location.zone).date()


def written_once(write):  # type: ignore[no-untyped-def]
    """Run a write; the database's one-invoice-per-visit key refusing it (a desk that
    got past the lock some other way) is ALREADY_INVOICED, never a server error."""
    try:
        return write()
    except IntegrityError as error:
        if "invoice_once_per_visit" in str(
            error
        ) or "appointment_id, billing_invoice.purpose" in str(error):
            raise BillingError(
                BillingErrorCode.ALREADY_INVOICED, "This visit was invoiced just now."
            ) from None
        raise


# Visits and sales -----------------------------------------------------------------------


def invoice_for_visit(
    *,
    appointment: Appointment,
    by: User,
    now: datetime,
    products: Sequence[ProductLine] = (),
    discount: Decimal = Decimal(0),
    discount_reason: str = "",
    third_party: ThirdParty | None = None,
    package: Package | None = None,
) -> Invoice:
    """Invoice a visit at check-out: the service at its price (less any discount, with
    its reason) and its tax on the visit's day, the products sold with it, a share
    billed to a third party, or the visit drawn from the patient's package.

    Only a visit the patient came to (checked in or seen), on or before today; a second
    invoice for the same visit is refused (ALREADY_INVOICED) unless the first was
    credited in full, which the new one then replaces."""
    from rehabdesk.billing.services.packages import package_draw, package_line

    def write() -> Invoice:
        with transaction.atomic():
            visit = visit_locked(appointment)
            _visit_check(visit, now)
            replaces = replaceable(visit, InvoicePurpose.VISIT)
            on = local_day(visit)
            if package is not None:
                if third_party is not None or discount:
                    raise BillingError(
                        BillingErrorCode.INVALID,
                        "A visit drawn from a package carries no discount and no payer.",
                        field="package",
                    )
                service_line, locked_package = package_line(package=package, visit=visit, now=now)
            else:
                service_line = _service_line(visit, on, discount, discount_reason)
                locked_package = None
            lines = [
                service_line,
                *products_priced(products, clinic_id=visit.location.clinic_id, on=on),
            ]
            invoice = invoice_write(
                Draft(
                    location=visit.location,
                    patient=patient_of(visit),
                    purpose=InvoicePurpose.VISIT,
                    on=on,
                    lines=lines,
                    appointment=visit,
                    replaces=replaces,
                    third_party=third_party,
                ),
                by=by,
                now=now,
            )
            if locked_package is not None:
                package_draw(
                    package=locked_package, invoice=invoice, line=service_line, by=by, now=now
                )
            return invoice

    return written_once(write)


def _visit_check(visit: Appointment, now: datetime) -> None:
    if visit.status not in BILLABLE_STATUSES:
        fee = visit.status in (AppointmentStatus.NOSHOW, AppointmentStatus.CANCELLED)
        raise BillingError(
            BillingErrorCode.VISIT_NOT_BILLABLE,
            "A missed or cancelled visit is billed as its fee, if any."
            if fee
            else "Check the patient in before invoicing the visit.",
        )
    if local_day(visit) > now.astimezone(visit.location.zone).date():
        raise BillingError(
            BillingErrorCode.VISIT_NOT_BILLABLE, "A visit is invoiced on its day or after."
        )


def _service_line(
    visit: Appointment, on: date, discount: Decimal, discount_reason: str
) -> InvoiceLine:
    service = visit.service
    return line_priced(
        kind=LineKind.SERVICE,
        description=service.name,
        unit_price=service.price,
        tax_category=service.tax_category,
        on=on,
        discount=discount,
        discount_reason=discount_reason,
        service=service,
        practitioner=visit.practitioner,
        service_date=on,
        duration_minutes=service.duration_minutes,
    )


def invoice_for_sale(
    *,
    patient: Patient,
    location: Location,
    products: Sequence[ProductLine],
    by: User,
    now: datetime,
) -> Invoice:
    """Invoice products sold over the counter, with no visit, taxed on today's date at
    the location."""
    on = now.astimezone(location.zone).date()
    with transaction.atomic():
        lines = products_priced(products, clinic_id=location.clinic_id, on=on)
        return invoice_write(
            Draft(
                location=location,
                patient=patient,
                purpose=InvoicePurpose.SALE,
                on=on,
                lines=lines,
            ),
            by=by,
            now=now,
        )
