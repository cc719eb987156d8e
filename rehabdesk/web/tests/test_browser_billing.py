"""The desk checks a patient out from its day, takes the payment on the invoice, e-mails
the receipt, and closes the day at the day-end count: on a phone (390 px) and at the
desk (1280 px).

The live server reads the real clock: Pickering is open around the clock and the visit
is today's (billing_world)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from rehabdesk.billing.models import DayClose, Invoice, Payment
from rehabdesk.testing.personas import PASSWORD
from rehabdesk.web.tests.billing_world import arrived_today, billing_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def fits(page) -> None:
    """Nothing makes the page scroll sideways (tables scroll in their own region)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the screen"


@pytest.mark.parametrize("width", [390, 1280])
def test_the_desk_checks_out_takes_payment_and_closes_the_day(
    page, sign_in, screenshot, personas, width
):
    world = billing_world(personas)
    visit = arrived_today(world, personas.patient_a)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "desk@persona.example", PASSWORD)
    page.get_by_role("link", name="Desk", exact=True).click()
    expect(page.get_by_role("heading", name="Front desk — Pickering")).to_be_visible()
    arriving = page.get_by_role("table", name="Appointments today at Pickering, in time order")
    checkout = arriving.get_by_role("link", name="Check out Alice Anders")
    expect(checkout).to_be_visible()
    screenshot(f"{width}-day")

    checkout.click()
    expect(page.get_by_role("heading", name="Check out Alice Anders")).to_be_visible()
    expect(page.get_by_text("HST exempt")).to_be_visible()
    page.get_by_label("Product 1").select_option(label="Knee brace")
    fits(page)
    screenshot(f"{width}-checkout")
    page.get_by_role("button", name="Issue invoice").click()

    expect(page.get_by_role("heading", name="Invoice 000001")).to_be_visible()
    # $85 exempt, a $40 brace with $5.20 HST: the payment form offers the $130.20 owed.
    expect(page.get_by_label("Amount ($)")).to_have_value("130.20")
    page.get_by_label("Method").select_option(label="Cash")
    page.get_by_label("Reference").fill("DRAWER-1")
    fits(page)
    screenshot(f"{width}-invoice")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_text("$130.20 by cash recorded for Alice Anders.")).to_be_visible()
    expect(page.get_by_text("Paid in full")).to_be_visible()
    expect(page.get_by_role("link", name="Download receipt")).to_be_visible()
    screenshot(f"{width}-paid")
    page.get_by_role("button", name="E-mail receipt").click()
    expect(page.get_by_text("The receipt is on its way to alice@persona.example.")).to_be_visible()
    expect(page.get_by_role("heading", name="Invoice 000001")).to_be_visible()

    page.get_by_role("link", name="Alice Anders’s account").click()
    expect(page.get_by_role("heading", name="Alice Anders’s account")).to_be_visible()
    expect(page.get_by_role("link", name="000001")).to_be_visible()
    fits(page)
    screenshot(f"{width}-account")
    page.get_by_role("button", name="Show the statement").click()
    expect(page.get_by_text("Closing balance")).to_be_visible()
    fits(page)
    screenshot(f"{width}-statement")

    page.get_by_role("link", name="Desk", exact=True).click()
    expect(
        arriving.get_by_role("link", name=re.compile(r"^Paid\W+invoice of Alice Anders$"))
    ).to_be_visible()
    page.get_by_role("link", name="Day-end count").click()
    expect(page.get_by_role("heading", name="Day-end — Pickering")).to_be_visible()
    page.get_by_label("Cash counted").fill("130.20")
    page.get_by_label("Debit counted").fill("0")
    page.get_by_label("Credit card counted").fill("0")
    page.get_by_label("Cheque counted").fill("0")
    fits(page)
    screenshot(f"{width}-day-end")
    page.get_by_role("button", name="Close the day").click()
    expect(page.get_by_text("A closed day takes no more payments.")).to_be_visible()
    expect(page.get_by_role("button", name="Close the day")).to_have_count(0)
    fits(page)
    screenshot(f"{width}-closed")

    invoice = Invoice.objects.get(appointment=visit)
    assert Payment.objects.get().amount == invoice.total
    assert DayClose.objects.get().location_id == world.pickering.pk
