"""A patient's statement for a period: what was owed before it, each invoice, credit
note, payment and refund in it on its location's day (only the patient's share of an
invoice billed to a payer, never the payer's money), a running balance, and what is
owed at its end — which is the balance when the period reaches today. And each payer's
balance: billed, credited, paid, owing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from rehabdesk.billing.choices import PaymentMethod
from rehabdesk.billing.selectors import balance_of, payer_balances, statement
from rehabdesk.billing.services import payment_record, payment_refund
from rehabdesk.billing.tests.accounts_world import NOW, build_world, credit_note_write

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_world(personas)


def days_ago(days):
    return NOW - timedelta(days=days)


def pay(world, amount, when, **options):
    return payment_record(
        patient=world.alice,
        location=world.pickering,
        amount=Decimal(amount),
        method=options.pop("method", PaymentMethod.CASH),
        by=world.desk,
        now=when,
        **options,
    )


@pytest.fixture
def history(world):
    """Alice: $100 invoiced 40 days ago and paid; then in March a $85 invoice, $20
    of it credited, a $100 cheque (so $35 credit), $10 of that refunded; and an
    invoice billed to her insurer ($120, $90 of it the insurer's), which it paid."""
    first = world.invoice("100.00", issued_at=days_ago(40))
    pay(world, "100.00", days_ago(40), invoices=[first])
    march = world.invoice("85.00", issued_at=days_ago(6))
    credit_note_write(invoice=march, total=Decimal("20.00"), by=world.desk, issued_at=days_ago(5))
    cheque = pay(world, "100.00", days_ago(4), method=PaymentMethod.CHEQUE, reference="#204")
    payment_refund(
        payment=cheque, amount=Decimal("10.00"), reason="Asked", by=world.desk, now=days_ago(3)
    )
    billed = world.invoice("120.00", payer_share="90.00", issued_at=days_ago(2))
    pay(world, "90.00", days_ago(1), payer=world.insurer, method=PaymentMethod.EFT)
    return {"first": first, "march": march, "billed": billed}


def test_a_statement_opens_with_what_was_owed_and_lists_the_period(world, history):
    result = statement(world.alice.pk, start=days_ago(7).date(), end=NOW.date())
    assert result.opening == 0
    rows = [(row.kind, row.amount, row.balance) for row in result.rows]
    assert rows == [
        ("invoice", Decimal("85.00"), Decimal("85.00")),
        ("credit_note", Decimal("-20.00"), Decimal("65.00")),
        ("payment", Decimal("-100.00"), Decimal("-35.00")),
        ("refund", Decimal("10.00"), Decimal("-25.00")),
        ("invoice", Decimal("30.00"), Decimal("5.00")),
    ]
    assert result.closing == balance_of(world.alice.pk).balance == Decimal("5.00")
    assert (result.charges, result.credits) == (Decimal("125.00"), Decimal("120.00"))
    assert result.rows[0].number == history["march"].number
    assert result.rows[1].invoice_number == history["march"].number
    assert (result.rows[2].method, result.rows[2].reference) == (PaymentMethod.CHEQUE, "#204")
    assert result.rows[2].on == days_ago(4).date()


def test_a_later_period_opens_with_the_earlier_balance(world, history):
    result = statement(world.alice.pk, start=days_ago(3).date(), end=NOW.date())
    assert result.opening == Decimal("-35.00")
    assert [row.kind for row in result.rows] == ["refund", "invoice"]
    assert result.closing == Decimal("5.00")


def test_an_earlier_period_closes_before_what_followed(world, history):
    result = statement(world.alice.pk, start=days_ago(60).date(), end=days_ago(30).date())
    assert [row.kind for row in result.rows] == ["invoice", "payment"]
    assert (result.opening, result.closing) == (0, 0)


def test_a_patient_with_nothing_has_an_empty_statement(world):
    result = statement(world.bob.pk, start=days_ago(30).date(), end=NOW.date())
    assert (result.opening, result.rows, result.closing) == (0, (), 0)


def test_a_statement_is_read_in_a_fixed_number_of_queries(
    world, history, django_assert_num_queries
):
    with django_assert_num_queries(3):
        statement(world.alice.pk, start=days_ago(7).date(), end=NOW.date())


def test_each_payer_has_its_balance(world, history):
    world.invoice("200.00", payer_share="150.00", patient=world.bob, issued_at=days_ago(1))
    (insurer,) = payer_balances(world.pickering.clinic_id)
    assert insurer.payer == world.insurer
    assert (insurer.invoiced, insurer.credited, insurer.paid, insurer.owing) == (
        Decimal("240.00"),
        0,
        Decimal("90.00"),
        Decimal("150.00"),
    )


def test_a_payers_balance_takes_off_what_credit_notes_took_off_its_share(world):
    billed = world.invoice("100.00", payer_share="80.00")
    credit_note_write(invoice=billed, total=Decimal("50.00"), by=world.desk, issued_at=NOW)
    (insurer,) = payer_balances(world.pickering.clinic_id)
    assert (insurer.invoiced, insurer.credited, insurer.owing) == (
        Decimal("80.00"),
        Decimal("40.00"),
        Decimal("40.00"),
    )


def test_balances_are_read_in_a_fixed_number_of_queries(world, history, django_assert_num_queries):
    with django_assert_num_queries(3):
        balance_of(world.alice.pk)
    with django_assert_num_queries(1):
        payer_balances(world.pickering.clinic_id)
