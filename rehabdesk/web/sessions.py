"""Sessions: how long they last, how they end, and the second factor staff must pass.

At sign-in (Django's `user_logged_in`, which also follows `force_login` in tests) the
session remembers when it began, when it was last used, when a password or factor
was last given, whether its person is staff, and the person's session number
(accounts.User.session_generation). Then, on every request of a signed-in session:

- SessionLimitsMiddleware ends it when the person's number has moved on ("sign out
  everywhere", a factor reset, a change of roles), when it was idle too long (staff
  15 minutes, patients 30) or, for staff, when it is older than 12 hours (settings.py
  has the numbers). The last use is written at most once a minute, so a page's reads
  are not followed by a write each time. Ended, the request goes on signed out: a page
  sends the person to sign in (the page says why), the API answers 401.
- SecondFactorMiddleware keeps a staff session that has not passed its second factor
  to the sign-in steps, enrolment, passkey ceremonies and signing out: pages redirect
  to the factor step, the API answers 403 `second_factor_required` (unless the request
  presents an API token, which alone then decides), and the admin is behind it too
  (its own login leads to the same step).

Neither reads the database beyond the session and the user Django loads anyway: a
factor passed is django-otp's device id in the session, which a reset makes moot by
moving the person's number on.

Time is `clock()`, seconds since the epoch, a module attribute tests replace.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY

from rehabdesk.access.refusals import http_status
from rehabdesk.security.errors import SecurityErrorCode
from rehabdesk.security.factors import needs_second_factor

STAFF = "rehabdesk_staff"
GENERATION = "rehabdesk_generation"
STARTED = "rehabdesk_started"
SEEN = "rehabdesk_seen"
CONFIRMED = "rehabdesk_confirmed"  # the last password or factor given
ENDED = "rehabdesk_ended"  # why the last session ended, for the sign-in page
SEEN_EVERY = 60  # seconds between writes of the last use

ENDED_MESSAGES = {
    "idle": "You were signed out after a while without activity. Sign in again.",
    "absolute": "Your session reached its limit for the day. Sign in again.",
    "elsewhere": "You were signed out: your account's sessions were ended. Sign in again.",
}


def clock() -> float:
    return time.time()


@receiver(user_logged_in, dispatch_uid="rehabdesk-session-started")
def session_started(sender: object, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """A new session (Django's login has already given it a new id)."""
    now = clock()
    request.session[STAFF] = needs_second_factor(user)
    request.session[GENERATION] = user.session_generation
    request.session[STARTED] = now
    request.session[SEEN] = now
    request.session[CONFIRMED] = now


def factor_passed(request: HttpRequest, device: Any) -> None:
    """The second factor is passed: the session gets a new id (a privilege raised)."""
    from django_otp import login as otp_login

    request.session.cycle_key()
    otp_login(request, device)
    request.session[CONFIRMED] = clock()


def factor_is_passed(request: HttpRequest) -> bool:
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def needs_factor(request: HttpRequest) -> bool:
    """A signed-in staff session that has not passed its second factor yet."""
    session = getattr(request, "session", None)
    return session is not None and bool(session.get(STAFF)) and not factor_is_passed(request)


def _limits(staff: bool) -> tuple[float, float | None]:
    if staff:
        return (
            settings.SESSION_STAFF_IDLE_MINUTES * 60,
            settings.SESSION_STAFF_ABSOLUTE_HOURS * 3600,
        )
    return settings.SESSION_PATIENT_IDLE_MINUTES * 60, None


def why_ended(request: HttpRequest, now: float) -> str | None:
    # The user first: loading them empties the session when their password changed
    # since it began (Django's session hash), which then ends it like any other.
    generation = getattr(request.user, "session_generation", None)
    session = request.session
    if GENERATION not in session or STARTED not in session:
        return "elsewhere"  # a session from before these limits: start again
    if generation != session[GENERATION]:
        return "elsewhere"
    idle, absolute = _limits(bool(session.get(STAFF)))
    if now - float(session.get(SEEN, 0)) > idle:
        return "idle"
    if absolute is not None and now - float(session[STARTED]) > absolute:
        return "absolute"
    return None


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if SESSION_KEY in request.session:
            now = clock()
            ended = why_ended(request, now)
            if ended is not None:
                logout(request)
                request.session[ENDED] = ended
            elif now - float(request.session[SEEN]) >= SEEN_EVERY:
                request.session[SEEN] = now
        return self.get_response(request)


def _open_to_unverified() -> tuple[str, ...]:
    return (
        reverse("sign-in"),
        reverse("sign-out"),
        reverse("sign-in-factor"),
        reverse("factor-enrol"),
        reverse("passkey-enrol"),
        reverse("recovery-codes-shown"),
        # The sign-in pages' own CSP reports.
        reverse("csp-report"),
        "/passkeys/",
        "/" + settings.STATIC_URL.lstrip("/"),
        # Calendar feeds answer from the secret in their address, never from a session;
        # a redirect to sign in would copy that secret into the `next` parameter.
        "/feeds/",
    )


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if SESSION_KEY in request.session:
            passed = factor_is_passed(request)
            # django-otp-webauthn's views ask the user object; nothing else does.
            request.user.is_verified = lambda: passed  # type: ignore[union-attr]
            if request.session.get(STAFF) and not passed:
                refused = self._refuse(request)
                if refused is not None:
                    return refused
        return self.get_response(request)

    def _refuse(self, request: HttpRequest) -> HttpResponse | None:
        path = request.path
        if path == "/" or any(
            path == open_ or (open_.endswith("/") and path.startswith(open_) and len(open_) > 1)
            for open_ in _open_to_unverified()
        ):
            return None
        if path.startswith(("/api/", "/fhir/")):
            if request.headers.get("Authorization", "")[:7].lower() == "bearer ":
                # An API token decides alone (api/auth.py): the session is not used.
                return None
            code = SecurityErrorCode.SECOND_FACTOR_REQUIRED
            return JsonResponse(
                {
                    "code": str(code),
                    "detail": "Finish signing in with your second factor first.",
                    "field": None,
                },
                status=http_status(code),
            )
        return redirect(
            f"{reverse('sign-in-factor')}?{urlencode({'next': request.get_full_path()})}"
        )
