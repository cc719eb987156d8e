"""For any sequence of invoices (some billed in part to a payer, some with HST),
payments (the patient's or the payer's), refunds, credit notes, credit applied and
"pay all outstanding", each patient's balance equals invoiced − credited − paid +
refunded to the cent, as counted here from what each service returned; it equals what
they owe on invoices less their credit; no invoice is ever owed below zero by either
party, and no credit is below zero. A refused step changes nothing.

Hypothesis writes the sequences; each runs in a transaction rolled back after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rehabdesk.billing.choices import InvoicePurpose, PaymentKind, PaymentMethod
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import Invoice, Payment
from rehabdesk.billing.selectors import balance_of, owing_by_invoice, payer_balances, statement
from rehabdesk.billing.selectors.accounts import with_party_owing
from rehabdesk.billing.services import (
    ProductLine,
    ThirdParty,
    credit_apply,
    credit_note_issue,
    invoices,
    pay_all_outstanding,
    payment_record,
    payment_refund,
)
from rehabdesk.billing.tests.accounts_world import NOW, build_world, product_for
from rehabdesk.core.money import round_money

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")
# Refusals a random step may meet; any other is a failure.
EXPECTED_REFUSALS = {
    BillingErrorCode.REFUND_TOO_LARGE,
    BillingErrorCode.CREDIT_TOO_LARGE,
    BillingErrorCode.OVERPAID,
    BillingErrorCode.NOT_ENOUGH_CREDIT,
    BillingErrorCode.NOTHING_OUTSTANDING,
}

cents = st.integers(min_value=1, max_value=60_000).map(lambda n: Decimal(n) / 100)
who = st.integers(min_value=0, max_value=1)
pick = st.integers(min_value=0, max_value=50)
steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("invoice"),
            who,
            cents,
            st.sampled_from([0, 0, 50, 80, 100]),  # percent billed to the payer
            st.booleans(),  # HST charged
        ),
        st.tuples(st.just("pay"), who, cents, st.sampled_from(["cash", "debit"]), st.booleans()),
        st.tuples(st.just("payer_pays"), pick, cents),
        st.tuples(st.just("refund"), pick, cents),
        st.tuples(st.just("credit_note"), pick, st.one_of(st.none(), cents)),
        st.tuples(st.just("apply"), pick, cents),
        st.tuples(st.just("pay_all"), who),
    ),
    min_size=1,
    max_size=12,
)


@dataclass
class Books:
    """What each patient's account should say, counted from the services' answers."""

    invoiced: dict[int, Decimal] = field(default_factory=dict)
    credited: dict[int, Decimal] = field(default_factory=dict)
    paid: dict[int, Decimal] = field(default_factory=dict)
    refunded: dict[int, Decimal] = field(default_factory=dict)
    payer_billed: Decimal = ZERO
    invoices: list[Invoice] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)

    def add(self, column: dict[int, Decimal], patient_id: int, amount: Decimal) -> None:
        column[patient_id] = column.get(patient_id, ZERO) + amount


def _invoice(world, books, now, patient, price, percent, taxed):
    product = product_for(
        world.pickering.clinic_id, price, "general-taxable" if taxed else "physiotherapy"
    )
    on = now.astimezone(world.pickering.zone).date()
    with transaction.atomic():
        lines = invoices.products_priced(
            [ProductLine(product)], clinic_id=world.pickering.clinic_id, on=on
        )
        total = sum((line.total for line in lines), ZERO)
        share = round_money(total * percent / 100)
        invoice = invoices.invoice_write(
            invoices.Draft(
                location=world.pickering,
                patient=patient,
                purpose=InvoicePurpose.SALE,
                on=on,
                lines=lines,
                third_party=ThirdParty(world.insurer, share) if share else None,
            ),
            by=world.desk,
            now=now,
        )
    books.invoices.append(invoice)
    books.add(books.invoiced, patient.pk, invoice.total - invoice.payer_share)
    books.payer_billed += invoice.payer_share


def _paid(books, payment):
    books.payments.append(payment)
    if payment.payer_id is None:
        books.add(books.paid, payment.patient_id, payment.amount)


def run_step(world, books, step, now):  # noqa: C901 - one branch per kind of step
    kind, *args = step
    patients = (world.alice, world.bob)
    common = {"by": world.desk, "now": now}
    if kind == "invoice":
        _invoice(world, books, now, patients[args[0]], *args[1:])
    elif kind == "pay":
        patient = patients[args[0]]
        amount, method, targeted = args[1:]
        own = [i for i in books.invoices if i.patient_id == patient.pk]
        chosen = own[-1:] if targeted and own else None
        _paid(
            books,
            payment_record(
                patient=patient,
                location=world.pickering,
                amount=amount,
                method=method,
                invoices=chosen,
                **common,
            ),
        )
    elif kind == "payer_pays":
        billed = [i for i in books.invoices if i.payer_id]
        if billed:
            invoice = billed[args[0] % len(billed)]
            _paid(
                books,
                payment_record(
                    patient=invoice.patient,
                    location=world.pickering,
                    amount=args[1],
                    method=PaymentMethod.EFT,
                    payer=world.insurer,
                    invoices=[invoice],
                    **common,
                ),
            )
    elif kind == "refund" and books.payments:
        payment = books.payments[args[0] % len(books.payments)]
        refund = payment_refund(payment=payment, amount=args[1], reason="Asked for it", **common)
        if refund.payer_id is None:
            books.add(books.refunded, refund.patient_id, refund.amount)
    elif kind == "credit_note" and books.invoices:
        invoice = books.invoices[args[0] % len(books.invoices)]
        amounts = None if args[1] is None else {invoice.lines.get().pk: args[1]}
        note = credit_note_issue(invoice=invoice, reason="Corrected", amounts=amounts, **common)
        books.add(books.credited, invoice.patient_id, note.total - note.payer_share)
        books.payer_billed -= note.payer_share
    elif kind == "apply" and books.invoices:
        invoice = books.invoices[args[0] % len(books.invoices)]
        credit_apply(patient=invoice.patient, invoice=invoice, amount=args[1], **common)
    elif kind == "pay_all":
        for payment in pay_all_outstanding(
            patient=patients[args[0]], location=world.pickering, method="debit", **common
        ):
            _paid(books, payment)


def attempt(world, books, step, now):
    """Run the step; the refusal it met, if any."""
    try:
        run_step(world, books, step, now)
    except BillingError as refusal:
        return refusal
    return None


def snapshot(world):
    return [balance_of(p.pk) for p in (world.alice, world.bob)]


def check_books(world, books):
    for patient in (world.alice, world.bob):
        balance = balance_of(patient.pk)
        counted = (
            books.invoiced.get(patient.pk, ZERO),
            books.credited.get(patient.pk, ZERO),
            books.paid.get(patient.pk, ZERO),
            books.refunded.get(patient.pk, ZERO),
        )
        assert (balance.invoiced, balance.credited, balance.paid, balance.refunded) == counted
        invoiced, credited, paid, refunded = counted
        assert balance.balance == invoiced - credited - paid + refunded
        assert balance.owing - balance.credit == balance.balance
        assert balance.owing >= 0
        assert balance.credit >= 0
        whole = statement(patient.pk, start=NOW.date(), end=NOW.date())
        assert (whole.opening, whole.closing) == (ZERO, balance.balance)
    ids = [invoice.pk for invoice in books.invoices]
    assert all(owing >= 0 for owing in owing_by_invoice(ids).values())
    for row in with_party_owing(Invoice.objects.filter(pk__in=ids)):
        # Rounded: SQLite sums decimals in floating point (-1.1e-16 for nothing owed).
        assert round_money(row.patient_owing) >= 0
        assert round_money(row.payer_owing) >= 0
    (insurer,) = payer_balances(world.pickering.clinic_id)
    assert insurer.invoiced - insurer.credited == books.payer_billed
    assert insurer.owing >= 0


@settings(
    max_examples=15,  # about a minute per database; CI runs both
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_each_balance_is_invoiced_less_credited_less_paid_plus_refunded(personas, sequence):
    with transaction.atomic():
        world = build_world(personas)
        books = Books()
        for number, step in enumerate(sequence):
            now = NOW + timedelta(minutes=number)
            before = snapshot(world)
            refusal = attempt(world, books, step, now)
            event(f"{step[0]}: {refusal.code if refusal else 'done'}")
            if refusal is not None:
                assert refusal.code in EXPECTED_REFUSALS, refusal
                assert snapshot(world) == before
            check_books(world, books)
        refunds = Payment.objects.filter(kind=PaymentKind.REFUND, payer__isnull=True)
        assert sum((r.amount for r in refunds), ZERO) == sum(books.refunded.values(), ZERO)
        transaction.set_rollback(True)
