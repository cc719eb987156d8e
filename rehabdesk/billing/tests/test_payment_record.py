"""A payment is put toward what is owed, oldest invoice first unless the desk picks the
invoices, never more than an invoice owes; what is left is the patient's credit; a
payer's payment pays the payer's share only. Each payment is on the audit trail."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.choices import PaymentMethod
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import PaymentAllocation
from rehabdesk.billing.selectors import balance_of, outstanding_invoices, owing_by_invoice
from rehabdesk.billing.services import pay_all_outstanding, payment_record
from rehabdesk.billing.tests.accounts_world import NOW, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_world(personas)


def pay(world, amount, **options):
    options.setdefault("patient", world.alice)
    return payment_record(
        location=world.pickering,
        amount=Decimal(amount),
        method=options.pop("method", PaymentMethod.DEBIT),
        by=world.desk,
        now=NOW,
        **options,
    )


def allocated(payment):
    return {a.invoice_id: a.amount for a in PaymentAllocation.objects.filter(payment=payment)}


def test_it_pays_the_oldest_invoice_first_and_keeps_the_rest_as_credit(world):
    older = world.invoice("80.00", issued_at=NOW - timedelta(days=3))
    newer = world.invoice("50.00", issued_at=NOW - timedelta(days=1))
    payment = pay(world, "100.00")
    assert allocated(payment) == {older.pk: Decimal("80.00"), newer.pk: Decimal("20.00")}
    assert owing_by_invoice([older.pk, newer.pk]) == {older.pk: 0, newer.pk: Decimal("30.00")}
    balance = balance_of(world.alice.pk)
    assert (balance.owing, balance.credit, balance.balance) == (
        Decimal("30.00"),
        0,
        Decimal("30.00"),
    )


def test_it_pays_the_invoices_the_desk_picked_in_their_order(world):
    older = world.invoice("80.00", issued_at=NOW - timedelta(days=3))
    newer = world.invoice("50.00", issued_at=NOW - timedelta(days=1))
    payment = pay(world, "60.00", invoices=[newer, older])
    assert allocated(payment) == {newer.pk: Decimal("50.00"), older.pk: Decimal("10.00")}


def test_an_overpayment_becomes_the_patients_credit(world):
    invoice = world.invoice("85.00")
    payment = pay(world, "100.00", invoices=[invoice])
    assert allocated(payment) == {invoice.pk: Decimal("85.00")}
    balance = balance_of(world.alice.pk)
    assert (balance.paid, balance.owing, balance.credit) == (Decimal("100.00"), 0, Decimal("15.00"))
    assert balance.balance == Decimal("-15.00")


def test_a_payment_with_nothing_owed_is_all_credit(world):
    payment = pay(world, "40.00")
    assert allocated(payment) == {}
    assert balance_of(world.alice.pk).credit == Decimal("40.00")


def test_a_paid_invoice_takes_no_more(world):
    invoice = world.invoice("85.00")
    pay(world, "85.00", invoices=[invoice])
    second = pay(world, "10.00", invoices=[invoice])
    assert allocated(second) == {}
    assert outstanding_invoices([world.alice.pk]) == []


def test_it_pays_only_the_patients_own_share_of_an_invoice_billed_to_a_payer(world):
    invoice = world.invoice("100.00", payer_share="80.00")
    payment = pay(world, "50.00")
    assert allocated(payment) == {invoice.pk: Decimal("20.00")}
    balance = balance_of(world.alice.pk)
    assert (balance.invoiced, balance.owing, balance.credit) == (
        Decimal("20.00"),
        0,
        Decimal("30.00"),
    )


def test_a_payers_payment_pays_the_payers_share(world):
    invoice = world.invoice("100.00", payer_share="80.00")
    payment = pay(world, "80.00", payer=world.insurer, method=PaymentMethod.EFT)
    assert allocated(payment) == {invoice.pk: Decimal("80.00")}
    assert owing_by_invoice([invoice.pk]) == {invoice.pk: Decimal("20.00")}
    # The patient's account is theirs alone: the payer's money is not their payment.
    assert balance_of(world.alice.pk).paid == 0
    assert balance_of(world.alice.pk).owing == Decimal("20.00")


def test_it_is_dated_on_the_locations_day_it_was_received(world):
    late_evening = NOW.replace(hour=23, minute=30) - timedelta(days=1)
    payment = pay(world, "10.00", received_at=late_evening)
    assert payment.business_date == late_evening.date()
    assert payment.clinic_id == world.pickering.clinic_id


def test_it_is_on_the_audit_trail_naming_the_patient(world):
    payment = pay(world, "10.00", reference="AUTH 123456")
    event = AuditEvent.objects.get(object_type="billing.payment", object_id=str(payment.pk))
    assert event.action == "create"
    assert event.actor_id == world.desk.pk
    assert event.location_id == world.pickering.pk
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [world.alice.pk]
    assert "AUTH" not in event.summary


def test_an_invoice_paid_to_the_cent_is_not_outstanding_whatever_the_arithmetic(world):
    """SQLite sums decimals in floating point: 0.04 − 0.03 − 0.01 comes to 1.7e-18."""
    invoice = world.invoice("0.04", payer_share="0.03")
    pay(world, "0.01", invoices=[invoice])
    assert outstanding_invoices([world.alice.pk]) == []
    with pytest.raises(BillingError) as caught:
        pay_all_outstanding(
            patient=world.alice, location=world.pickering, method="cash", by=world.desk, now=NOW
        )
    assert caught.value.code == BillingErrorCode.NOTHING_OUTSTANDING
    assert allocated(pay(world, "5.00")) == {}
