"""Payments the desk cannot record: no amount, a negative one, fractions of a cent,
an unknown method or package credit, a date to come, someone else's invoice, a payer
paying more than it owes, a closed day. Each is refused with its code and the field
at fault, and nothing of it is written — no payment, no allocation, no audit event."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.choices import PaymentMethod
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import Payment, PaymentAllocation
from rehabdesk.billing.services import day_close, payment_record
from rehabdesk.billing.tests.accounts_world import NOW, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_world(personas)


def refused(world, **options):
    options.setdefault("patient", world.alice)
    options.setdefault("location", world.pickering)
    options.setdefault("amount", Decimal("10.00"))
    options.setdefault("method", PaymentMethod.CASH)
    with pytest.raises(BillingError) as caught:
        payment_record(by=world.desk, now=NOW, **options)
    assert Payment.objects.count() == 0
    assert PaymentAllocation.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="billing.payment").exists()
    return caught.value.code, caught.value.field


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("-5.00", BillingErrorCode.NEGATIVE_AMOUNT),
        ("-0.01", BillingErrorCode.NEGATIVE_AMOUNT),
        ("0.00", BillingErrorCode.INVALID),
        ("10.005", BillingErrorCode.INVALID),
        ("NaN", BillingErrorCode.INVALID),
        ("Infinity", BillingErrorCode.INVALID),
        ("100000000.00", BillingErrorCode.INVALID),
    ],
)
def test_it_refuses_an_amount_that_is_not_money(world, amount, code):
    assert refused(world, amount=Decimal(amount)) == (code, "amount")


@pytest.mark.parametrize("method", ["bitcoin", "", PaymentMethod.PACKAGE_CREDIT])
def test_it_refuses_an_unknown_method_and_package_credit(world, method):
    assert refused(world, method=method) == (BillingErrorCode.INVALID, "method")


def test_it_refuses_a_payment_dated_in_the_future(world):
    later = NOW + timedelta(minutes=5)
    assert refused(world, received_at=later) == (BillingErrorCode.INVALID, "received_at")


def test_it_refuses_a_time_without_its_zone(world):
    naive = NOW.replace(tzinfo=None)
    assert refused(world, received_at=naive) == (BillingErrorCode.INVALID, "received_at")


def test_it_refuses_someone_elses_invoice(world):
    bobs = world.invoice("50.00", patient=world.bob)
    assert refused(world, invoices=[bobs]) == (BillingErrorCode.INVALID, "invoices")


def test_it_refuses_an_invoice_not_billed_to_the_payer(world):
    own = world.invoice("50.00")
    code = refused(world, invoices=[own], payer=world.insurer, method=PaymentMethod.EFT)
    assert code == (BillingErrorCode.INVALID, "invoices")


def test_it_refuses_a_payer_paying_more_than_it_owes_and_keeps_nothing(world):
    world.invoice("100.00", payer_share="80.00")
    code = refused(world, amount=Decimal("80.01"), payer=world.insurer, method=PaymentMethod.EFT)
    assert code == (BillingErrorCode.OVERPAID, "amount")


def test_it_refuses_a_reference_too_long(world):
    assert refused(world, reference="x" * 81) == (BillingErrorCode.INVALID, "reference")


def test_it_refuses_a_payment_dated_on_a_closed_day(world):
    yesterday = NOW - timedelta(days=1)
    day_close(
        location=world.pickering, business_date=yesterday.date(), counted={}, by=world.desk, now=NOW
    )
    with pytest.raises(BillingError) as caught:
        payment_record(
            patient=world.alice,
            location=world.pickering,
            amount=Decimal("10.00"),
            method=PaymentMethod.CASH,
            by=world.desk,
            now=NOW,
            received_at=yesterday,
        )
    assert (caught.value.code, caught.value.field) == (BillingErrorCode.DAY_CLOSED, "received_at")
    assert Payment.objects.count() == 0


def test_a_closed_day_at_one_location_leaves_the_other_open(world):
    day_close(location=world.milton, business_date=NOW.date(), counted={}, by=world.desk, now=NOW)
    payment = payment_record(
        patient=world.alice,
        location=world.pickering,
        amount=Decimal("10.00"),
        method=PaymentMethod.CASH,
        by=world.desk,
        now=NOW,
    )
    assert payment.business_date == NOW.date()


def test_the_database_refuses_a_payment_rewritten(world):
    from django.db import IntegrityError, transaction

    payment = payment_record(
        patient=world.alice,
        location=world.pickering,
        amount=Decimal("10.00"),
        method=PaymentMethod.CASH,
        by=world.desk,
        now=NOW,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(amount=Decimal("1.00"))
    assert Payment.objects.get(pk=payment.pk).amount == Decimal("10.00")
