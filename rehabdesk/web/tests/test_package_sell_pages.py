"""The desk sells a package from the patient's account: the active offers listed with
their visits, price with tax and days valid; one chosen is sold in one service call and
the desk lands on the new invoice, where payment is taken as for any invoice. Refusals
are form errors, never a 500."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.models import Invoice, Package, PackageOffer
from rehabdesk.clinic.models import TaxCategory
from rehabdesk.web.tests.billing_world import billing_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return billing_world(personas)


@pytest.fixture
def desk(client, personas):
    client.force_login(personas.front_desk)
    return client


def sell_url(patient):
    return reverse("billing-package-sell", args=[patient.pk])


def test_the_account_page_links_to_selling_a_package(desk, world):
    patient = world.personas.patient_a
    page = desk.get(reverse("billing-patient", args=[patient.pk]))
    assert sell_url(patient) in page.content.decode()


def test_it_lists_the_active_offers_with_visits_price_with_tax_and_days(desk, world):
    clinic = world.pickering.clinic
    PackageOffer.objects.create(
        clinic=clinic,
        name="Ten braces of tape",
        service=world.service,
        visits=10,
        price=Decimal("100.00"),
        valid_days=90,
        active=False,
    )
    page = desk.get(sell_url(world.personas.patient_a))
    assert page.status_code == 200
    text = page.content.decode()
    # The follow-up is HST exempt: $400.00 is the price with its tax.
    assert "Five follow-ups: 5 visits, $400.00 with tax, valid 365 days" in text
    assert "Ten braces" not in text


def test_a_taxable_offer_shows_its_price_with_the_tax(desk, world):
    world.service.tax_category = TaxCategory.objects.get(code="general-taxable")
    world.service.save()
    text = desk.get(sell_url(world.personas.patient_a)).content.decode()
    assert "$452.00 with tax" in text


def test_it_sells_the_package_and_opens_its_invoice_to_take_payment(desk, world):
    patient = world.personas.patient_a
    response = desk.post(
        sell_url(patient), {"offer": world.package_offer.pk, "location": world.pickering.pk}
    )
    package = Package.objects.get(patient=patient)
    assert response.status_code == 302
    assert response["Location"] == reverse("billing-invoice", args=[package.invoice_id])
    assert package.visits == 5
    assert package.expires_on == timezone.localdate() + timedelta(days=365)
    assert package.invoice.total == Decimal("400.00")
    page = desk.get(response["Location"])
    text = page.content.decode()
    assert "Five follow-ups sold" in text
    assert "$400.00 owing" in text
    assert page.context["payment_form"] is not None
    assert AuditEvent.objects.filter(object_type="billing.package", summary__contains="sold")


def test_no_offer_chosen_is_a_form_error_and_nothing_is_sold(desk, world):
    response = desk.post(sell_url(world.personas.patient_a), {"location": world.pickering.pk})
    assert response.status_code == 200
    assert "offer" in response.context["form"].errors
    assert not Invoice.objects.exists()


@pytest.mark.parametrize("offer", ["999999", "abc", "-1", "99999999999999999999999"])
def test_an_unknown_offer_is_a_form_error_not_a_500(desk, world, offer):
    response = desk.post(
        sell_url(world.personas.patient_a), {"offer": offer, "location": world.pickering.pk}
    )
    assert response.status_code == 200
    assert "offer" in response.context["form"].errors
    assert not Package.objects.exists()


def test_an_offer_withdrawn_while_the_page_was_open_is_refused_beside_the_form(desk, world):
    page = desk.get(sell_url(world.personas.patient_a))
    assert page.status_code == 200
    offer = world.package_offer
    offer.active = False
    offer.save()
    response = desk.post(
        sell_url(world.personas.patient_a), {"offer": offer.pk, "location": world.pickering.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Package.objects.exists()


def test_a_page_without_offers_says_so(desk, world):
    PackageOffer.objects.update(active=False)
    page = desk.get(sell_url(world.personas.patient_a))
    assert page.status_code == 200
    assert "sells no packages" in page.content.decode()


@pytest.mark.parametrize("who", ["physio", "patient_a", "outsider"])
def test_anyone_but_the_desk_and_managers_gets_404_and_nothing_is_sold(client, world, who):
    client.force_login(world.personas.user(who))
    response = client.post(
        sell_url(world.personas.patient_a),
        {"offer": world.package_offer.pk, "location": world.pickering.pk},
    )
    assert response.status_code == 404
    assert not Package.objects.exists()


def test_a_manager_sells_one_too(client, world):
    client.force_login(world.personas.manager)
    response = client.post(
        sell_url(world.personas.patient_b),
        {"offer": world.package_offer.pk, "location": world.pickering.pk},
    )
    assert response.status_code == 302
    assert Package.objects.get().patient == world.personas.patient_b
