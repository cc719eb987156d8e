"""Hostile or odd input to the desk's billing pages answers 404 or a form error, never a
500: ids past a bigint, amounts with too many digits, NaN and exponents, NUL bytes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rehabdesk.billing.models import DayClose, Payment
from rehabdesk.web.tests.billing_world import billing_world

pytestmark = pytest.mark.django_db

BIGINT_PAST = 2**63


@pytest.fixture
def world(personas):
    return billing_world(personas)


@pytest.fixture
def desk(client, personas):
    client.force_login(personas.front_desk)
    return client


@pytest.mark.parametrize(
    "path",
    [
        f"/staff/invoices/{BIGINT_PAST}/",
        f"/staff/invoices/{BIGINT_PAST}/credit/",
        f"/staff/payments/{BIGINT_PAST}/refund/",
        f"/staff/appointments/{BIGINT_PAST}/checkout/",
        f"/staff/appointments/{BIGINT_PAST}/fee/waive/",
        f"/staff/patients/{BIGINT_PAST}/billing/",
        f"/staff/patients/{BIGINT_PAST}/statement/",
        f"/staff/patients/{BIGINT_PAST}/payments/new/",
    ],
)
def test_an_id_past_a_bigint_is_not_found(desk, world, path):
    assert desk.get(path).status_code == 404


@pytest.mark.parametrize("invoice", [str(BIGINT_PAST), "x", "-1", "9" * 40, "1\x00"])
def test_a_payment_for_an_odd_invoice_is_not_found(desk, world, invoice):
    url = reverse("billing-payment-new", args=[world.personas.patient_a.pk])
    data = {"invoice": invoice, "location": world.pickering.pk, "method": "cash", "amount": "5"}
    assert desk.post(url, data).status_code == 404
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["1e10", "NaN", "Infinity", "123456789.00", "0.001", "5\x00"])
def test_an_odd_amount_is_a_form_error(desk, world, amount):
    url = reverse("billing-payment-new", args=[world.personas.patient_a.pk])
    data = {"location": world.pickering.pk, "method": "cash", "amount": amount}
    response = desk.post(url, data)
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    assert not Payment.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-02-30", "x\x00"])
def test_a_day_end_of_an_odd_day_is_no_error_page(desk, world, day):
    url = reverse("billing-day-end") + f"?location={world.pickering.slug}&day={day}"
    assert desk.get(url).status_code == 200
    desk.post(url, {"counted_cash": "0", "counted_debit": "0"})
    assert not DayClose.objects.exists()


def test_an_odd_statement_period_is_a_form_error(desk, world):
    url = reverse("billing-statement", args=[world.personas.patient_a.pk])
    response = desk.get(url, {"start": "0001-01-01", "end": "9999-12-31"})
    assert response.status_code == 200
    assert response.context["statement"] is None


def test_a_method_that_is_not_one_is_a_form_error(desk, world):
    url = reverse("billing-payment-new", args=[world.personas.patient_a.pk])
    data = {"location": world.pickering.pk, "method": "package_credit", "amount": "5"}
    response = desk.post(url, data)
    assert "method" in response.context["form"].errors
    assert not Payment.objects.exists()
