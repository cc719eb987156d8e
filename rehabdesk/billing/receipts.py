"""The receipt an extended-health insurer accepts, as plain data (domain-reference §3.5).

A receipt is an invoice as the patient claims it: the clinic's name, address and phone,
its HST number when a line carries HST, the patient's legal name, and per line the
service date (never the payment date), the service and its duration, the practitioner's
name, designation and registration number in force that day, the amount, the tax; then
the payments applied with their dates and methods, credit notes, and "Paid in full" or
the balance. The receipt number is the invoice number. A massage receipt carries the
RMT's signature line. docs/algorithms/billing.md, "Receipts and statements".

What is owed comes from the one definition (selectors/owing.py); the rest is read here in
a fixed number of queries however many receipts (`receipts_load`): the portal's year
and the bench's single receipt alike. billing/pdf.py lays the data out; nothing here
decides who may see it (access/receipts.py does).

An original and its duplicates: every copy made of a receipt (downloaded, e-mailed,
in a year's file) is an export on the audit trail under RECEIPT_COPY; the first copy
made once the invoice is paid in full is the original, every later one says
"DUPLICATE" (`copies_made`). Copies made while a balance is owing are invoices, not
receipts, and count for nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch, Q

from rehabdesk.audit.selectors import exports_counted
from rehabdesk.billing.choices import LineKind, PaymentMethod
from rehabdesk.billing.models import Invoice, InvoiceLine, PaymentAllocation
from rehabdesk.billing.numbering import display_number
from rehabdesk.billing.selectors.accounts import StatementRow, statement
from rehabdesk.billing.selectors.owing import with_owing
from rehabdesk.clinic.models import Clinic, Location, Qualification, Registration
from rehabdesk.patients.models import Patient

ZERO = Decimal("0.00")
# The audit trail's name for a copy of a paid receipt (counted for "DUPLICATE"), and for
# a copy of an invoice still owing (not counted).
RECEIPT_COPY = "billing.receipt"
INVOICE_COPY = "billing.invoice_copy"
# The designation whose receipts carry the therapist's signature (CMTO's RMT).
SIGNED_BY = frozenset({"RMT"})


@dataclass(frozen=True)
class Provider:
    """Who gave a service, as the insurer checks them against the college's register."""

    name: str
    designation: str  # "PT", "RMT"; "" when no registration was in force that day
    registration: str

    @property
    def text(self) -> str:
        """'Priya Physio, PT — registration no. PT-123'."""
        who = f"{self.name}, {self.designation}" if self.designation else self.name
        return f"{who} — registration no. {self.registration}" if self.registration else who


@dataclass(frozen=True)
class ReceiptLine:
    description: str
    kind: str
    service_date: date | None
    duration_minutes: int | None
    provider: Provider | None
    quantity: int
    unit_price: Decimal
    discount: Decimal
    discount_reason: str
    amount: Decimal  # after the discount, before tax
    tax_name: str  # "HST"; "" when exempt
    tax_percent: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class TaxTotal:
    name: str
    percent: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PaymentApplied:
    """Money of one payment on this invoice (net of what credit notes released)."""

    day: date  # the business day it was received
    method: str  # "Debit"
    amount: Decimal
    payer: str  # "" for the patient's own money, else the insurer's name


@dataclass(frozen=True)
class CreditApplied:
    number: str
    day: date
    reason: str
    total: Decimal


