"""Revenue and HST for a period, worked out on paper from a few hand-made invoices.

March 2027 at Persona Clinic (Toronto time):
- Feb 26, Pickering: the physio's follow-up, $85.00 exempt. Credited in full Mar 2.
- Mar 1 00:30, Pickering: the massage therapist's massage, $100.00 + HST $13.00.
  Credited $20.00 + $2.60 on Mar 15.
- Mar 5, Pickering: a package of five massages sold, $500.00 + HST $65.00 (money taken
  in advance: never revenue; its HST is charged now).
- Mar 10, Pickering: a massage drawn from the package, $100.00 + HST $13.00, paid with
  the package's credit (revenue now; its HST was charged at the sale).
- Mar 31 23:30, Milton: the physio's follow-up $85.00 exempt and a brace $40.00 + HST
  $5.20 (no practitioner).
- Apr 1 00:10, Pickering: the physio's follow-up, $85.00 (April, on the local clock).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from rehabdesk.billing.choices import InvoicePurpose, LineKind, PaymentMethod
from rehabdesk.billing.selectors.reports import (
    NOT_A_VISIT,
    Period,
    package_sales,
    report_scope,
    revenue,
    tax_collected,
)
from rehabdesk.billing.tests.reports_world import Books, Line, money
from rehabdesk.scheduling.testing import build_booking_world

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")
MARCH = Period(date(2027, 3, 1), date(2027, 3, 31))


def on(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=TORONTO)


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


@pytest.fixture
def books(personas, world):
    books = Books(issuer=personas.front_desk)
    physio, rmt = world.physio, world.massage_therapist
    follow_up = Line("85.00", service=world.follow_up, practitioner=physio)
    massage = Line("100.00", service=world.massage, practitioner=rmt, hst=True)
    feb = books.invoice(
        location=world.pickering, patient=world.patient, issued_at=on(2, 26), lines=[follow_up]
    )
    books.credit(feb, issued_at=on(3, 2), amounts={1: "85.00"})
    first = books.invoice(
        location=world.pickering, patient=world.patient, issued_at=on(3, 1, 0, 30), lines=[massage]
    )
    books.credit(first, issued_at=on(3, 15), amounts={1: "20.00"})
    sale = books.invoice(
        location=world.pickering,
        patient=world.other_patient,
        issued_at=on(3, 5),
        purpose=InvoicePurpose.PACKAGE,
        lines=[Line("500.00", kind=LineKind.PACKAGE, service=world.massage, hst=True)],
    )
    package = books.package_for(
        sale, service=world.massage, patient=world.other_patient, sold_at=on(3, 5)
    )
    drawn = books.invoice(
        location=world.pickering, patient=world.other_patient, issued_at=on(3, 10), lines=[massage]
    )
    books.pay(
        drawn,
        "113.00",
        received_at=on(3, 10),
        method=PaymentMethod.PACKAGE_CREDIT,
        package=package,
    )
    books.invoice(
        location=world.milton,
        patient=world.patient,
        issued_at=on(3, 31, 23, 30),
        lines=[follow_up, Line("40.00", kind=LineKind.PRODUCT, hst=True)],
    )
    books.invoice(
        location=world.pickering,
        patient=world.patient,
        issued_at=on(4, 1, 0, 10),
        lines=[follow_up],
    )
    return books


def figures(report):
    return [(row.label, row.invoiced, row.credited, row.net) for row in report.rows]


def test_it_totals_march_before_tax_less_credit_notes_issued_in_march(books):
    march = revenue(period=MARCH, by="location", scope=report_scope())
    assert (march.invoiced, march.credited, march.net) == (
        money("325.00"),
        money("105.00"),
        money("220.00"),
    )


def test_it_breaks_revenue_down_by_location_largest_first(books):
    march = revenue(period=MARCH, by="location", scope=report_scope())
    assert figures(march) == [
        ("Milton", money(125), money(0), money(125)),
        ("Pickering", money(200), money(105), money(95)),
    ]


def test_it_breaks_revenue_down_by_practitioner_with_sales_apart(books, world):
    march = revenue(period=MARCH, by="practitioner", scope=report_scope())
    assert figures(march) == [
        (world.massage_therapist.display_name, money(200), money(20), money(180)),
        (NOT_A_VISIT, money(40), money(0), money(40)),
        (world.physio.display_name, money(85), money(85), money(0)),
    ]


def test_it_breaks_revenue_down_by_discipline_and_by_service(books, world):
    disciplines = revenue(period=MARCH, by="discipline", scope=report_scope())
    assert [(row.label, row.net) for row in disciplines.rows] == [
        (world.massage.discipline.name, money(180)),
        (NOT_A_VISIT, money(40)),
        (world.follow_up.discipline.name, money(0)),
    ]
    services = revenue(period=MARCH, by="service", scope=report_scope())
    assert [(row.label, row.net) for row in services.rows] == [
        (world.massage.name, money(180)),
        (NOT_A_VISIT, money(40)),
        (world.follow_up.name, money(0)),
    ]


def test_it_counts_months_on_the_local_clock_with_empty_months_listed(books):
    spring = revenue(
        period=Period(date(2027, 1, 1), date(2027, 4, 30)), by="month", scope=report_scope()
    )
    assert figures(spring) == [
        ("Jan 2027", money(0), money(0), money(0)),
        ("Feb 2027", money(85), money(0), money(85)),
        ("Mar 2027", money(325), money(105), money(220)),
        ("Apr 2027", money(85), money(0), money(85)),
    ]


def test_it_reports_one_location_when_asked(books, world):
    pickering = report_scope(location_ids=[world.pickering.pk])
    assert revenue(period=MARCH, by="month", scope=pickering).net == money(95)


def test_it_keeps_packages_sold_beside_revenue(books):
    assert package_sales(period=MARCH, scope=report_scope()) == money(500)


def test_it_files_the_hst_charged_less_credited_leaving_prepaid_visits_out(books):
    hst = tax_collected(period=MARCH, scope=report_scope())
    assert [(row.label, row.sales, row.charged, row.credited, row.net) for row in hst.rows] == [
        ("HST 13%", money(620), money("83.20"), money("2.60"), money("80.60")),
    ]  # the exempt follow-up, credited in full in March, leaves nothing to list
    assert hst.net == Decimal("80.60")


def test_it_reports_nothing_for_a_quiet_period(books):
    quiet = Period(date(2026, 1, 1), date(2026, 1, 31))
    assert revenue(period=quiet, by="service", scope=report_scope()).rows == []
    assert tax_collected(period=quiet, scope=report_scope()).rows == []
