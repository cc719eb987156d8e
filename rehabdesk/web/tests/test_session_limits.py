"""Sessions end by the clock: staff after 15 minutes without a request and 12 hours
whatever they do, patients after 30 minutes without one (settings, configurable). The
clock is the sessions module's, moved by the test."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

import rehabdesk.settings as shipped
from rehabdesk.web import sessions

SIGN_IN = reverse("sign-in")


@pytest.fixture
def clock(monkeypatch, settings):
    settings.SESSION_STAFF_IDLE_MINUTES = 15
    settings.SESSION_STAFF_ABSOLUTE_HOURS = 12
    settings.SESSION_PATIENT_IDLE_MINUTES = 30
    now = [sessions.clock()]
    monkeypatch.setattr(sessions, "clock", lambda: now[0])

    def at(minutes: float) -> None:
        """Move to this many minutes after the test began."""
        now[0] = start + minutes * 60

    start = now[0]
    return at


def signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(SIGN_IN)


def test_the_shipped_limits_are_15_minutes_12_hours_30_minutes_and_5_to_confirm():
    assert shipped.SESSION_STAFF_IDLE_MINUTES == 15
    assert shipped.SESSION_STAFF_ABSOLUTE_HOURS == 12
    assert shipped.SESSION_PATIENT_IDLE_MINUTES == 30
    assert shipped.REAUTH_MINUTES == 5


@pytest.mark.parametrize(
    ("persona", "page", "idle_minutes", "ends"),
    [
        ("front_desk", "desk-day", 14.5, False),
        ("front_desk", "desk-day", 15.5, True),
        ("patient_a", "my-family", 20, False),
        ("patient_a", "my-family", 29.5, False),
        ("patient_a", "my-family", 30.5, True),
    ],
)
def test_a_session_ends_after_its_idle_limit(personas, clock, persona, page, idle_minutes, ends):
    browser = Client()
    browser.force_login(personas.user(persona))
    clock(idle_minutes)

    response = browser.get(reverse(page))

    assert signed_out(response) is ends
    if ends:
        said = browser.get(SIGN_IN).content.decode()
        assert "signed out after a while without activity" in said


def test_using_a_staff_session_keeps_it_until_twelve_hours(personas, clock):
    browser = Client()
    browser.force_login(personas.front_desk)

    for minutes in range(10, 12 * 60, 10):  # a request every ten minutes all day
        clock(minutes)
        assert browser.get(reverse("desk-day")).status_code == 200, minutes
    clock(12 * 60 + 1)

    assert signed_out(browser.get(reverse("desk-day")))
    assert "reached its limit" in browser.get(SIGN_IN).content.decode()


def test_the_api_answers_401_once_the_session_has_ended(personas, clock):
    browser = Client()
    browser.force_login(personas.front_desk)
    clock(14)
    assert browser.get("/api/appointments/1").status_code != 401
    clock(30)

    response = browser.get("/api/appointments/1")

    assert response.status_code == 401
    assert response.json()["code"] == "sign_in_required"


def test_the_last_use_is_written_at_most_once_a_minute(personas, clock):
    browser = Client()
    browser.force_login(personas.front_desk)
    seen = browser.session[sessions.SEEN]

    clock(0.5)
    browser.get(reverse("desk-day"))
    assert browser.session[sessions.SEEN] == seen
    clock(1.5)
    browser.get(reverse("desk-day"))
    assert browser.session[sessions.SEEN] == seen + 90
