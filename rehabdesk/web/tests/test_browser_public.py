"""The public site on a phone: every page opens, reads without sideways scrolling, and
passes an automated accessibility check (axe-core) with no serious or critical issue."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from rehabdesk.demo.clinic import load_demo

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGES = [
    ("home", "/"),
    ("services", "/services/"),
    ("massage", "/services/massage-therapy/"),
    ("pelvic", "/services/pelvic-floor-rehabilitation/"),
    ("physio-or-massage", "/physiotherapy-or-massage-therapy/"),
    ("location", "/locations/milton/"),
    ("team", "/team/"),
]


def test_each_public_page_works_on_a_phone_and_passes_axe(chromium, live_server, screenshot):
    load_demo(now=datetime.now(tz=ZoneInfo("America/Toronto")), history_days=0, future_days=0)
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = []
    try:
        for name, path in PAGES:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None, path
            assert response.status == 200, path
            assert page.get_by_role("heading", level=1).count() == 1, path
            screenshot(name, of=page)  # and axe-core, failing the test when it ends
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                problems.append(f"{path}: scrolls sideways by {overflow}px")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_a_patient_finds_prices_from_the_home_page(page, live_server, screenshot):
    load_demo(now=datetime.now(tz=ZoneInfo("America/Toronto")), history_days=0, future_days=0)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Massage therapy", exact=True).first.click()
    expect(page.get_by_role("heading", name="Massage therapy", level=1)).to_be_visible()
    expect(page.get_by_text("+ $14.30 HST").first).to_be_visible()
    page.get_by_role("link", name="Team", exact=True).click()
    expect(page.get_by_text("DEMO-RMT-20431")).to_be_visible()
    screenshot("team")
