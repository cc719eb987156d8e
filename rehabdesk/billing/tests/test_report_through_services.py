"""The reports read what the billing services write: a day at Pickering checked out at
the desk through the invoices', packages', credit notes' and payments' services.

Monday March 8, 2027 (Toronto):
- Alice's follow-up at 9:00: $85.00, HST exempt; she pays it by debit.
- Bob buys five massages for $400.00 + HST $52.00 (not paid yet).
- Bob's massage at 10:00 is drawn from the package: $80.00 (400 / 5), no tax (charged
  on the package), paid with the package's credit.
- Alice’s massage at 13:00: $85.00 + HST $11.05, then credited in full.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rehabdesk.billing.choices import PaymentMethod
from rehabdesk.billing.selectors.reports import (
    Period,
    package_sales,
    receivables,
    report_scope,
    revenue,
    tax_collected,
)
from rehabdesk.billing.services import (
    credit_note_issue,
    invoice_for_visit,
    package_sell,
    payment_record,
)
from rehabdesk.billing.tests.invoicing import build_invoice_world, later

pytestmark = pytest.mark.django_db

DAY = Period(date(2027, 3, 8), date(2027, 3, 8))


def money(text: str) -> Decimal:
    return Decimal(text)


@pytest.fixture
def day(personas):
    world = build_invoice_world(personas)
    desk, pickering = world.desk, world.booking.pickering
    follow_up = invoice_for_visit(appointment=world.visit(9), by=desk, now=later(1))
    payment_record(
        patient=world.patient,
        location=pickering,
        amount=money("85.00"),
        method=PaymentMethod.DEBIT,
        by=desk,
        now=later(2),
        invoices=[follow_up],
    )
    package = package_sell(
        patient=world.other_patient, offer=world.offer(), location=pickering, by=desk, now=later(3)
    )
    invoice_for_visit(
        appointment=world.visit(10, service=world.massage, patient=world.other_patient),
        by=desk,
        now=later(4),
        package=package,
    )
    massage = invoice_for_visit(
        appointment=world.visit(13, service=world.massage), by=desk, now=later(5)
    )
    credit_note_issue(invoice=massage, reason="Charged twice", by=desk, now=later(6))
    return world


def test_it_counts_the_visits_given_and_not_the_package_sold(day):
    report = revenue(period=DAY, by="practitioner", scope=report_scope())
    assert [(row.label, row.invoiced, row.credited, row.net) for row in report.rows] == [
        (day.booking.physio.display_name, money("85.00"), money("0.00"), money("85.00")),
        (
            day.booking.massage_therapist.display_name,
            money("165.00"),
            money("85.00"),
            money("80.00"),
        ),
    ]
    assert package_sales(period=DAY, scope=report_scope()) == money("400.00")


def test_it_files_the_package_s_tax_once(day):
    report = tax_collected(period=DAY, scope=report_scope())
    taxed = [row for row in report.rows if row.label != "No tax"]
    assert [(row.sales, row.charged, row.credited, row.net) for row in taxed] == [
        (money("400.00"), money("63.05"), money("11.05"), money("52.00"))
    ]
    assert report.net == money("52.00")


def test_it_ages_what_the_payments_left_owing(day):
    aged = receivables(on=date(2027, 3, 8), scope=report_scope())
    assert (aged.invoices, aged.patient, aged.payer) == (1, money("452.00"), money("0.00"))
