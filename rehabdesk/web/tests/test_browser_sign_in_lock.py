"""Brute force, in a real browser: wrong passwords pause signing in with a clear page,
and a manager sees the lock and lifts it."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from rehabdesk.testing.personas import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_wrong_passwords_pause_signing_in_until_a_manager_unlocks(
    page, chromium, live_server, sign_in, screenshot, personas
):
    settings.AXES_FAILURE_LIMIT = 2
    try:
        sign_in(page, "alice@persona.example", "not-the-password-1")
        expect(page.get_by_role("alert")).to_be_visible()
        sign_in(page, "alice@persona.example", "not-the-password-2")
        expect(page.get_by_role("heading", name="Sign-in paused")).to_be_visible()
        screenshot("paused")
        sign_in(page, "alice@persona.example", PASSWORD)
        expect(page.get_by_role("heading", name="Sign-in paused")).to_be_visible()

        # The manager, signed in elsewhere, sees the account and the connection locked.
        manager = Client()
        manager.force_login(personas.manager)
        context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": manager.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        desk = context.new_page()
        desk.goto(f"{live_server.url}/start/")
        desk.get_by_role("link", name="Sign-in locks").click()
        table = desk.get_by_role("table", name="Accounts and connections locked out now")
        expect(table.get_by_role("rowheader", name="alice@persona.example")).to_be_visible()
        screenshot("locks", of=desk)
        expect(table.get_by_role("button", name="Unlock connection")).to_be_visible()
        # Unlocking forgets the failures: they were all Alice's, so the connection's
        # count goes with them.
        desk.get_by_role("button", name="Unlock alice@persona.example").click()
        expect(desk.get_by_text("Nobody is locked out.")).to_be_visible()
        context.close()

        sign_in(page, "alice@persona.example", PASSWORD)
        page.wait_for_url("**/my/**")
    finally:
        settings.AXES_FAILURE_LIMIT = 10
