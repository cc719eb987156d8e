"""The billing pages read in a fixed number of queries, however many lines, payments,
invoices or days' payments there are."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rehabdesk.billing.choices import PaymentMethod
from rehabdesk.billing.services import ProductLine, invoice_for_sale, payment_record
from rehabdesk.web.tests.billing_world import billing_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return billing_world(personas)


@pytest.fixture
def desk(client, personas):
    client.force_login(personas.front_desk)
    return client


def sale(world, quantity_rows=1):
    return invoice_for_sale(
        patient=world.personas.patient_a,
        location=world.pickering,
        products=[ProductLine(product=world.brace)] * quantity_rows,
        by=world.personas.front_desk,
        now=timezone.now(),
    )


def pay(world, invoice, amount="5.00"):
    return payment_record(
        patient=world.personas.patient_a,
        location=world.pickering,
        amount=Decimal(amount),
        method=PaymentMethod.CASH,
        by=world.personas.front_desk,
        now=timezone.now(),
        invoices=[invoice],
    )


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_invoice_page_reads_the_same_for_one_line_or_many(desk, world):
    small = sale(world)
    pay(world, small)
    big = sale(world, quantity_rows=4)
    for _ in range(3):
        pay(world, big)
    one = queries(desk, reverse("billing-invoice", args=[small.pk]))
    assert queries(desk, reverse("billing-invoice", args=[big.pk])) == one


def test_the_account_page_reads_the_same_for_one_invoice_or_many(desk, world):
    url = reverse("billing-patient", args=[world.personas.patient_a.pk])
    pay(world, sale(world))
    one = queries(desk, url)
    for _ in range(4):
        pay(world, sale(world), amount="2.00")
    assert queries(desk, url) == one


def test_the_day_end_reads_the_same_for_one_payment_or_many(desk, world):
    url = reverse("billing-day-end") + f"?location={world.pickering.slug}"
    pay(world, sale(world))
    one = queries(desk, url)
    invoice = sale(world)
    for _ in range(4):
        pay(world, invoice, amount="1.00")
    assert queries(desk, url) == one
