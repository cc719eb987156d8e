"""Credit notes: the one way to correct an issued invoice. docs/algorithms/billing.md,
"Credit notes".

A credit note takes an amount (tax included) off lines of one invoice, never more than
is left of each line, numbered in the clinic's credit-note sequence, with a reason.
Money already allocated to the invoice beyond what it now comes to is taken back off it
(a negative allocation), into the patient's credit (or the payer's unallocated money);
a visit paid from a package goes back to the package.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.billing.choices import PaymentMethod, SequenceKind
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    PaymentAllocation,
)
from rehabdesk.billing.numbering import display_number, next_number
from rehabdesk.billing.services.packages import package_give_back
from rehabdesk.billing.services.payments import queue_behind_account
from rehabdesk.core.money import round_money

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class _Left:
    """What is left of a line to credit, tax included, and of its tax."""

    line: InvoiceLine
    total: Decimal
    tax: Decimal


def credit_note_issue(
    *,
    invoice: Invoice,
    reason: str,
    by: User,
    now: datetime,
    amounts: Mapping[int, Decimal] | None = None,
) -> CreditNote:
    """Credit an invoice: all that is left of it (`amounts` None), or of some lines
    (`amounts`: invoice line id -> amount to credit, tax included). Each line's tax is
    credited in the line's proportion (all of what is left when the rest of the line
    is), so a credit never takes back more tax than was charged."""
    reason = reason.strip()
    if not reason:
        raise BillingError(
            BillingErrorCode.REASON_MISSING, "Say why the invoice is credited.", field="reason"
        )
    with transaction.atomic():
        # A credit note may take money back off the invoice into the patient's credit:
        # it queues behind the patient's account like every other writer of their money
        # (payments, refunds, credit applied), before any row lock, in the order those
        # take theirs. Then credit notes on one invoice queue on its row (PostgreSQL;
        # SQLite runs writers alone), so two never both take what is left of a line.
        queue_behind_account([invoice.patient_id])
        locked = (
            Invoice.objects.select_for_update()
            .filter(pk=invoice.pk)
            .order_by()
            .values_list("pk", flat=True)
            .get()
        )
        invoice = Invoice.objects.select_related("location").get(pk=locked)
        left = _left_of(invoice)
        wanted = _wanted(left, amounts)
        lines = [_credit_line(left[line_id], amount) for line_id, amount in wanted.items()]
        credit_note = _write(invoice, lines, reason, by, now)
        drawn = any(_drawn(left[line_id].line) for line_id in wanted)
        released = _release(invoice, now, package_first=drawn)
        package_give_back(
            invoice=invoice, released=released, visit_back=drawn, reason=reason, by=by, now=now
        )
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            object_type="billing.creditnote",
            object_id=credit_note.pk,
            patient_ids=[invoice.patient_id],
            summary=f"credit note {display_number(credit_note.number)} on invoice "
            f"{display_number(invoice.number)}",
            location_id=invoice.location_id,
            now=now,
        )
    return credit_note


def _left_of(invoice: Invoice) -> dict[int, _Left]:
    lines = InvoiceLine.objects.filter(invoice=invoice).annotate(
        credited_total=Sum("credit_lines__total"), credited_tax=Sum("credit_lines__tax")
    )
    return {
        line.pk: _Left(
            line,
            line.total - (line.credited_total or ZERO),
            line.tax - (line.credited_tax or ZERO),
        )
        for line in lines
    }


def _wanted(left: dict[int, _Left], amounts: Mapping[int, Decimal] | None) -> dict[int, Decimal]:
    if amounts is None:
        wanted = {line_id: part.total for line_id, part in left.items() if part.total > 0}
        if not wanted:
            raise BillingError(
                BillingErrorCode.CREDIT_TOO_LARGE, "Nothing is left of this invoice to credit."
            )
        return wanted
    wanted = {}
    for line_id, raw in amounts.items():
        amount = round_money(Decimal(raw))
        if line_id not in left:
            raise BillingError(
                BillingErrorCode.INVALID, "That line is not on this invoice.", field="amounts"
            )
        if amount < 0:
            raise BillingError(
                BillingErrorCode.NEGATIVE_AMOUNT, "A credit cannot be negative.", field="amounts"
            )
        if amount > left[line_id].total:
            raise BillingError(
                BillingErrorCode.CREDIT_TOO_LARGE,
                f"Only {left[line_id].total} is left of “{left[line_id].line.description}” "
                "to credit.",
                field="amounts",
            )
        if amount and _drawn(left[line_id].line) and amount != left[line_id].total:
            raise BillingError(
                BillingErrorCode.INVALID,
                "A visit drawn from a package is credited whole: the visit goes back to it.",
                field="amounts",
            )
        if amount:
            wanted[line_id] = amount
    if not wanted:
        raise BillingError(BillingErrorCode.INVALID, "Say how much to credit.", field="amounts")
    return wanted


def _drawn(line: InvoiceLine) -> bool:
    """A visit's service line paid from a package."""
    return bool(line.package_offer_id and line.service_id)


