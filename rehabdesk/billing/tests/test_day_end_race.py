"""A payment racing the day's close, on real connections: a payment queued behind the
close being written finds the day closed and is refused (nothing of it kept); a close
queued behind a payment counts it. Two refunds of one credit at once: the second finds
it gone. A payment of an invoice being credited waits for the credit note and keeps
what it no longer owes as credit. Never a payment on a closed day that its count
missed, never an invoice paid beyond what it owes (two desks paying one invoice at once:
the second's money is credit)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from rehabdesk.billing.choices import PaymentKind, PaymentMethod
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import DayClose, Payment
from rehabdesk.billing.selectors import balance_of, owing_by_invoice
from rehabdesk.billing.services import day_close, payment_record, payment_refund
from rehabdesk.billing.tests.accounts_world import NOW, build_world, credit_note_write
from rehabdesk.testing.races import first_then_second

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
TODAY = NOW.date()


@pytest.fixture
def world(personas):
    return build_world(personas)


def pay(world, amount="25.00"):
    return lambda: payment_record(
        patient=world.alice,
        location=world.pickering,
        amount=Decimal(amount),
        method=PaymentMethod.CASH,
        by=world.desk,
        now=NOW,
    )


def close(world, cash):
    return lambda: day_close(
        location=world.pickering,
        business_date=TODAY,
        counted={"cash": Decimal(cash)},
        by=world.desk,
        now=NOW,
        note="counted",
    )


def test_a_payment_queued_behind_the_close_is_refused(world):
    second = first_then_second(close(world, "0.00"), pay(world))
    assert isinstance(second, BillingError), second
    assert second.code == BillingErrorCode.DAY_CLOSED
    assert not Payment.objects.exists()
    assert DayClose.objects.get().counts.get(method="cash").expected == 0


def test_a_close_queued_behind_a_payment_counts_it(world):
    closed = first_then_second(pay(world), close(world, "25.00"))
    assert isinstance(closed, DayClose), closed
    cash = closed.counts.get(method="cash")
    assert (cash.expected, cash.counted, cash.difference) == (
        Decimal("25.00"),
        Decimal("25.00"),
        0,
    )


def test_two_refunds_of_one_credit_give_it_back_once(world):
    payment = payment_record(
        patient=world.alice,
        location=world.pickering,
        amount=Decimal("30.00"),
        method=PaymentMethod.CASH,
        by=world.desk,
        now=NOW - timedelta(hours=1),
    )

    def refund():
        return payment_refund(
            payment=payment, amount=Decimal("20.00"), reason="Moving away", by=world.desk, now=NOW
        )

    second = first_then_second(refund, refund)
    assert isinstance(second, BillingError), second
    assert second.code == BillingErrorCode.REFUND_TOO_LARGE
    assert Payment.objects.filter(kind=PaymentKind.REFUND).count() == 1


def test_a_payment_queued_behind_a_credit_note_keeps_the_freed_amount_as_credit(world):
    invoice = world.invoice("85.00")

    def credit():
        return credit_note_write(
            invoice=invoice, total=Decimal("85.00"), by=world.desk, issued_at=NOW
        )

    def pay_it():
        return payment_record(
            patient=world.alice,
            location=world.pickering,
            amount=Decimal("85.00"),
            method=PaymentMethod.DEBIT,
            by=world.desk,
            now=NOW,
            invoices=[invoice],
        )

    payment = first_then_second(credit, pay_it)
    assert isinstance(payment, Payment), payment
    assert owing_by_invoice([invoice.pk]) == {invoice.pk: 0}
    balance = balance_of(world.alice.pk)
    assert (balance.owing, balance.credit) == (0, Decimal("85.00"))


def test_two_desks_paying_one_invoice_at_once_pay_it_once(world):
    invoice = world.invoice("85.00")

    def pay_it():
        return payment_record(
            patient=world.alice,
            location=world.pickering,
            amount=Decimal("85.00"),
            method=PaymentMethod.DEBIT,
            by=world.desk,
            now=NOW,
            invoices=[invoice],
        )

    second = first_then_second(pay_it, pay_it)
    assert isinstance(second, Payment), second
    assert not second.allocations.exists()
    assert owing_by_invoice([invoice.pk]) == {invoice.pk: 0}
    assert balance_of(world.alice.pk).credit == Decimal("85.00")
