"""Managers keep billing's lists in the admin: payers, products and package offers,
added and changed, never deleted (invoices refer to them); nobody else may."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from rehabdesk.billing.models import Product
from rehabdesk.clinic.models import TaxCategory

pytestmark = pytest.mark.django_db


def test_a_manager_adds_a_product_and_it_is_offered_at_check_out(client, personas):
    client.force_login(personas.manager)
    response = client.post(
        reverse("admin:billing_product_add"),
        {
            "clinic": personas.pickering.clinic_id,
            "name": "Kinesiology tape",
            "sku": "KT-1",
            "price": "12.50",
            "tax_category": TaxCategory.objects.get(code="general-taxable").pk,
            "active": "on",
        },
    )
    assert response.status_code == 302
    product = Product.objects.get(name="Kinesiology tape")
    assert product.price == Decimal("12.50")


def test_a_negative_price_is_refused_beside_the_field(client, personas):
    client.force_login(personas.manager)
    response = client.post(
        reverse("admin:billing_product_add"),
        {
            "clinic": personas.pickering.clinic_id,
            "name": "Gel",
            "price": "-1.00",
            "tax_category": TaxCategory.objects.get(code="general-taxable").pk,
        },
    )
    assert response.status_code == 200
    assert "price" in response.context["adminform"].form.errors
    assert not Product.objects.exists()


@pytest.mark.parametrize("model", ["payer", "product", "packageoffer"])
def test_managers_may_view_add_and_change_but_never_delete(personas, model):
    manager = personas.manager
    for action in ("view", "add", "change"):
        assert manager.has_perm(f"billing.{action}_{model}")
    assert not manager.has_perm(f"billing.delete_{model}")
    assert not personas.front_desk.has_perm(f"billing.add_{model}")


def test_the_front_desk_has_no_billing_admin(client, personas):
    client.force_login(personas.front_desk)
    response = client.get(reverse("admin:billing_product_changelist"))
    assert response.status_code == 302
