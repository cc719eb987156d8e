"""Two factors in the browser: a new staff member sets up an authenticator app on a
phone-size page and signs in with its code; a passkey is created and used through
Chromium's virtual authenticator (CDP WebAuthn.addVirtualAuthenticator)."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import TOTP

from rehabdesk.testing.personas import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def code_for(secret: str, step_ahead: int = 0) -> str:
    totp = TOTP(base64.b32decode(secret.replace(" ", "")))
    totp.time += 30 * step_ahead
    return f"{totp.token():06d}"


def test_a_new_staff_member_sets_up_an_app_and_signs_in_with_it_on_a_phone(
    page, live_server, screenshot, personas
):
    page.set_viewport_size({"width": 390, "height": 844})
    email = personas.massage_therapist.user.email
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("heading", name="Set up your second factor").wait_for()
    assert page.locator(".qr svg").is_visible()
    secret = page.locator(".secret").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("enrol")
    page.get_by_label("Code").fill(code_for(secret))
    page.get_by_role("button", name="Turn it on").click()

    page.get_by_role("heading", name="Your recovery codes").wait_for()
    shown = page.locator("main").inner_text()
    assert len(re.findall(r"[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}", shown)) == 10
    screenshot("recovery-codes")
    page.get_by_role("link", name="I have kept them").click()
    page.get_by_role("heading", name="My day").wait_for()
    page.get_by_role("button", name="Sign out").click()

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    screenshot("second-step")
    page.get_by_label("Code").fill(code_for(secret, step_ahead=1))  # the last one is used
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="My day").wait_for()


def test_a_passkey_is_created_and_then_signs_in_as_the_second_factor(
    page, live_server, sign_in, screenshot, personas, settings
):
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    email = personas.front_desk.email
    sign_in(page, email, PASSWORD)  # the password, then the app's code
    page.goto(f"{live_server.url}/account/security/passkeys/new/")
    page.get_by_role("button", name="Create a passkey").click()
    # Their first recovery codes come with it (the app was set up without any).
    page.get_by_role("link", name="I have kept them").click()
    page.get_by_role("heading", name="Your account's security").wait_for()
    assert "added" in page.locator("main").inner_text()
    screenshot("passkey-added")
    page.get_by_role("button", name="Sign out").first.click()

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    screenshot("passkey-step")
    page.get_by_role("button", name="Use a passkey").click()

    page.wait_for_url(f"{live_server.url}/staff/desk/**")