@dataclass(frozen=True)
class Receipt:
    invoice_id: int
    number: str
    issued_on: date
    clinic_name: str
    clinic_address: str
    clinic_phone: str
    hst_number: str  # printed only when a line carries HST (zero-rated included)
    location_name: str
    patient_id: int
    patient_name: str  # the legal name, as the plan knows the claimant
    purpose: str
    lines: Sequence[ReceiptLine]
    subtotal: Decimal
    discount: Decimal
    tax: Decimal
    taxes: Sequence[TaxTotal]
    total: Decimal
    payments: Sequence[PaymentApplied]
    credits: Sequence[CreditApplied]
    paid: Decimal
    credited: Decimal
    owing: Decimal  # everyone's (the one definition)
    payer_name: str
    claim_number: str
    payer_share: Decimal
    payer_owing: Decimal
    signers: Sequence[Provider] = field(default=())  # RMTs whose receipts they sign
    duplicate: bool = False

    @property
    def patient_owing(self) -> Decimal:
        return self.owing - self.payer_owing

    @property
    def paid_in_full(self) -> bool:
        """Nothing owed by anyone, and something was paid (a fully credited invoice is
        no receipt for payment)."""
        return self.owing <= ZERO and self.paid > ZERO

    @property
    def title(self) -> str:
        return "Receipt" if self.paid_in_full else "Invoice"

    @property
    def status(self) -> str:
        if self.paid_in_full:
            return "Paid in full — balance $0.00"
        if self.owing <= ZERO:
            return "Credited in full — nothing to pay"
        return f"Balance owing ${self.owing:,.2f}"

    @property
    def service_dates(self) -> list[date]:
        return sorted({line.service_date for line in self.lines if line.service_date})

    @property
    def filename(self) -> str:
        """The download's name: the number, never the patient's name."""
        return f"{self.title.lower()}-{self.number}.pdf"


def receipts_load(invoice_ids: Collection[int]) -> list[Receipt]:
    """The receipts of these invoices, in the order of the ids given, in six queries
    (invoices with what they owe; lines; credit notes; allocations with payments;
    registrations; qualifications)."""
    ids = list(invoice_ids)
    if not ids:
        return []
    invoices = {
        invoice.pk: invoice
        for invoice in with_owing(
            Invoice.objects.filter(pk__in=ids).select_related(
                "clinic", "location", "patient", "payer"
            )
        ).prefetch_related(
            Prefetch("lines", InvoiceLine.objects.select_related("service", "practitioner")),
            "credit_notes",
            Prefetch("allocations", PaymentAllocation.objects.select_related("payment__payer")),
        )
    }
    lines = [line for invoice in invoices.values() for line in invoice.lines.all()]
    providers = _providers(lines)
    return [_receipt(invoices[pk], providers) for pk in ids if pk in invoices]


def invoice_to_send(invoice_id: int) -> Invoice | None:
    """The invoice a receipt is e-mailed for, with its patient (one query)."""
    return Invoice.objects.select_related("patient").filter(pk=invoice_id).first()


def receipt_ids_of(
    *, patient_ids: Collection[int], since: datetime, until: datetime
) -> dict[int, list[int]]:
    """Each patient's invoices issued in [since, until), oldest first (one query)."""
    found: dict[int, list[int]] = {pk: [] for pk in patient_ids}
    rows = (
        Invoice.objects.filter(patient_id__in=list(patient_ids))
        .filter(issued_at__gte=since, issued_at__lt=until)
        .order_by("issued_at", "number")
        .values_list("patient_id", "pk")
    )
    for patient_id, pk in rows:
        found[patient_id].append(pk)
    return found


def copies_made(receipts: Iterable[Receipt]) -> dict[int, int]:
    """How many copies of each receipt were made so far (one query)."""
    chosen = list(receipts)
    counted = exports_counted(
        object_type=RECEIPT_COPY,
        object_ids=[str(r.invoice_id) for r in chosen],
        patient_ids={r.patient_id for r in chosen},
    )
    return {r.invoice_id: counted.get(str(r.invoice_id), 0) for r in chosen}


def as_copies(receipts: Sequence[Receipt]) -> list[Receipt]:
    """The receipts as the copies about to be made: a paid receipt copied before is a
    duplicate. The caller puts the copy on the audit trail (`copy_summary`)."""
    made = copies_made(r for r in receipts if r.paid_in_full)
    return [replace(r, duplicate=made.get(r.invoice_id, 0) > 0) for r in receipts]


def copy_type(receipt: Receipt) -> str:
    """What kind of copy the audit trail records for this one."""
    return RECEIPT_COPY if receipt.paid_in_full else INVOICE_COPY


def copy_summary(receipt: Receipt, how: str) -> str:
    """'receipt 000123 downloaded (duplicate)': what the audit trail says of a copy."""
    which = " (duplicate)" if receipt.duplicate else (" (original)" if receipt.paid_in_full else "")
    return f"{receipt.title.lower()} {receipt.number} {how}{which}"


