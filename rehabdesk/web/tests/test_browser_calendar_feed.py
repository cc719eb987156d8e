"""End to end on a phone: a practitioner goes from "My day" to "Subscribe in your
calendar", turns the feed on, copies the address with the button (a static script: the
CSP watch fails on any inline one), and a calendar program fetching it gets the .ics;
the page passes axe-core and fits the screen."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from rehabdesk.testing.personas import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


def test_a_practitioner_subscribes_from_my_day(
    chromium, live_server, sign_in, screenshot, axe_check, personas
):
    context = chromium.new_context(**PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, personas.physio.user.email, PASSWORD)
        page.goto(f"{live_server.url}/staff/my-day/")
        page.get_by_role("link", name="Subscribe in your calendar").click()
        expect(page.get_by_role("heading", name="Your calendar feed is off")).to_be_visible()
        axe_check.check(page, "calendar feed off")
        page.get_by_role("button", name="Turn on and show the address").click()
        field = page.get_by_role("textbox", name="Calendar address")
        expect(field).to_have_value(re.compile(r"/feeds/[A-Za-z0-9_-]{43}\.ics$"))
        address = field.input_value()
        page.get_by_role("button", name="Copy").click()
        expect(page.get_by_role("status")).to_have_text(
            re.compile("Copied.|Select the address and copy it.")
        )
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        axe_check.check(page, "calendar feed address")
        screenshot("calendar-feed", of=page)

        # The address is on SITE_URL; the test's server listens elsewhere.
        fetched = context.request.get(live_server.url + urlsplit(address).path)
        assert fetched.status == 200
        assert fetched.headers["content-type"].startswith("text/calendar")
        assert fetched.text().startswith("BEGIN:VCALENDAR")
    finally:
        context.close()
