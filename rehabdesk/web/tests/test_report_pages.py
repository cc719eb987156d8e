"""The manager's report pages: a period and locations chosen on a plain GET form, the
figures as a table (and a chart where a picture reads faster), the same as a CSV file;
for managers only, in their menu; never a patient's name.

The books: March 2027 at Pickering, the physio's follow-up ($85.00, exempt) for Alice
and the massage therapist's massage ($100.00 + $13.00 HST) for Bob, $20.00 of it
credited; at Milton a brace ($40.00 + $5.20) for Alice.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rehabdesk.billing.choices import LineKind
from rehabdesk.billing.tests.reports_world import Books, Line
from rehabdesk.scheduling.testing import build_booking_world

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")
MARCH = "?start=2027-03-01&end=2027-03-31"
REPORTS = ("revenue", "hst", "receivables", "utilization", "cancellations", "new-patients")


def on(day: int, hour: int = 10) -> datetime:
    return datetime(2027, 3, day, hour, tzinfo=TORONTO)


@pytest.fixture
def books(personas):
    world = build_booking_world(personas)
    books = Books(issuer=personas.front_desk)
    books.invoice(
        location=world.pickering,
        patient=world.patient,
        issued_at=on(2),
        lines=[Line("85.00", service=world.follow_up, practitioner=world.physio)],
    )
    massage = books.invoice(
        location=world.pickering,
        patient=world.other_patient,
        issued_at=on(3),
        lines=[
            Line("100.00", service=world.massage, practitioner=world.massage_therapist, hst=True)
        ],
    )
    books.credit(massage, issued_at=on(4), amounts={1: "20.00"})
    books.invoice(
        location=world.milton,
        patient=world.patient,
        issued_at=on(5),
        lines=[Line("40.00", kind=LineKind.PRODUCT, hst=True)],
    )
    return world


@pytest.fixture
def manager(client, personas):
    client.force_login(personas.manager)
    return client


def rows_of(html: str) -> list[list[str]]:
    """The first report table's body and foot, cell texts in order."""
    table = re.search(r'<table class="data report">(.*?)</table>', html, re.S)
    assert table is not None
    rows = re.findall(r"<tr>(.*?)</tr>", table[1], re.S)[1:]  # after the headings
    return [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in rows
    ]


def test_it_shows_revenue_by_location_with_its_chart(manager, books):
    response = manager.get(reverse("report-revenue") + MARCH + "&by=location")
    assert response.status_code == 200
    assert rows_of(response.text) == [
        ["Pickering", "$185.00", "$20.00", "$165.00"],
        ["Milton", "$40.00", "$0.00", "$40.00"],
        ["Total", "$225.00", "$20.00", "$205.00"],
    ]
    svg = re.search(r"<svg[^>]*>.*?</svg>", response.text, re.S)
    assert svg is not None
    assert 'role="img"' in svg[0]
    assert '<title id="revenue-chart-title">Net revenue by location</title>' in svg[0]
    assert 'aria-labelledby="revenue-chart-title revenue-chart-desc"' in svg[0]


def test_it_exports_the_same_figures_as_csv(manager, books):
    response = manager.get(reverse("report-csv-revenue") + MARCH + "&by=location")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="revenue-2027-03-01-2027-03-31.csv"'
    )
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [
        ["Revenue by location"],
        ["Location", "Invoiced", "Credited", "Net"],
        ["Pickering", "185.00", "20.00", "165.00"],
        ["Milton", "40.00", "0.00", "40.00"],
        ["Total", "225.00", "20.00", "205.00"],
    ]


def test_it_shows_the_hst_to_file(manager, books):
    response = manager.get(reverse("report-hst") + MARCH)
    assert rows_of(response.text) == [
        ["HST 13%", "$120.00", "$18.20", "$2.60", "$15.60"],
        ["No tax", "$85.00", "$0.00", "$0.00", "$0.00"],
        ["Total", "$205.00", "$18.20", "$2.60", "$15.60"],
    ]


