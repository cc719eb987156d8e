"""A staff member who forgot their password, on a 390 px phone: "Forgot your password?"
on the sign-in page, the e-mailed link, a new password, then the second factor."""

import re

import pytest
from playwright.sync_api import expect

from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.testing.factors import complete_second_factor, staff_device

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_PASSWORD = "harbour-cedar-kettle-57"  # noqa: S105 - a test password


def test_a_staff_member_resets_a_forgotten_password_on_a_phone(
    chromium, live_server, screenshot, personas
):
    staff_device(personas.front_desk)
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    phone.goto(f"{live_server.url}/sign-in/")
    phone.get_by_role("link", name="Get a link to set it.").click()
    phone.get_by_label("E-mail address").fill(personas.front_desk.email)
    screenshot("ask", of=phone)
    phone.get_by_role("button", name="E-mail me a link").click()
    expect(phone.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    message = OutboxMessage.objects.get(kind="password_link")
    link = re.search(r"https?://[^/\s]+(/my/password/\S+/)", message.body_text)
    assert link
    phone.goto(f"{live_server.url}{link.group(1)}")
    expect(phone.get_by_role("heading", name="Choose your password")).to_be_visible()
    phone.locator("#id_new_password1").fill(NEW_PASSWORD)
    phone.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    screenshot("choose", of=phone)
    phone.get_by_role("button", name="Save my password").click()
    expect(phone.get_by_role("heading", name="Your password is set")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390

    phone.get_by_role("link", name="Sign in").last.click()
    phone.get_by_label("E-mail address").fill(personas.front_desk.email)
    phone.get_by_label("Password").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url("**/sign-in/factor/**")
    complete_second_factor(phone, personas.front_desk.email)
    assert "/sign-in/" not in phone.url
    context.close()
