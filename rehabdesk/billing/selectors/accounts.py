"""A patient's account and the payers': balances, what is outstanding, the statement.

What is owed is split by party (billing/selectors/owing.py says the total): the payer's
part of an invoice is its `payer_share` less what credit notes took off it and less
the payer's allocated payments; the patient's part is the rest, less credit notes'
patient part and the patient's own allocated payments (payments with no payer). A
patient payment is never put toward a payer's part, nor a payer's toward the patient's,
so each party's account adds up on its own:

    balance = invoiced − credited − paid + refunded = owing − credit

(the patient's share of invoices and credit notes; their own payments and refunds;
credit is their money not put toward any invoice). docs/algorithms/billing.md
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from rehabdesk.billing.choices import PaymentKind
from rehabdesk.billing.models import CreditNote, Invoice, Payer, Payment, PaymentAllocation
from rehabdesk.core.money import round_money

ZERO = Decimal("0.00")
# "Something left" means at least a cent. SQLite computes decimal columns' sums and
# differences in floating point (an invoice paid in full may come to -1.1e-16 owing),
# so a comparison with zero would take a rounding error for money; every real amount is
# a whole number of cents, so half a cent tells them apart on both databases.
HALF_CENT = Decimal("0.005")
_MONEY = DecimalField(max_digits=14, decimal_places=2)


def _zero() -> Value:
    return Value(ZERO, output_field=_MONEY)


def _sum(queryset: QuerySet[Any], expression: Any, group: str) -> Coalesce:
    """The sum of `expression` over `queryset` grouped by `group`, as a subquery (0 when
    there are no rows)."""
    summed = queryset.values(group).annotate(s=Sum(expression, output_field=_MONEY)).values("s")
    return Coalesce(Subquery(summed[:1], output_field=_MONEY), _zero())


def with_party_owing(queryset):  # type: ignore[no-untyped-def]
    """Annotate invoices with `patient_owing` and `payer_owing` (one query)."""
    notes = CreditNote.objects.filter(invoice=OuterRef("pk"))
    allocations = PaymentAllocation.objects.filter(invoice=OuterRef("pk"))
    return queryset.annotate(
        patient_credited=_sum(notes, F("total") - F("payer_share"), "invoice"),
        payer_credited=_sum(notes, F("payer_share"), "invoice"),
        patient_paid=_sum(allocations.filter(payment__payer__isnull=True), F("amount"), "invoice"),
        payer_paid=_sum(allocations.filter(payment__payer__isnull=False), F("amount"), "invoice"),
    ).annotate(
        patient_owing=ExpressionWrapper(
            F("total") - F("payer_share") - F("patient_credited") - F("patient_paid"),
            output_field=_MONEY,
        ),
        payer_owing=ExpressionWrapper(
            F("payer_share") - F("payer_credited") - F("payer_paid"), output_field=_MONEY
        ),
    )


@dataclass(frozen=True)
class Balance:
    """A patient's account: their share of invoices and of credit notes, their own
    payments and refunds; `owing` on invoices and `credit` (money of theirs not put
    toward an invoice). `balance` is what they owe overall, negative when in credit."""

    invoiced: Decimal
    credited: Decimal
    paid: Decimal
    refunded: Decimal
    owing: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        return self.invoiced - self.credited - self.paid + self.refunded


def balance_of(patient_id: int) -> Balance:
    """The patient's account, in three queries."""
    invoices = with_party_owing(Invoice.objects.filter(patient_id=patient_id)).aggregate(
        invoiced=Coalesce(Sum(F("total") - F("payer_share"), output_field=_MONEY), _zero()),
        credited=Coalesce(Sum("patient_credited"), _zero()),
        owing=Coalesce(Sum("patient_owing"), _zero()),
    )
    own = Payment.objects.filter(patient_id=patient_id, payer__isnull=True)
    money = own.aggregate(
        paid=Coalesce(Sum("amount", filter=Q(kind=PaymentKind.PAYMENT)), _zero()),
        refunded=Coalesce(Sum("amount", filter=Q(kind=PaymentKind.REFUND)), _zero()),
    )
    allocated = PaymentAllocation.objects.filter(
        payment__patient_id=patient_id, payment__payer__isnull=True
    ).aggregate(s=Coalesce(Sum("amount"), _zero()))["s"]
    paid, refunded = round_money(money["paid"]), round_money(money["refunded"])
    return Balance(
        invoiced=round_money(invoices["invoiced"]),
        credited=round_money(invoices["credited"]),
        paid=paid,
        refunded=refunded,
        owing=round_money(invoices["owing"]),
        credit=round_money(paid - refunded - allocated),
    )


