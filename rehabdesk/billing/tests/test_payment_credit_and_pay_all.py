"""Credit on file put toward an invoice (oldest payments drawn on first, never more
than the invoice owes or the credit holds), and "pay all outstanding": one payment per
person owing — the patient, and with `family` each dependent they manage."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.choices import PaymentMethod
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import Payment, PaymentAllocation
from rehabdesk.billing.selectors import balance_of, outstanding_invoices
from rehabdesk.billing.services import (
    credit_apply,
    day_close,
    pay_all_outstanding,
    payment_record,
)
from rehabdesk.billing.tests.accounts_world import NOW, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_world(personas)


def pay(world, amount, days_ago, patient=None):
    moment = NOW - timedelta(days=days_ago)
    return payment_record(
        patient=patient or world.alice,
        location=world.pickering,
        amount=Decimal(amount),
        method=PaymentMethod.CASH,
        by=world.desk,
        now=moment,
    )


def apply(world, invoice, amount, patient=None):
    return credit_apply(
        patient=patient or world.alice,
        invoice=invoice,
        amount=Decimal(amount),
        by=world.desk,
        now=NOW,
    )


def test_credit_pays_an_invoice_from_the_oldest_payments_first(world):
    first, second = pay(world, "30.00", 5), pay(world, "40.00", 3)
    invoice = world.invoice("50.00")
    allocations = apply(world, invoice, "50.00")
    assert [(a.payment_id, a.amount) for a in allocations] == [
        (first.pk, Decimal("30.00")),
        (second.pk, Decimal("20.00")),
    ]
    balance = balance_of(world.alice.pk)
    assert (balance.owing, balance.credit, balance.paid) == (0, Decimal("20.00"), Decimal("70.00"))
    event = AuditEvent.objects.get(
        object_type="billing.invoice", object_id=str(invoice.pk), action="change"
    )
    assert event.summary == "credit applied to invoice"


def test_credit_cannot_pay_more_than_the_invoice_owes(world):
    pay(world, "100.00", 5)
    invoice = world.invoice("50.00")
    with pytest.raises(BillingError) as caught:
        apply(world, invoice, "50.01")
    assert caught.value.code == BillingErrorCode.OVERPAID
    assert not PaymentAllocation.objects.exists()


def test_credit_cannot_pay_more_than_there_is(world):
    pay(world, "20.00", 5)
    invoice = world.invoice("50.00")
    with pytest.raises(BillingError) as caught:
        apply(world, invoice, "20.01")
    assert caught.value.code == BillingErrorCode.NOT_ENOUGH_CREDIT
    assert not PaymentAllocation.objects.exists()


def test_credit_pays_only_the_patients_own_invoices(world):
    pay(world, "20.00", 5)
    bobs = world.invoice("10.00", patient=world.bob)
    with pytest.raises(BillingError) as caught:
        apply(world, bobs, "10.00")
    assert (caught.value.code, caught.value.field) == (BillingErrorCode.INVALID, "invoice")


@pytest.mark.parametrize("amount", ["-1.00", "0.00"])
def test_credit_applied_must_be_an_amount(world, amount):
    pay(world, "20.00", 5)
    with pytest.raises(BillingError) as caught:
        apply(world, world.invoice("10.00"), amount)
    assert caught.value.field == "amount"


def test_paying_all_outstanding_pays_every_invoice_owing(world):
    first = world.invoice("80.00", issued_at=NOW - timedelta(days=9))
    second = world.invoice("45.50", issued_at=NOW - timedelta(days=2))
    payment_record(
        patient=world.alice,
        location=world.pickering,
        amount=Decimal("30.00"),
        method=PaymentMethod.CASH,
        by=world.desk,
        now=NOW,
        invoices=[first],
    )
    (payment,) = pay_all_outstanding(
        patient=world.alice,
        location=world.pickering,
        method=PaymentMethod.DEBIT,
        by=world.desk,
        now=NOW,
        reference="T-1",
    )
    assert (payment.amount, payment.method, payment.reference) == (
        Decimal("95.50"),
        PaymentMethod.DEBIT,
        "T-1",
    )
    assert {a.invoice_id for a in payment.allocations.all()} == {first.pk, second.pk}
    assert outstanding_invoices([world.alice.pk]) == []
    assert balance_of(world.alice.pk).balance == 0


def test_paying_all_for_a_family_gives_each_person_their_own_payment(world):
    world.invoice("60.00", patient=world.guardian)
    world.invoice("40.00", patient=world.child)
    world.invoice("25.00", patient=world.child)
    world.invoice("99.00", patient=world.bob)
    payments = pay_all_outstanding(
        patient=world.guardian,
        location=world.pickering,
        method=PaymentMethod.CREDIT_CARD,
        by=world.desk,
        now=NOW,
        family=True,
    )
    assert [(p.patient_id, p.amount) for p in payments] == [
        (world.guardian.pk, Decimal("60.00")),
        (world.child.pk, Decimal("65.00")),
    ]
    for person in (world.guardian, world.child):
        assert balance_of(person.pk).balance == 0
    assert balance_of(world.bob.pk).owing == Decimal("99.00")


def test_paying_all_without_family_leaves_the_dependents_invoices(world):
    world.invoice("40.00", patient=world.child)
    with pytest.raises(BillingError) as caught:
        pay_all_outstanding(
            patient=world.guardian,
            location=world.pickering,
            method=PaymentMethod.CASH,
            by=world.desk,
            now=NOW,
        )
    assert caught.value.code == BillingErrorCode.NOTHING_OUTSTANDING
    assert not Payment.objects.exists()


def test_paying_all_on_a_closed_day_is_refused_whole(world):
    world.invoice("60.00", patient=world.guardian)
    world.invoice("40.00", patient=world.child)
    day_close(
        location=world.pickering, business_date=NOW.date(), counted={}, by=world.desk, now=NOW
    )
    with pytest.raises(BillingError) as caught:
        pay_all_outstanding(
            patient=world.guardian,
            location=world.pickering,
            method=PaymentMethod.CASH,
            by=world.desk,
            now=NOW,
            family=True,
        )
    assert caught.value.code == BillingErrorCode.DAY_CLOSED
    assert not Payment.objects.exists()
