"""Re-authentication before sensitive actions: recent_sign_in_required lets a view run
within REAUTH_MINUTES of the last password or factor; otherwise pages go to confirm it
and come back, and the API answers 403 `recent_sign_in_required`."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from rehabdesk.testing.factors import current_code, staff_device
from rehabdesk.testing.personas import PASSWORD
from rehabdesk.web import sessions
from rehabdesk.web.reauth import recent_sign_in_required


@recent_sign_in_required
def sensitive(request):
    return HttpResponse("done")


@pytest.fixture
def later(monkeypatch, settings):
    settings.REAUTH_MINUTES = 5
    start = sessions.clock()

    def move(minutes: float) -> None:
        monkeypatch.setattr(sessions, "clock", lambda: start + minutes * 60)

    return move


def request_as(client: Client, user, path: str):
    """A request of this signed-in browser's session, for the decorated view above."""
    request = RequestFactory().get(path)
    request.session = client.session
    request.user = user
    return request


@pytest.mark.parametrize(("minutes", "runs"), [(4.9, True), (5.1, False)])
def test_a_recent_sign_in_lets_the_action_run(personas, later, minutes, runs):
    browser = Client()
    browser.force_login(personas.front_desk)
    later(minutes)

    response = sensitive(request_as(browser, personas.front_desk, "/staff/export/"))

    assert (response.status_code == 200) is runs
    if not runs:
        assert response["Location"] == reverse("reauth") + "?next=%2Fstaff%2Fexport%2F"


def test_the_api_is_told_with_a_code(personas, later):
    browser = Client()
    browser.force_login(personas.front_desk)
    later(6)

    response = sensitive(request_as(browser, personas.front_desk, "/api/export"))

    assert response.status_code == 403
    assert json.loads(response.content)["code"] == "recent_sign_in_required"


def test_staff_confirm_with_a_code_and_come_back(personas, later):
    browser = Client()
    browser.force_login(personas.physio.user)
    later(30)
    assert browser.get(reverse("passkey-add"))["Location"].startswith(reverse("reauth"))

    wrong = browser.post(reverse("reauth"), {"code": "12", "next": reverse("passkey-add")})
    assert wrong.status_code == 200
    device = staff_device(personas.physio.user)
    device.throttle_reset()  # a wrong code makes the next try wait a second (django-otp)
    code = current_code(device)
    back = browser.post(reverse("reauth"), {"code": code, "next": reverse("passkey-add")})

    assert back["Location"] == reverse("passkey-add")
    assert browser.get(reverse("passkey-add")).status_code == 200


def test_patients_confirm_with_their_password(personas, later):
    browser = Client()
    browser.force_login(personas.patient_a.user)
    later(30)

    assert browser.post(reverse("reauth"), {"password": "wrong"}).status_code == 200
    back = browser.post(reverse("reauth"), {"password": PASSWORD})

    assert back["Location"] == reverse("account-security")


@pytest.mark.parametrize(
    ("who", "url"),
    [
        # Break-glass: a practitioner outside the patient's care opens the record.
        ("massage_therapist", lambda p: reverse("record-open", args=[p.patient_a.pk])),
        # The record export's one download (the token is looked at only after).
        ("patient_a", lambda p: reverse("my-privacy-export", args=["any-token"])),
    ],
)
def test_break_glass_and_the_export_ask_for_a_recent_sign_in(personas, later, who, url):
    browser = Client()
    person = getattr(personas, who)
    browser.force_login(getattr(person, "user", person))
    later(10)  # past the five minutes, within every idle limit

    response = browser.get(url(personas))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("reauth"))
