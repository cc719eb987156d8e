"""A refund gives back money of a payment that pays no invoice — the patient's credit —
with a reason, by the payment's method unless told, dated today at the payment's
location. Never more than is left of the payment; never on a closed day; money paid on
an invoice comes back only once the invoice is credited."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.choices import PaymentKind, PaymentMethod
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import Payment
from rehabdesk.billing.selectors import balance_of, payment_by_id, payments_of
from rehabdesk.billing.services import day_close, payment_record, payment_refund
from rehabdesk.billing.tests.accounts_world import NOW, build_world, credit_note_write

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_world(personas)


def pay(world, amount, **options):
    return payment_record(
        patient=world.alice,
        location=world.pickering,
        amount=Decimal(amount),
        method=options.pop("method", PaymentMethod.CREDIT_CARD),
        by=world.desk,
        now=NOW - timedelta(days=2),
        received_at=NOW - timedelta(days=2),
        **options,
    )


def refund(world, payment, amount, reason="Overpaid at the desk", **options):
    return payment_refund(
        payment=payment, amount=Decimal(amount), reason=reason, by=world.desk, now=NOW, **options
    )


def test_it_gives_back_credit_by_the_payments_method_dated_today(world):
    world.invoice("85.00")
    payment = pay(world, "100.00")
    back = refund(world, payment, "15.00")
    assert (back.kind, back.method, back.amount, back.refunds_id) == (
        PaymentKind.REFUND,
        PaymentMethod.CREDIT_CARD,
        Decimal("15.00"),
        payment.pk,
    )
    assert (back.business_date, back.location_id, back.reason) == (
        NOW.date(),
        world.pickering.pk,
        "Overpaid at the desk",
    )
    balance = balance_of(world.alice.pk)
    assert (balance.refunded, balance.credit, balance.balance) == (Decimal("15.00"), 0, 0)
    event = AuditEvent.objects.get(object_type="billing.payment", object_id=str(back.pk))
    assert event.summary == "refund recorded"


def test_it_gives_back_by_another_method_when_told(world):
    payment = pay(world, "20.00", method=PaymentMethod.DEBIT)
    assert refund(world, payment, "20.00", method=PaymentMethod.CASH).method == PaymentMethod.CASH


def test_it_refuses_more_than_the_credit_left_of_the_payment(world):
    world.invoice("85.00")
    payment = pay(world, "100.00")
    refund(world, payment, "10.00")
    with pytest.raises(BillingError) as caught:
        refund(world, payment, "5.01")
    assert caught.value.code == BillingErrorCode.REFUND_TOO_LARGE
    assert Payment.objects.filter(kind=PaymentKind.REFUND).count() == 1
    assert balance_of(world.alice.pk).credit == Decimal("5.00")


def test_it_refuses_money_paying_an_invoice_until_the_invoice_is_credited(world):
    invoice = world.invoice("85.00")
    payment = pay(world, "85.00")
    with pytest.raises(BillingError) as caught:
        refund(world, payment, "0.01")
    assert caught.value.code == BillingErrorCode.REFUND_TOO_LARGE
    credit_note_write(invoice=invoice, total=Decimal("85.00"), by=world.desk, issued_at=NOW)
    assert balance_of(world.alice.pk).credit == Decimal("85.00")
    refund(world, payment, "85.00")
    balance = balance_of(world.alice.pk)
    assert (balance.owing, balance.credit, balance.balance) == (0, 0, 0)


@pytest.mark.parametrize(
    ("amount", "reason", "code", "field"),
    [
        ("-1.00", "Why", BillingErrorCode.NEGATIVE_AMOUNT, "amount"),
        ("0.00", "Why", BillingErrorCode.INVALID, "amount"),
        ("1.001", "Why", BillingErrorCode.INVALID, "amount"),
        ("1.00", "   ", BillingErrorCode.REASON_MISSING, "reason"),
        ("1.00", "x" * 201, BillingErrorCode.INVALID, "reason"),
    ],
)
def test_it_refuses_a_refund_without_an_amount_or_a_reason(world, amount, reason, code, field):
    payment = pay(world, "20.00")
    with pytest.raises(BillingError) as caught:
        refund(world, payment, amount, reason=reason)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert Payment.objects.count() == 1


def test_it_refuses_to_refund_a_refund(world):
    payment = pay(world, "20.00")
    back = refund(world, payment, "5.00")
    with pytest.raises(BillingError) as caught:
        refund(world, back, "1.00")
    assert (caught.value.code, caught.value.field) == (BillingErrorCode.INVALID, "payment")


def test_it_refuses_a_refund_on_a_closed_day(world):
    payment = pay(world, "20.00")
    day_close(
        location=world.pickering, business_date=NOW.date(), counted={}, by=world.desk, now=NOW
    )
    with pytest.raises(BillingError) as caught:
        refund(world, payment, "5.00")
    assert caught.value.code == BillingErrorCode.DAY_CLOSED
    assert Payment.objects.count() == 1


def test_a_refund_of_a_payers_payment_is_the_payers(world):
    invoice = world.invoice("100.00", payer_share="80.00")
    payment = pay(world, "80.00", payer=world.insurer, method=PaymentMethod.EFT)
    note = credit_note_write(invoice=invoice, total=Decimal("100.00"), by=world.desk, issued_at=NOW)
    assert note.payer_share == Decimal("80.00")
    back = refund(world, payment, "80.00", reason="Claim withdrawn")
    assert back.payer_id == world.insurer.pk
    assert balance_of(world.alice.pk).refunded == 0


def test_the_patients_payments_show_what_is_left_of_each_to_refund(world):
    world.invoice("85.00")
    first = pay(world, "50.00")
    second = pay(world, "60.00", method=PaymentMethod.CASH)
    back = refund(world, second, "5.00")
    rows = [(payment.pk, left) for payment, left in payments_of([world.alice.pk])]
    assert rows == [(back.pk, 0), (second.pk, Decimal("20.00")), (first.pk, 0)]
    assert payment_by_id(second.pk).location == world.pickering
    assert payment_by_id(999_999) is None