@dataclass(frozen=True)
class OwingInvoice:
    """An invoice with something still owed on it by one party."""

    invoice: Invoice
    owing: Decimal


def outstanding_invoices(patient_ids: Collection[int]) -> list[OwingInvoice]:
    """The patients' invoices with something of the patient's part still owed, oldest
    first (the order payments pay them in), in one query."""
    rows = (
        with_party_owing(Invoice.objects.filter(patient_id__in=list(patient_ids)))
        .filter(patient_owing__gt=HALF_CENT)
        .select_related("location", "patient")
        .order_by("issued_at", "number")
    )
    return [OwingInvoice(invoice, round_money(invoice.patient_owing)) for invoice in rows]


def payer_outstanding_invoices(payer_id: int, patient_id: int) -> list[OwingInvoice]:
    """The patient's invoices billed to the payer with some of its share still owed,
    oldest first, in one query."""
    rows = (
        with_party_owing(Invoice.objects.filter(patient_id=patient_id, payer_id=payer_id))
        .filter(payer_owing__gt=HALF_CENT)
        .order_by("issued_at", "number")
    )
    return [OwingInvoice(invoice, round_money(invoice.payer_owing)) for invoice in rows]


def unallocated_by_payment(payment_ids: Collection[int]) -> dict[int, Decimal]:
    """What is left of each payment not put toward invoices and not refunded: its part
    of the patient's credit (one query)."""
    allocations = PaymentAllocation.objects.filter(payment=OuterRef("pk"))
    refunds = Payment.objects.filter(refunds=OuterRef("pk"), kind=PaymentKind.REFUND)
    rows = (
        Payment.objects.filter(pk__in=list(payment_ids))
        .annotate(
            allocated=_sum(allocations, F("amount"), "payment"),
            refunded=_sum(refunds, F("amount"), "refunds"),
        )
        .values_list("pk", "amount", "allocated", "refunded")
    )
    return {
        pk: round_money(amount - allocated - refunded) for pk, amount, allocated, refunded in rows
    }


def payment_by_id(payment_id: int) -> Payment | None:
    """One payment or refund with its location and patient, or None (one query)."""
    return (
        Payment.objects.select_related("location", "patient", "payer").filter(pk=payment_id).first()
    )


def payments_of(patient_ids: Collection[int]) -> list[tuple[Payment, Decimal]]:
    """The patients' payments and refunds (their own and their payers'), newest first,
    each with what is left of it to refund (0 for a refund), in one query."""
    allocations = PaymentAllocation.objects.filter(payment=OuterRef("pk"))
    refunds = Payment.objects.filter(refunds=OuterRef("pk"), kind=PaymentKind.REFUND)
    rows = (
        Payment.objects.filter(patient_id__in=list(patient_ids))
        .select_related("location", "payer")
        .annotate(
            allocated=_sum(allocations, F("amount"), "payment"),
            refunded=_sum(refunds, F("amount"), "refunds"),
        )
        .order_by("-received_at", "-pk")
    )
    return [
        (
            payment,
            round_money(payment.amount - payment.allocated - payment.refunded)
            if payment.kind == PaymentKind.PAYMENT
            else ZERO,
        )
        for payment in rows
    ]


def payments_with_credit(patient_id: int) -> list[tuple[Payment, Decimal]]:
    """The patient's own payments with money not yet put toward an invoice nor
    refunded, oldest first, and how much (one query)."""
    allocations = PaymentAllocation.objects.filter(payment=OuterRef("pk"))
    refunds = Payment.objects.filter(refunds=OuterRef("pk"), kind=PaymentKind.REFUND)
    rows = (
        Payment.objects.filter(patient_id=patient_id, payer__isnull=True, kind=PaymentKind.PAYMENT)
        .annotate(
            allocated=_sum(allocations, F("amount"), "payment"),
            refunded=_sum(refunds, F("amount"), "refunds"),
        )
        .annotate(
            left=ExpressionWrapper(
                F("amount") - F("allocated") - F("refunded"), output_field=_MONEY
            )
        )
        .filter(left__gt=HALF_CENT)
        .order_by("received_at", "pk")
    )
    return [(payment, round_money(payment.left)) for payment in rows]


# Statements ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementRow:
    """One dated line of a statement: an invoice or a refund adds to what is owed
    (positive `amount`), a credit note or a payment takes off it (negative)."""

    on: date
    kind: str  # "invoice", "credit_note", "payment", "refund"
    number: int | None  # the invoice's or credit note's number
    invoice_number: int | None  # for a credit note: the invoice it corrects
    method: str  # payments and refunds: PaymentMethod value
    reference: str
    amount: Decimal
    balance: Decimal  # after this row


