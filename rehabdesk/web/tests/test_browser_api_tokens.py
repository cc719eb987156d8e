"""API tokens in a real browser on a phone: a member of staff makes a token, sees it
once, copies it with the button (a static script: the policy allows no inline one),
and revokes it; no page scrolls sideways at 390 px."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from rehabdesk.apitokens.models import ApiToken

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIDEWAYS = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"


def test_staff_make_copy_and_revoke_a_token_on_a_phone(chromium, live_server, screenshot, personas):
    signed_in = Client()
    signed_in.force_login(personas.physio.user)
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": signed_in.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    phone.goto(f"{live_server.url}/account/security/")
    phone.get_by_role("link", name="API tokens").click()
    expect(phone.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    assert not phone.evaluate(SIDEWAYS)

    phone.get_by_label("Name").fill("My schedule on my laptop")
    phone.get_by_label("Read the schedule (appointments, waitlist, changed hours)").check()
    phone.get_by_role("button", name="Make the token").click()
    expect(phone.get_by_role("heading", name="Your new API token")).to_be_visible()
    shown = phone.get_by_label("The token").input_value()
    assert shown.startswith(f"rhd_{ApiToken.objects.get().prefix}_")
    assert not phone.evaluate(SIDEWAYS)
    screenshot("shown-once", of=phone)

    phone.get_by_role("button", name="Copy").click()
    expect(phone.get_by_role("status")).to_have_text("Copied")
    assert phone.evaluate("() => navigator.clipboard.readText()") == shown

    phone.get_by_role("link", name="I have kept it — back to the tokens").click()
    expect(phone.get_by_text(shown)).to_have_count(0)
    phone.get_by_role("button", name="Revoke My schedule on my laptop").click()
    expect(phone.get_by_text("Revoked")).to_be_visible()
    assert ApiToken.objects.get().revoked_at is not None
    assert not phone.evaluate(SIDEWAYS)
    screenshot("revoked", of=phone)
    context.close()