def _credit_line(left: _Left, amount: Decimal) -> CreditNoteLine:
    line = left.line
    if amount == left.total:
        tax = left.tax
    else:
        tax = min(round_money(amount * line.tax / line.total), left.tax) if line.total else ZERO
    return CreditNoteLine(invoice_line=line, amount=amount - tax, tax=tax, total=amount)


def _write(
    invoice: Invoice, lines: list[CreditNoteLine], reason: str, by: User, now: datetime
) -> CreditNote:
    total = sum((line.total for line in lines), ZERO)
    tax = sum((line.tax for line in lines), ZERO)
    credit_note = CreditNote(
        clinic_id=invoice.clinic_id,
        location_id=invoice.location_id,
        invoice=invoice,
        issued_at=now,
        issued_by=by,
        reason=reason[:200],
        amount=total - tax,
        tax=tax,
        total=total,
        payer_share=_payer_part(invoice, total),
    )
    credit_note.number = next_number(clinic_id=invoice.clinic_id, kind=SequenceKind.CREDIT_NOTE)
    credit_note.save(force_insert=True)
    for line in lines:
        line.credit_note = credit_note
    CreditNoteLine.objects.bulk_create(lines)
    return credit_note


def _payer_part(invoice: Invoice, total: Decimal) -> Decimal:
    """What of a credit comes off the payer's share: the payer's proportion of the
    invoice, kept within what is left of each party's share."""
    if not invoice.payer_share:
        return ZERO
    before = CreditNote.objects.filter(invoice=invoice).aggregate(
        total=Sum("total"), payer=Sum("payer_share")
    )
    payer_left = invoice.payer_share - (before["payer"] or ZERO)
    patient_left = invoice.patient_share - ((before["total"] or ZERO) - (before["payer"] or ZERO))
    part = round_money(total * invoice.payer_share / invoice.total)
    return max(min(part, payer_left), total - patient_left, ZERO)


def _release(invoice: Invoice, now: datetime, *, package_first: bool) -> dict[int, Decimal]:
    """Take money allocated beyond what each party now owes back off the invoice (a
    negative allocation per payment), the newest payments first; package credit first
    when the visit it paid is credited, last otherwise. Returns payment id -> amount
    released."""
    credits = CreditNote.objects.filter(invoice=invoice).aggregate(
        total=Sum("total"), payer=Sum("payer_share")
    )
    payer_due = invoice.payer_share - (credits["payer"] or ZERO)
    patient_due = invoice.patient_share - ((credits["total"] or ZERO) - (credits["payer"] or ZERO))
    allocated = (
        PaymentAllocation.objects.filter(invoice=invoice)
        .values("payment", "payment__payer", "payment__method", "payment__received_at")
        .annotate(net=Sum("amount"))
        .filter(net__gt=0)
    )
    rows = sorted(
        allocated,
        key=lambda row: (
            (row["payment__method"] == PaymentMethod.PACKAGE_CREDIT) != package_first,
            -row["payment__received_at"].timestamp(),
            -row["payment"],
        ),
    )
    released: dict[int, Decimal] = {}
    for is_payer, due in ((False, patient_due), (True, payer_due)):
        mine = [row for row in rows if (row["payment__payer"] is not None) == is_payer]
        excess = sum((row["net"] for row in mine), ZERO) - max(due, ZERO)
        for row in mine:
            if excess <= 0:
                break
            take = min(row["net"], excess)
            released[row["payment"]] = take
            excess -= take
    PaymentAllocation.objects.bulk_create(
        PaymentAllocation(payment_id=payment, invoice=invoice, amount=-amount, created_at=now)
        for payment, amount in released.items()
    )
    return released
