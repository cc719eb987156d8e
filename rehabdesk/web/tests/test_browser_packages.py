"""The desk sells a package from the patient's account and takes its payment on the
invoice; checks a visit out with a discounted product; the guardian reads the family's
packages in the portal: on a phone (390 px) and at the desk (1280 px)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from rehabdesk.billing.models import Invoice, Package
from rehabdesk.billing.services import package_sell
from rehabdesk.testing.personas import PASSWORD
from rehabdesk.web.tests.billing_world import arrived_today, billing_world
from rehabdesk.web.tests.test_browser_billing import fits

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("width", [390, 1280])
def test_the_desk_sells_a_package_and_discounts_a_product(
    page, sign_in, screenshot, personas, live_server, width
):
    world = billing_world(personas)
    visit = arrived_today(world, personas.patient_a)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "desk@persona.example", PASSWORD)
    page.goto(live_server.url + reverse("billing-patient", args=[personas.patient_a.pk]))
    page.get_by_role("link", name="Sell a package").click()
    expect(page.get_by_role("heading", name="Sell a package to Alice Anders")).to_be_visible()
    page.get_by_label("Five follow-ups: 5 visits, $400.00 with tax, valid 365 days").check()
    fits(page)
    screenshot(f"{width}-sell")
    page.get_by_role("button", name="Sell the package").click()
    expect(page.get_by_text("Five follow-ups sold")).to_be_visible()
    expect(page.get_by_label("Amount ($)")).to_have_value("400.00")
    fits(page)
    screenshot(f"{width}-sold")
    assert Package.objects.get().patient == personas.patient_a

    page.goto(live_server.url + reverse("billing-checkout", args=[visit.pk]))
    page.get_by_label("Product 1").select_option(label="Knee brace")
    page.get_by_label("Item 1 discount ($)").fill("50.00")
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.get_by_text("A discount cannot be more than the line ($40.00).")).to_be_visible()
    fits(page)
    screenshot(f"{width}-discount-refused")
    page.get_by_label("Item 1 discount ($)").fill("4.00")
    page.get_by_label("Item 1 discount reason").fill("Second brace")
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.get_by_role("heading", name="Invoice 000002")).to_be_visible()
    assert Invoice.objects.get(appointment=visit).lines.filter(discount=4).exists()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_guardian_reads_the_familys_packages(
    page, sign_in, screenshot, personas, live_server, width
):
    world = billing_world(personas)
    for patient in (personas.guardian, personas.child):
        package_sell(
            patient=patient,
            offer=world.package_offer,
            location=world.pickering,
            by=personas.front_desk,
            now=timezone.now(),
        )
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "grace@persona.example", PASSWORD)
    page.goto(live_server.url + reverse("my-family"))
    page.get_by_role("link", name="Packages").first.click()
    expect(page.get_by_role("heading", name="Packages", exact=True)).to_be_visible()
    expect(page.get_by_text("5 of 5 visits left")).to_have_count(2)
    fits(page)
    screenshot(f"{width}-portal")