def _providers(lines: Sequence[InvoiceLine]) -> dict[tuple[int, date, int | None], Provider]:
    """Each (practitioner, day, service) of the lines' provider: the registration in
    force that day, of a class that permits practice, with a college the service's
    qualifications name (any, for a service without one)."""
    wanted = {
        (line.practitioner_id, line.service_date, line.service_id)
        for line in lines
        if line.practitioner_id is not None and line.service_date is not None
    }
    if not wanted:
        return {}
    practitioners = {p for p, _, _ in wanted}
    earliest, latest = min(d for _, d, _ in wanted), max(d for _, d, _ in wanted)
    registrations = list(
        Registration.objects.select_related("regulator")
        .filter(practitioner_id__in=practitioners, registration_class__permits_practice=True)
        .filter(valid_from__lte=latest)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=earliest))
        .order_by("-valid_from", "-pk")
    )
    colleges: dict[int, set[int]] = defaultdict(set)
    services = {s for _, _, s in wanted if s is not None}
    for qualified, regulator_id in Qualification.objects.filter(
        service_id__in=services
    ).values_list("service_id", "regulator_id"):
        colleges[qualified].add(regulator_id)
    names = {line.practitioner_id: line.practitioner for line in lines if line.practitioner}
    found: dict[tuple[int, date, int | None], Provider] = {}
    for practitioner_id, day, service_id in wanted:
        allowed = colleges.get(service_id, set()) if service_id is not None else set()
        registration = next(
            (
                r
                for r in registrations
                if r.practitioner_id == practitioner_id
                and r.valid_from <= day
                and (r.valid_until is None or r.valid_until >= day)
                and (not allowed or r.regulator_id in allowed)
            ),
            None,
        )
        practitioner = names[practitioner_id]
        assert practitioner is not None
        found[(practitioner_id, day, service_id)] = Provider(
            name=practitioner.display_name,
            designation=registration.regulator.designation if registration else "",
            registration=registration.registration_number if registration else "",
        )
    return found


def _line(
    line: InvoiceLine, providers: dict[tuple[int, date, int | None], Provider]
) -> ReceiptLine:
    provider = None
    if line.practitioner_id is not None and line.service_date is not None:
        provider = providers.get((line.practitioner_id, line.service_date, line.service_id))
    return ReceiptLine(
        description=line.description,
        kind=line.kind,
        service_date=line.service_date,
        duration_minutes=line.duration_minutes,
        provider=provider,
        quantity=line.quantity,
        unit_price=line.unit_price,
        discount=line.discount,
        discount_reason=line.discount_reason,
        amount=line.amount,
        tax_name=line.tax_name,
        tax_percent=line.tax_percent,
        tax=line.tax,
        total=line.total,
    )