def test_it_shows_receivables_on_the_period_s_last_day(manager, books):
    response = manager.get(reverse("report-receivables") + MARCH)
    assert rows_of(response.text)[0] == ["0–30 days", "3", "$220.60", "$0.00", "$220.60"]


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_shows_and_exports_without_a_patient_s_name(manager, books, personas, name):
    page = manager.get(reverse(f"report-{name}") + MARCH)
    export = manager.get(reverse(f"report-csv-{name}") + MARCH)
    assert (page.status_code, export.status_code) == (200, 200)
    for patient in (personas.patient_a, personas.patient_b):
        for text in (page.text, export.content.decode()):
            assert patient.last_name not in text
            assert patient.email not in text


def test_it_opens_on_this_month_without_a_period(manager, books):
    response = manager.get(reverse("report-revenue"))
    assert response.status_code == 200
    assert response.context["period"].first.day == 1


@pytest.mark.parametrize(
    "query",
    [
        "?start=2027-03-31&end=2027-03-01",  # ends before it starts
        "?start=2027-02-30",  # no such day
        "?start=9999-01-01&end=9999-12-31",  # beyond the calendar's range
        "?start=2020-01-01&end=2027-01-01",  # longer than three years
        "?location=abc",
        "?location=99999999999999999999999",
        "?by=patient",
        "?start=%00",
    ],
)
def test_bad_input_is_a_form_error_not_a_crash(manager, books, query):
    page = manager.get(reverse("report-revenue") + query)
    export = manager.get(reverse("report-csv-revenue") + query)
    assert (page.status_code, export.status_code) == (400, 400)
    assert 'class="errors"' in page.text or 'class="field-error"' in page.text


def test_an_unknown_report_is_not_found(manager):
    assert manager.get("/staff/reports/payroll/").status_code == 404
    assert manager.get("/staff/reports/payroll.csv").status_code == 404


@pytest.mark.parametrize("persona", ["front_desk", "physio", "massage_therapist", "patient_a"])
def test_only_managers_may_read_reports(client, personas, books, persona):
    client.force_login(personas.user(persona))
    for url in (
        reverse("reports"),
        reverse("report-revenue") + MARCH,
        reverse("report-csv-revenue") + MARCH,
    ):
        assert client.get(url).status_code == 404


def test_someone_signed_out_is_sent_to_sign_in(client):
    assert client.get(reverse("report-revenue")).status_code == 302


def menu(client, user, url):
    client.force_login(user)
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', client.get(url).text, re.S)
    assert nav is not None
    return nav[1]


def test_the_manager_s_menu_leads_to_the_reports_and_nobody_else_s(client, personas):
    assert 'href="/staff/reports/">Reports</a>' in menu(
        client, personas.manager, reverse("patient-search")
    )
    assert "Reports" not in menu(client, personas.front_desk, reverse("desk-day"))
    assert "Reports" not in menu(client, personas.physio.user, reverse("my-day"))


def test_the_index_lists_every_report(manager):
    page = manager.get(reverse("reports")).text
    for name in REPORTS:
        assert f'href="/staff/reports/{name}/"' in page


@pytest.mark.parametrize("name", REPORTS)
def test_each_report_reads_in_as_many_queries_whatever_the_number_of_invoices(
    manager, books, personas, name
):
    url = reverse(f"report-{name}") + MARCH
    manager.get(url)
    with CaptureQueriesContext(connection) as few:
        manager.get(url)
    more = Books(issuer=personas.front_desk)
    for day in range(6, 16):
        more.invoice(
            location=books.milton,
            patient=books.other_patient,
            issued_at=on(day),
            lines=[Line("40.00", service=books.follow_up, practitioner=books.physio)],
        )
    with CaptureQueriesContext(connection) as many:
        manager.get(url)
    assert len(many) == len(few)


def test_receivables_are_asked_for_one_day(manager, books):
    page = manager.get(reverse("report-receivables") + "?end=2027-03-31")
    assert page.status_code == 200
    assert 'name="start"' not in page.text
    assert ">Owed on" in page.text
    assert "On Mar 31, 2027" in page.text
    assert rows_of(page.text)[0][1] == "3"
    # A day before this month needs no "from" either.
    earlier = manager.get(reverse("report-receivables") + "?end=2026-10-31")
    assert earlier.status_code == 200
    assert rows_of(earlier.text)[0][1] == "0"
