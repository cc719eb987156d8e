"""A manager, in a real browser: signs in, sees who must renew, and is stopped from
giving a practitioner hours they could not work."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rehabdesk.demo.clinic import DEMO_PASSWORD, load_demo

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_manager_sees_registrations_to_renew(page, live_server, sign_in, screenshot):
    load_demo(now=timezone.now(), history_days=0, future_days=0)
    page.goto(live_server.url)
    screenshot("home")
    sign_in(page, "manager@profusion.example", DEMO_PASSWORD)
    page.get_by_role("link", name="Registrations").click()
    page.wait_for_url("**/staff/registrations/expiring/")
    table = page.get_by_role("table", name="Registrations ending within the window")
    expect(table.get_by_role("rowheader", name="Olivia Bennett, RMT")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Hannah Fischer, PT")).to_be_visible()
    expect(table.get_by_text("Nadia Petrova")).to_have_count(0)
    screenshot("registrations")


def test_a_manager_is_told_why_clashing_hours_are_refused(page, live_server, sign_in, screenshot):
    load_demo(now=timezone.now(), history_days=0, future_days=0)
    sign_in(page, "manager@profusion.example", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/admin/clinic/workinghours/add/")
    # Daniel works Mondays 08:00–12:00 at Pickering; Milton from 12:30 leaves no time to drive.
    page.locator("#id_practitioner + .select2").click()  # the admin's autocomplete
    page.locator(".select2-search__field").fill("Daniel")
    page.get_by_role("option", name="Daniel Okafor, PT").click()
    page.locator("#id_location").select_option(label="Milton")
    page.locator("#id_weekday").select_option(label="Monday")
    page.locator("#id_starts").fill("12:30")
    page.locator("#id_ends").fill("13:15")
    page.locator("#id_effective_from").fill("2027-01-04")
    page.get_by_role("button", name="Save", exact=True).click()
    error = page.locator(".errorlist").first
    assert "takes 60 minutes" in error.inner_text()
    screenshot("clashing-hours")
