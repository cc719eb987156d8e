"""A discount per product row at check-out: it comes off that product's line before
tax, with its reason on the line; a discount without a reason, above the line, or on a
row without a product is a form error beside the row, and nothing is issued."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from rehabdesk.billing.choices import LineKind
from rehabdesk.billing.models import Invoice
from rehabdesk.web.tests.billing_world import arrived_today, billing_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return billing_world(personas)


@pytest.fixture
def desk(client, personas):
    client.force_login(personas.front_desk)
    return client


def check_out(desk, world, row):
    visit = arrived_today(world, world.personas.patient_a)
    data = {f"p0-{name}": value for name, value in row.items()}
    return desk.post(reverse("billing-checkout", args=[visit.pk]), data)


def row_errors(response):
    return response.context["form"].products[0].errors


def test_the_check_out_page_has_a_discount_and_reason_per_product_row(desk, world):
    visit = arrived_today(world, world.personas.patient_a)
    text = desk.get(reverse("billing-checkout", args=[visit.pk])).content.decode()
    for row in range(3):
        assert f'name="p{row}-discount"' in text
        assert f'name="p{row}-discount_reason"' in text


def test_a_product_discount_comes_off_its_line_before_tax_with_its_reason(desk, world):
    response = check_out(
        desk,
        world,
        {
            "product": world.brace.pk,
            "quantity": "2",
            "discount": "10.00",
            "discount_reason": "Staff",
        },
    )
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    line = invoice.lines.get(kind=LineKind.PRODUCT)
    assert line.discount == Decimal("10.00")
    assert line.discount_reason == "Staff"
    # Two braces at $40, less $10, and 13 % HST on $70.
    assert line.amount == Decimal("70.00")
    assert line.tax == Decimal("9.10")
    assert invoice.total == Decimal("85.00") + Decimal("79.10")
    text = desk.get(response["Location"]).content.decode()
    assert "Staff" in text


def test_a_product_discount_without_a_reason_is_a_form_error(desk, world):
    response = check_out(desk, world, {"product": world.brace.pk, "discount": "5.00"})
    assert response.status_code == 200
    assert "discount_reason" in row_errors(response)
    assert not Invoice.objects.exists()


def test_a_product_discount_above_the_line_is_a_form_error(desk, world):
    response = check_out(
        desk,
        world,
        {"product": world.brace.pk, "quantity": "2", "discount": "80.01", "discount_reason": "x"},
    )
    assert response.status_code == 200
    assert "discount" in row_errors(response)
    assert "$80.00" in response.content.decode()
    assert not Invoice.objects.exists()


def test_the_whole_line_may_be_discounted(desk, world):
    response = check_out(
        desk, world, {"product": world.brace.pk, "discount": "40.00", "discount_reason": "Gift"}
    )
    assert response.status_code == 302
    line = Invoice.objects.get().lines.get(kind=LineKind.PRODUCT)
    assert (line.amount, line.tax) == (Decimal("0.00"), Decimal("0.00"))


def test_a_discount_on_a_row_without_a_product_is_a_form_error(desk, world):
    response = check_out(desk, world, {"discount": "5.00", "discount_reason": "x"})
    assert response.status_code == 200
    assert "discount" in row_errors(response)
    assert not Invoice.objects.exists()


@pytest.mark.parametrize("discount", ["-1", "abc", "1e9", "0.001", "99999999999"])
def test_a_bad_discount_is_a_form_error_not_a_500(desk, world, discount):
    response = check_out(
        desk, world, {"product": world.brace.pk, "discount": discount, "discount_reason": "x"}
    )
    assert response.status_code == 200
    assert "discount" in row_errors(response)
    assert not Invoice.objects.exists()


def test_a_long_reason_is_a_form_error(desk, world):
    response = check_out(
        desk,
        world,
        {"product": world.brace.pk, "discount": "1.00", "discount_reason": "x" * 201},
    )
    assert response.status_code == 200
    assert "discount_reason" in row_errors(response)
