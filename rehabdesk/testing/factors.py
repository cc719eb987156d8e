"""Tests sign staff in with their second factor, as people do.

Every staff persona gets an authenticator app with one known secret the first time a
test signs them in. `pass_second_factor` records it in a test client's session the way
django-otp's own login does (conftest.py calls it after every `force_login`); the
browser's `sign_in` fixture types `current_code` on the factor step instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import django_otp.models
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from rehabdesk.accounts.models import User
from rehabdesk.security.factors import totp_set_known_secret
from rehabdesk.web.sessions import CONFIRMED, STAFF

# 20 bytes, hex: what TOTPDevice.key holds. Known on purpose: tests type its codes.
TEST_TOTP_SECRET_HEX = "72656861626465736b2d746573742d7365637274"  # noqa: S105


def staff_device(user: User) -> TOTPDevice:
    """The person's authenticator app: theirs if they have one, else the known one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or totp_set_known_secret(user=user, secret_hex=TEST_TOTP_SECRET_HEX)


def pass_second_factor(client: Any, user: User) -> None:
    """After client.force_login(user): a staff session has passed its second factor."""
    session = client.session
    if not session.get(STAFF):
        return
    session[DEVICE_ID_SESSION_KEY] = staff_device(user).persistent_id
    session[CONFIRMED] = time.time()
    session.save()


def current_code(device: TOTPDevice) -> str:
    """The code the app shows now, or the next one if this one was used already (an
    app's code works once; the device accepts one step ahead)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def hold_otp_clock(monkeypatch: Any, at: datetime) -> Callable[[float], datetime]:
    """django-otp's own clock (the one its throttling reads) held at `at`, for this
    test only. Returns a function that moves it to `at` + seconds and gives that instant,
    the `now` to pass to the services."""
    held = [at]
    monkeypatch.setattr(django_otp.models, "timezone", SimpleNamespace(now=lambda: held[0]))

    def move(seconds: float) -> datetime:
        held[0] = at + timedelta(seconds=seconds)
        return held[0]

    return move


def complete_second_factor(page: Any, email: str) -> None:
    """In a browser test, after the password step: a staff member whose page asks for
    the second factor types their app's current code (`staff_device` gives them one
    first if they have none: call this only after the password was accepted)."""
    page.wait_for_load_state()
    if "/sign-in/factor/" not in page.url and "/sign-in/enrol/" not in page.url:
        return
    device = staff_device(User.objects.get(email=email.lower()))
    if "/sign-in/enrol/" in page.url:
        page.reload()  # now that the device exists, the page asks for its code
        page.wait_for_load_state()
    page.get_by_label("Code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
