"""The treatment guide in a real browser on a 390 px phone, from the home page: the
red-flag path ends at the emergency advice with no booking button; the booking path
ends on online booking's first step with the suggested service chosen. Each screen
gets a screenshot, no sideways scroll, and axe-core with no serious or critical
violation (the `screenshot` fixture)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from rehabdesk.demo.clinic import load_demo
from rehabdesk.guidance.tests.answers import CHEST_PAIN, HEALTHY_BACK_PAIN, codes_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = 390


@pytest.fixture
def phone(chromium):
    load_demo(now=datetime.now(tz=ZoneInfo("America/Toronto")), history_days=0, future_days=0)
    context = chromium.new_context(viewport={"width": PHONE, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def looked_at(page, screenshot, name: str) -> None:
    screenshot(name, of=page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, name


def answer(page, answers, step: str) -> None:
    for code in codes_of(step):
        if code not in answers:
            continue
        value = answers[code]
        if isinstance(value, int):
            page.locator(f'input[name="{code}"]').fill(str(value))
        else:
            page.locator(f'input[name="{code}"][value="{value}"]').check()


def start_from_home(page, live_server, screenshot) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Which treatment is right for me?").click()
    looked_at(page, screenshot, "start")
    page.get_by_role("button", name="Start").click()


def test_the_red_flag_path_ends_at_emergency_advice_without_booking(phone, live_server, screenshot):
    start_from_home(phone, live_server, screenshot)
    phone.get_by_role("button", name="Next").click()  # nothing answered: asked again
    expect(phone.get_by_role("heading", name="Please check your answers")).to_be_visible()
    looked_at(phone, screenshot, "errors")
    answer(phone, CHEST_PAIN, "red_flags")
    phone.get_by_role("button", name="Next").click()
    heading = phone.get_by_role("heading", level=1)
    assert heading.inner_text() == "Call 911 or go to the nearest emergency department now"
    expect(phone.get_by_role("link", name="Book")).to_have_count(0)
    assert "/book/" not in phone.content()
    expect(phone.locator('a[href^="tel:"]')).not_to_have_count(0)
    looked_at(phone, screenshot, "emergency")


def test_the_booking_path_opens_booking_with_the_service_chosen(phone, live_server, screenshot):
    start_from_home(phone, live_server, screenshot)
    for step, name in (("red_flags", "red-flags"), ("reason", "reason"), ("screen", "screen")):
        answer(phone, HEALTHY_BACK_PAIN, step)
        looked_at(phone, screenshot, name)
        phone.get_by_role("button", name="See my result" if step == "screen" else "Next").click()
    expect(phone.get_by_role("heading", name="What we suggest for you")).to_be_visible()
    looked_at(phone, screenshot, "result")
    assert "Because you said" in phone.content()
    phone.get_by_role("link", name="Book Physiotherapy initial assessment").click()
    assert phone.url.endswith("/book/?service=physiotherapy-initial-assessment")
    assert phone.get_by_label("Physiotherapy initial assessment").is_checked()
    expect(phone.get_by_role("group", name="Have you been to our clinic before?")).to_be_visible()
