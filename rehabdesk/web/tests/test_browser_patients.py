"""The front desk registers a caller, is warned of a possible duplicate, links a child;
the manager then sees every one of those looks and changes on the record's access log."""

import pytest
from playwright.sync_api import expect

from rehabdesk.testing.personas import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_front_desk_registers_a_family_and_the_manager_sees_who_touched_it(
    page, sign_in, screenshot, personas, chromium
):
    sign_in(page, "desk@persona.example", PASSWORD)
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Register a new patient").click()
    page.get_by_label("First name").fill("Dylan")
    page.get_by_label("Last name").fill("Green")
    page.get_by_label("Date of birth").fill("2019-02-03")
    page.get_by_label("Phone", exact=True).fill("905-555-0133")  # the Greens' number
    page.get_by_role("button", name="Register").click()
    warning = page.get_by_role("region", name="Already on file?")
    expect(warning.get_by_role("link", name="Grace Green")).to_be_visible()
    screenshot("duplicate-warning")
    page.get_by_label("I have checked: this is a different person from those listed.").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Dylan Green", level=1)).to_be_visible()

    page.get_by_role("link", name="Add a parent, guardian or caregiver").click()
    page.get_by_label("Name, phone or e-mail").fill("grace")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("button", name="Link Grace Green").click()
    expect(page.get_by_text("Grace Green is linked to Dylan Green.")).to_be_visible()
    screenshot("record")

    manager = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(manager, "manager@persona.example", PASSWORD)
    manager.goto(page.url)
    manager.get_by_role("link", name="Who has seen this record").click()
    log = manager.get_by_role("table", name="Access log")
    for what in ("Created patient record", "Created family link", "Viewed patient record"):
        expect(log.get_by_text(what).first).to_be_visible()
    expect(log.get_by_text("desk@persona.example").first).to_be_visible()
    screenshot("access-log", of=manager)
