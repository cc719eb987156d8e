"""The day view by keyboard alone: skip to the content, change day, location and view
with single keys, open an appointment with Tab and Enter."""

import re

import pytest
from playwright.sync_api import expect

from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, at, build_booking_world
from rehabdesk.testing.personas import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_desk_moves_through_the_schedule_by_keyboard(
    page, sign_in, screenshot, personas, live_server
):
    world = build_booking_world(personas)
    for start, practitioner, service in (
        (at(10, 9), world.physio, world.follow_up),
        (at(10, 10, 30), world.physio, world.follow_up),
        (at(10, 11), world.massage_therapist, world.massage),
        (at(11, 14), world.physio, world.follow_up),
    ):
        appointment_book(
            request=world.request(start, practitioner=practitioner, service=service),
            actor=None,
            now=NOW,
        )
    sign_in(page, "desk@persona.example", PASSWORD)
    page.goto(f"{live_server.url}/staff/schedule/{world.pickering.slug}/2027-03-10/")
    expect(page.get_by_role("heading", name="Priya Physio")).to_be_visible()
    screenshot("day")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")

    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"/2027-03-11/$"))
    expect(page.get_by_text("2:00 PM–2:30 PM")).to_be_visible()

    page.keyboard.press("ArrowLeft")
    page.wait_for_url(re.compile(r"/2027-03-10/$"))
    page.keyboard.press("r")
    page.wait_for_url(re.compile(r"\?by=room$"))
    expect(page.get_by_role("heading", name="Massage room")).to_be_visible()
    screenshot("rooms")

    page.keyboard.press("l")
    page.wait_for_url(re.compile(r"/milton/2027-03-10/\?by=room$"))
    page.keyboard.press("t")
    page.wait_for_url(re.compile(r"/milton/\d{4}-\d{2}-\d{2}/\?by=room$"))

    # Typing in a field is typing, not a shortcut.
    page.get_by_label("Day", exact=True).focus()
    page.keyboard.press("t")
    assert "/milton/" in page.url

    # Tab reaches an appointment; Enter opens it.
    page.goto(f"{live_server.url}/staff/schedule/{world.pickering.slug}/2027-03-10/")
    block = page.get_by_role("link", name=re.compile("9:00 AM–9:30 AM"))
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent").strip()
        if focused.startswith("9:00 AM–9:30 AM"):
            break
    else:
        pytest.fail("Tab never reached the 9:00 appointment")
    href = block.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(href or "") + "$"))