def _taxes(lines: Sequence[ReceiptLine]) -> list[TaxTotal]:
    totals: dict[tuple[str, Decimal], Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if line.tax_name:
            totals[(line.tax_name, line.tax_percent)] += line.tax
    return [TaxTotal(name, percent, amount) for (name, percent), amount in sorted(totals.items())]


def _payments(invoice: Invoice) -> list[PaymentApplied]:
    """Each payment's net allocation to the invoice, oldest first; what a credit note
    released back to credit is netted off the payment it came from."""
    net: dict[int, Decimal] = defaultdict(lambda: ZERO)
    payments = {}
    for allocation in invoice.allocations.all():
        net[allocation.payment_id] += allocation.amount
        payments[allocation.payment_id] = allocation.payment
    applied = []
    for pk, amount in net.items():
        if amount <= ZERO:
            continue
        payment = payments[pk]
        applied.append(
            PaymentApplied(
                day=payment.business_date,
                method=PaymentMethod(payment.method).label,
                amount=amount,
                payer=payment.payer.name if payment.payer else "",
            )
        )
    return sorted(applied, key=lambda p: (p.day, p.method))


def _receipt(invoice: Invoice, providers: dict[tuple[int, date, int | None], Provider]) -> Receipt:
    location, clinic = invoice.location, invoice.clinic
    lines = [_line(line, providers) for line in invoice.lines.all()]
    credits = sorted(invoice.credit_notes.all(), key=lambda c: c.number)
    payer_allocated = sum(
        (a.amount for a in invoice.allocations.all() if a.payment.payer_id is not None), ZERO
    )
    payer_credited = sum((c.payer_share for c in credits), ZERO)
    owing = Decimal(invoice.owing).quantize(Decimal("0.01"))  # type: ignore[attr-defined]
    payer_owing = max(ZERO, invoice.payer_share - payer_credited - payer_allocated)
    signers = {
        line.provider
        for line in lines
        if line.provider is not None and line.provider.designation in SIGNED_BY
    }
    return Receipt(
        invoice_id=invoice.pk,
        number=display_number(invoice.number),
        issued_on=invoice.issued_at.astimezone(location.zone).date(),
        clinic_name=clinic.name,
        clinic_address=location.address,
        clinic_phone=location.phone or clinic.phone,
        hst_number=clinic.hst_number if any(line.tax_name for line in lines) else "",
        location_name=location.name,
        patient_id=invoice.patient_id,
        patient_name=invoice.patient.legal_name,
        purpose=invoice.get_purpose_display(),
        lines=lines,
        subtotal=invoice.subtotal,
        discount=invoice.discount,
        tax=invoice.tax,
        taxes=_taxes(lines),
        total=invoice.total,
        payments=_payments(invoice),
        credits=[
            CreditApplied(
                number=display_number(c.number),
                day=c.issued_at.astimezone(location.zone).date(),
                reason=c.reason,
                total=c.total,
            )
            for c in credits
        ],
        paid=Decimal(invoice.allocated).quantize(Decimal("0.01")),  # type: ignore[attr-defined]
        credited=sum((c.total for c in credits), ZERO),
        owing=owing,
        payer_name=invoice.payer.name if invoice.payer else "",
        claim_number=invoice.claim_number,
        payer_share=invoice.payer_share,
        payer_owing=min(payer_owing, max(owing, ZERO)),
        signers=sorted(signers, key=lambda p: p.name),
    )


def is_service(line: ReceiptLine) -> bool:
    return line.kind in {LineKind.SERVICE, LineKind.FEE}


# Statements ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    on: date
    text: str  # "Invoice 000123", "Payment — Debit", "Credit note 000004 (invoice 000123)"
    amount: Decimal  # positive adds to what is owed
    balance: Decimal


@dataclass(frozen=True)
class StatementCopy:
    """A patient's account over a period, as printed: the clinic, the patient, what was
    owed before, each dated line with the balance after it, what is owed after
    (selectors.accounts.statement, the patient's share of invoices billed to a payer)."""

    clinic_name: str
    clinic_address: str
    clinic_phone: str
    patient_id: int
    patient_name: str
    start: date
    end: date
    opening: Decimal
    lines: Sequence[StatementLine]
    closing: Decimal

    @property
    def closing_text(self) -> str:
        if self.closing > ZERO:
            return f"Balance owing ${self.closing:,.2f}"
        if self.closing < ZERO:
            return f"In credit ${-self.closing:,.2f}"
        return "Nothing owing — balance $0.00"

    @property
    def filename(self) -> str:
        return f"statement-{self.patient_id}-{self.start:%Y%m%d}-{self.end:%Y%m%d}.pdf"


def _statement_text(row: StatementRow) -> str:
    method = PaymentMethod(row.method).label if row.method else ""
    if row.kind == "invoice" and row.number is not None:
        return f"Invoice {display_number(row.number)}"
    if row.kind == "credit_note" and row.number is not None:
        corrects = f" (invoice {display_number(row.invoice_number)})" if row.invoice_number else ""
        return f"Credit note {display_number(row.number)}{corrects}"
    if row.kind == "refund":
        return f"Refund — {method}"
    return f"Payment — {method}"


def statement_load(
    *, patient: Patient, clinic: Clinic, location: Location | None, start: date, end: date
) -> StatementCopy:
    """The patient's statement from `start` to `end` (inclusive), as printed, under the
    address of `location` (the desk's, or the clinic's first)."""
    account = statement(patient.pk, start=start, end=end)
    return StatementCopy(
        clinic_name=clinic.name,
        clinic_address=location.address if location else "",
        clinic_phone=(location.phone if location else "") or clinic.phone,
        patient_id=patient.pk,
        patient_name=patient.legal_name,
        start=start,
        end=end,
        opening=account.opening,
        lines=[
            StatementLine(row.on, _statement_text(row), row.amount, row.balance)
            for row in account.rows
        ],
        closing=account.closing,
    )