@dataclass(frozen=True)
class Statement:
    patient_id: int
    start: date
    end: date
    opening: Decimal  # owed before `start` (negative: in credit)
    rows: tuple[StatementRow, ...]
    closing: Decimal  # owed at the end of `end`

    @property
    def charges(self) -> Decimal:
        return sum((row.amount for row in self.rows if row.amount > 0), ZERO)

    @property
    def credits(self) -> Decimal:
        return -sum((row.amount for row in self.rows if row.amount < 0), ZERO)


_KIND_ORDER = {"invoice": 0, "credit_note": 1, "payment": 2, "refund": 3}


def statement(patient_id: int, *, start: date, end: date) -> Statement:
    """The patient's account from `start` to `end` (inclusive, each row dated on its
    location's day): what was owed before, each invoice, credit note, payment and
    refund of theirs (their share of invoices billed to a payer), and what is owed
    after. Three queries, whatever the period."""
    dated: list[tuple[date, int, int, StatementRow]] = []

    def add(on: date, kind: str, key: int, amount: Decimal, **fields: object) -> None:
        row = StatementRow(on=on, kind=kind, amount=amount, balance=ZERO, **fields)  # type: ignore[arg-type]
        dated.append((on, _KIND_ORDER[kind], key, row))

    for invoice in Invoice.objects.filter(patient_id=patient_id).select_related("location"):
        on = invoice.issued_at.astimezone(invoice.location.zone).date()
        add(
            on,
            "invoice",
            invoice.number,
            invoice.total - invoice.payer_share,
            number=invoice.number,
            invoice_number=None,
            method="",
            reference="",
        )
    notes = CreditNote.objects.filter(invoice__patient_id=patient_id).select_related(
        "location", "invoice"
    )
    for note in notes:
        on = note.issued_at.astimezone(note.location.zone).date()
        add(
            on,
            "credit_note",
            note.number,
            -(note.total - note.payer_share),
            number=note.number,
            invoice_number=note.invoice.number,
            method="",
            reference="",
        )
    for payment in Payment.objects.filter(patient_id=patient_id, payer__isnull=True):
        refund = payment.kind == PaymentKind.REFUND
        add(
            payment.business_date,
            "refund" if refund else "payment",
            payment.pk,
            payment.amount if refund else -payment.amount,
            number=None,
            invoice_number=None,
            method=payment.method,
            reference=payment.reference,
        )
    dated.sort(key=lambda entry: entry[:3])
    opening = sum((row.amount for on, _, _, row in dated if on < start), ZERO)
    running, rows = opening, []
    for on, _, _, row in dated:
        if start <= on <= end:
            running += row.amount
            rows.append(StatementRow(**{**row.__dict__, "balance": running}))
    return Statement(
        patient_id=patient_id,
        start=start,
        end=end,
        opening=opening,
        rows=tuple(rows),
        closing=running,
    )


# Payers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PayerBalance:
    payer: Payer
    invoiced: Decimal  # payer shares billed
    credited: Decimal  # what credit notes took off them
    paid: Decimal  # the payer's payments less refunds of them
    owing: Decimal


def payer_balances(clinic_id: int) -> list[PayerBalance]:
    """Every payer of the clinic with what it was billed, credited, paid and still
    owes, by name (one query)."""
    invoices = Invoice.objects.filter(payer=OuterRef("pk"))
    notes = CreditNote.objects.filter(invoice__payer=OuterRef("pk"))
    payments = Payment.objects.filter(payer=OuterRef("pk"))
    signed = Coalesce(
        Sum("amount", filter=Q(kind=PaymentKind.PAYMENT), output_field=_MONEY), _zero()
    ) - Coalesce(Sum("amount", filter=Q(kind=PaymentKind.REFUND), output_field=_MONEY), _zero())
    paid = Coalesce(
        Subquery(payments.values("payer").annotate(s=signed).values("s")[:1], output_field=_MONEY),
        _zero(),
    )
    allocated = PaymentAllocation.objects.filter(payment__payer=OuterRef("pk"))
    rows = (
        Payer.objects.filter(clinic_id=clinic_id)
        .annotate(
            invoiced=_sum(invoices, F("payer_share"), "payer"),
            credited=_sum(notes, F("payer_share"), "invoice__payer"),
            paid=paid,
            allocated=_sum(allocated, F("amount"), "payment__payer"),
        )
        .order_by("name")
    )
    return [
        PayerBalance(
            payer=row,
            invoiced=round_money(row.invoiced),
            credited=round_money(row.credited),
            paid=round_money(row.paid),
            owing=round_money(row.invoiced - row.credited - row.allocated),
        )
        for row in rows
    ]
