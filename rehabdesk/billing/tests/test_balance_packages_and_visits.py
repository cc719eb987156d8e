"""The account through a real check-out: a package sold and paid, visits drawn from it
(paid by package credit), a visit invoiced with an insurer's share, a visit credited
and given back to the package, and the desk's payments. The balance still reads
invoiced − credited − paid + refunded = owing − credit; package credit never turns
into cash credit (its refund is package credit, and never counted at day-end)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rehabdesk.billing.choices import PaymentMethod
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.selectors import balance_of, day_summary, outstanding_invoices
from rehabdesk.billing.services import (
    ThirdParty,
    credit_note_issue,
    invoice_for_visit,
    package_sell,
    payment_record,
    payment_refund,
)
from rehabdesk.billing.tests.invoicing import CHECK_OUT, build_invoice_world, later
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def billing(personas):
    return build_invoice_world(personas)


def check(patient_id):
    balance = balance_of(patient_id)
    assert balance.balance == balance.invoiced - balance.credited - balance.paid + balance.refunded
    assert balance.balance == balance.owing - balance.credit
    return balance


def test_a_package_its_visits_and_a_credited_visit_keep_the_account_whole(billing):
    pickering = billing.booking.pickering
    package = package_sell(
        patient=billing.patient,
        offer=billing.offer(visits=5, price="400.00"),
        location=pickering,
        by=billing.desk,
        now=at(8, 8, 30),
    )
    payment_record(
        patient=billing.patient,
        location=pickering,
        amount=D("452.00"),
        method=PaymentMethod.CREDIT_CARD,
        by=billing.desk,
        now=at(8, 8, 35),
    )
    assert check(billing.patient.pk).balance == 0

    drawn = [
        invoice_for_visit(
            appointment=billing.visit(hour, service=billing.massage),
            by=billing.desk,
            now=later(hour),
            package=package,
        )
        for hour in (9, 11)
    ]
    balance = check(billing.patient.pk)
    assert (balance.invoiced, balance.paid, balance.owing, balance.credit) == (
        D("612.00"),
        D("612.00"),
        0,
        0,
    )

    credit_note_issue(invoice=drawn[1], reason="Visit cut short", by=billing.desk, now=later(30))
    balance = check(billing.patient.pk)
    assert (balance.credited, balance.refunded, balance.credit, balance.balance) == (
        D("80.00"),
        D("80.00"),
        0,
        0,
    )
    summary = day_summary(pickering.pk, CHECK_OUT.date())
    package_row = next(row for row in summary.methods if row.method == "package_credit")
    assert (package_row.payments, package_row.refunds) == (D("160.00"), D("80.00"))
    assert "package_credit" not in summary.expected


def test_a_visit_billed_to_an_insurer_leaves_the_patient_their_share(billing):
    payer = billing.payer()
    invoice = invoice_for_visit(
        appointment=billing.visit(9),
        by=billing.desk,
        now=CHECK_OUT,
        third_party=ThirdParty(payer, D("68.00"), claim_number="C-1"),
    )
    assert (invoice.total, invoice.patient_share) == (D("85.00"), D("17.00"))
    (owing,) = outstanding_invoices([billing.patient.pk])
    assert owing.owing == D("17.00")
    cash = payment_record(
        patient=billing.patient,
        location=billing.booking.pickering,
        amount=D("20.00"),
        method=PaymentMethod.CASH,
        by=billing.desk,
        now=later(1),
    )
    balance = check(billing.patient.pk)
    assert (balance.invoiced, balance.owing, balance.credit) == (D("17.00"), 0, D("3.00"))
    payment_refund(payment=cash, amount=D("3.00"), reason="Change", by=billing.desk, now=later(2))
    with pytest.raises(BillingError) as caught:
        payment_record(
            patient=billing.patient,
            location=billing.booking.pickering,
            amount=D("68.01"),
            method=PaymentMethod.EFT,
            by=billing.desk,
            now=later(3),
            payer=payer,
        )
    assert caught.value.code == BillingErrorCode.OVERPAID
    payment_record(
        patient=billing.patient,
        location=billing.booking.pickering,
        amount=D("68.00"),
        method=PaymentMethod.EFT,
        by=billing.desk,
        now=later(3),
        payer=payer,
    )
    assert check(billing.patient.pk).balance == 0
    assert outstanding_invoices([billing.patient.pk]) == []
