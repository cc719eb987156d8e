"""Receivables aged from the invoice's date, on March 31, 2027 (Toronto):

- A, Mar 1 ($100, unpaid): 30 days old, the last day of 0–30.
- B, Feb 28 23:00 ($50, $20 paid): 31 days old, 31–60; the patient owes $30.
- C, Jan 15 ($200, $150 of it billed to Sun Life, which paid $100): 61–90; Sun Life
  owes $50 and the patient $50.
- D, Nov 1 ($80, credited in full): owes nothing, not listed.
- E, Dec 1 ($60, all Sun Life's; a credit note took $10 off Sun Life's share): over 90;
  Sun Life owes $50.
- F, Apr 2: after the day asked about.
- G, Mar 10 ($85, paid in full): owes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from rehabdesk.billing.choices import PayerKind, PaymentMethod
from rehabdesk.billing.models import Payer, PaymentAllocation
from rehabdesk.billing.selectors.owing import owing_by_invoice
from rehabdesk.billing.selectors.reports import receivables, report_scope
from rehabdesk.billing.tests.reports_world import Books, Line, money
from rehabdesk.scheduling.testing import build_booking_world

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")
ON = date(2027, 3, 31)


def on(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=TORONTO)


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


@pytest.fixture
def books(personas, world):
    books = Books(issuer=personas.front_desk)
    sun_life = Payer.objects.create(
        clinic_id=world.pickering.clinic_id, name="Sun Life", kind=PayerKind.EXTENDED_HEALTH
    )

    def invoice(when, amount, **terms):
        return books.invoice(
            location=world.pickering,
            patient=world.patient,
            issued_at=when,
            lines=[Line(amount, service=world.follow_up, practitioner=world.physio)],
            **terms,
        )

    invoice(on(2027, 3, 1, 0), "100.00")
    paid_in_part = invoice(on(2027, 2, 28, 23), "50.00")
    books.pay(paid_in_part, "20.00", received_at=on(2027, 3, 1))
    shared = invoice(on(2027, 1, 15), "200.00", payer=sun_life, payer_share="150.00")
    books.pay(
        shared, "100.00", received_at=on(2027, 2, 20), method=PaymentMethod.EFT, payer=sun_life
    )
    credited = invoice(on(2026, 11, 1), "80.00")
    books.credit(credited, issued_at=on(2026, 11, 2), amounts={1: "80.00"})
    payers = invoice(on(2026, 12, 1), "60.00", payer=sun_life, payer_share="60.00")
    books.credit(payers, issued_at=on(2026, 12, 5), amounts={1: "10.00"}, payer_share="10.00")
    invoice(on(2027, 4, 2), "70.00")
    paid = invoice(on(2027, 3, 10), "85.00")
    books.pay(paid, "85.00", received_at=on(2027, 3, 10))
    return books


def test_it_ages_what_is_owed_from_the_invoice_date(books):
    aged = receivables(on=ON, scope=report_scope())
    assert [(row.label, row.invoices, row.patient, row.payer) for row in aged.rows] == [
        ("0–30 days", 1, money(100), money(0)),
        ("31–60 days", 1, money(30), money(0)),
        ("61–90 days", 1, money(50), money(50)),
        ("Over 90 days", 1, money(0), money(50)),
    ]


def test_it_totals_the_patients_and_the_payers_shares(books):
    aged = receivables(on=ON, scope=report_scope())
    assert (aged.invoices, aged.patient, aged.payer, aged.owing) == (
        4,
        money(180),
        money(100),
        money(280),
    )


def test_it_moves_an_invoice_to_the_next_bucket_a_day_later(books):
    aged = receivables(on=date(2027, 4, 1), scope=report_scope())
    # A (Mar 1) is 31 days old now; the April 2 invoice is still to come.
    assert [(row.invoices, row.owing) for row in aged.rows] == [
        (0, money(0)),
        (2, money(130)),
        (1, money(100)),
        (1, money(50)),
    ]


def test_it_lists_every_bucket_even_when_nothing_is_owed(personas):
    aged = receivables(on=ON, scope=report_scope())
    assert [(row.label, row.invoices, row.owing) for row in aged.rows] == [
        ("0–30 days", 0, money(0)),
        ("31–60 days", 0, money(0)),
        ("61–90 days", 0, money(0)),
        ("Over 90 days", 0, money(0)),
    ]


def test_it_agrees_with_the_one_definition_of_what_is_owed(books):
    owed = owing_by_invoice([invoice.pk for invoice in books.invoices])
    aged = receivables(on=date(2027, 12, 31), scope=report_scope())
    assert aged.owing == sum((amount for amount in owed.values() if amount > 0), money(0))
    assert aged.invoices == sum(1 for amount in owed.values() if amount > 0)


def test_a_location_s_report_counts_only_its_own_invoices(books, world):
    """Money moved on another location's invoices never reaches this one's report: a
    Milton invoice owing $40, and one whose $25 was allocated and then released (a
    negative allocation, the invoice's own sum positive again) are Milton's alone."""
    line = [Line("40.00", service=world.follow_up, practitioner=world.physio)]
    books.invoice(
        location=world.milton, patient=world.patient, issued_at=on(2027, 3, 20), lines=line
    )
    released = books.invoice(
        location=world.milton,
        patient=world.patient,
        issued_at=on(2027, 3, 21),
        lines=[Line("25.00", service=world.follow_up, practitioner=world.physio)],
    )
    payment = books.pay(released, "25.00", received_at=on(2027, 3, 21))
    PaymentAllocation.objects.create(
        payment=payment, invoice=released, amount=money("-25.00"), created_at=on(2027, 3, 22)
    )
    pickering = receivables(on=ON, scope=report_scope(location_ids=[world.pickering.pk]))
    milton = receivables(on=ON, scope=report_scope(location_ids=[world.milton.pk]))
    everywhere = receivables(on=ON, scope=report_scope())
    assert (pickering.invoices, pickering.owing) == (4, money(280))
    assert (milton.invoices, milton.owing) == (2, money(65))
    assert (everywhere.invoices, everywhere.owing) == (6, money(345))
