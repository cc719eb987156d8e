"""A staff member who forgot their password gets back in without anyone setting it: the
sign-in page's "Forgot your password?" link e-mails them a link (one flow with the
patients'), and a manager can send one from /staff/security/. Setting the new
password ends their other sessions, tells them by e-mail and is audited; their next
sign-in still asks for the second factor. A manager changes a colleague's sign-in
e-mail there too, after confirming it is them, both addresses told."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from rehabdesk.accounts.models import User
from rehabdesk.audit.models import AuditEvent
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.testing.factors import current_code, staff_device
from rehabdesk.testing.personas import PASSWORD
from rehabdesk.web import sessions

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "harbour-cedar-kettle-57"  # noqa: S105 - a test password


def link_in(message: OutboxMessage) -> str:
    found = re.search(r"https?://[^/\s]+(/my/password/[^/\s]+/[^/\s]+/)", message.body_text)
    assert found, message.body_text
    return found.group(1)


def choose_password(link: str, password: str = NEW_PASSWORD) -> Client:
    browser = Client()
    form_page = browser.get(link)["Location"]
    saved = browser.post(form_page, {"new_password1": password, "new_password2": password})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert saved["Location"] == reverse("password-done")
    return browser


def password_step(email: str, password: str) -> str:
    response = Client().post(reverse("sign-in"), {"username": email, "password": password})
    return response["Location"] if response.status_code == 302 else ""


def test_the_sign_in_page_says_forgot_your_password(client):
    page = client.get(reverse("sign-in")).content.decode()
    assert "Forgot your password?" in page
    assert f'href="{reverse("password-request")}"' in page


def test_a_staff_member_resets_a_forgotten_password_and_still_gives_their_factor(personas):
    desk = personas.front_desk
    staff_device(desk)
    elsewhere = Client()
    elsewhere.force_login(desk)
    assert elsewhere.get(reverse("desk-day")).status_code == 200

    asked = Client().post(reverse("password-request"), {"email": "Desk@Persona.example"})
    assert asked["Location"] == reverse("password-sent")
    message = OutboxMessage.objects.get(kind="password_link", recipient=desk.email)
    assert message.subject.startswith("Reset your password")
    choose_password(link_in(message))

    # The session left open elsewhere ended (and says so); the owner is told; on file.
    assert elsewhere.get(reverse("desk-day"))["Location"].startswith(reverse("sign-in"))
    assert "sessions were ended" in elsewhere.get(reverse("sign-in")).content.decode()
    told = OutboxMessage.objects.get(kind="password_set", recipient=desk.email)
    assert "call us right away" in told.body_text
    assert NEW_PASSWORD not in told.body_text
    event = AuditEvent.objects.get(summary="password set with an e-mailed link")
    assert (event.actor_id, event.object_id) == (desk.pk, str(desk.pk))
    # The old password is gone; the new one leads to the second factor, not in.
    assert password_step(desk.email, PASSWORD) == ""
    assert password_step(desk.email, NEW_PASSWORD).startswith(reverse("sign-in-factor"))


def test_a_reset_link_works_once_and_not_for_a_switched_off_account(personas):
    desk = personas.front_desk
    Client().post(reverse("password-request"), {"email": desk.email})
    link = link_in(OutboxMessage.objects.get(kind="password_link"))
    choose_password(link)
    assert "This link has expired" in Client().get(link, follow=True).content.decode()

    Client().post(reverse("password-request"), {"email": desk.email})
    second = link_in(OutboxMessage.objects.filter(kind="password_link").latest("pk"))
    User.objects.filter(pk=desk.pk).update(is_active=False)
    assert "This link has expired" in Client().get(second, follow=True).content.decode()


def test_a_weak_password_is_refused_and_nothing_changes(personas):
    desk = personas.front_desk
    Client().post(reverse("password-request"), {"email": desk.email})
    browser = Client()
    form_page = browser.get(link_in(OutboxMessage.objects.get(kind="password_link")))["Location"]
    refused = browser.post(form_page, {"new_password1": "12345", "new_password2": "12345"})
    assert refused.status_code == 200
    assert "too short" in refused.content.decode()
    desk.refresh_from_db()
    assert desk.check_password(PASSWORD)
    assert not OutboxMessage.objects.filter(kind="password_set").exists()
    assert not AuditEvent.objects.filter(summary="password set with an e-mailed link").exists()


def manager_client(personas) -> Client:
    browser = Client()
    browser.force_login(personas.manager)
    return browser


def test_a_manager_e_mails_a_colleague_a_password_link(personas):
    desk = personas.front_desk
    manager = manager_client(personas)
    page = manager.get(reverse("staff-security")).content.decode()
    assert reverse("staff-password-link") in page

    sent = manager.post(reverse("staff-password-link"), {"user_id": desk.pk})

    assert sent["Location"] == reverse("staff-security")
    assert desk.email in manager.get(sent["Location"]).content.decode()
    message = OutboxMessage.objects.get(kind="password_reset_by_clinic")
    assert message.recipient == desk.email
    desk.refresh_from_db()
    assert desk.check_password(PASSWORD)  # never set by the manager
    event = AuditEvent.objects.get(summary="password reset link sent")
    assert (event.actor_id, event.object_id) == (personas.manager.pk, str(desk.pk))
    choose_password(link_in(message))
    assert password_step(desk.email, NEW_PASSWORD).startswith(reverse("sign-in-factor"))


@pytest.mark.parametrize("whose", ["own", "patient", "nobody"])
def test_a_manager_sends_no_link_to_themselves_a_patient_or_nobody(personas, whose):
    target = {
        "own": personas.manager.pk,
        "patient": personas.patient_a.user_id,
        "nobody": 999_999,
    }[whose]
    response = manager_client(personas).post(reverse("staff-password-link"), {"user_id": target})
    assert response.status_code == (403 if whose == "own" else 404)
    assert not OutboxMessage.objects.exists()
    assert not AuditEvent.objects.filter(summary="password reset link sent").exists()


@pytest.mark.parametrize("persona", ["front_desk", "physio"])
def test_only_a_manager_sends_a_colleague_a_link(personas, persona):
    browser = Client()
    browser.force_login(personas.user(persona))
    refused = browser.post(reverse("staff-password-link"), {"user_id": personas.manager.pk})
    assert refused.status_code == 403
    assert not OutboxMessage.objects.exists()


def test_a_manager_changes_a_colleague_s_sign_in_email_after_confirming(
    personas, monkeypatch, settings
):
    settings.REAUTH_MINUTES = 5
    desk = personas.front_desk
    manager = manager_client(personas)
    later = sessions.clock() + 10 * 60  # the manager's confirmation is old by then
    monkeypatch.setattr(sessions, "clock", lambda: later)
    form = {"user_id": desk.pk, "email": "Sam.Desk@Persona.example"}
    asked = manager.post(reverse("staff-sign-in-email"), form)
    assert asked["Location"].startswith(reverse("reauth"))
    assert not OutboxMessage.objects.exists()

    manager.post(reverse("reauth"), {"code": current_code(staff_device(personas.manager))})
    done = manager.post(reverse("staff-sign-in-email"), form)

    assert done["Location"] == reverse("staff-security")
    desk.refresh_from_db()
    assert desk.email == "sam.desk@persona.example"
    told = set(
        OutboxMessage.objects.filter(kind="sign_in_email_changed").values_list(
            "recipient", flat=True
        )
    )
    assert told == {"desk@persona.example", "sam.desk@persona.example"}
    event = AuditEvent.objects.get(summary="sign-in e-mail changed")
    assert (event.actor_id, event.object_id) == (personas.manager.pk, str(desk.pk))


@pytest.mark.parametrize(
    ("email", "says"),
    [
        ("not an address", "Enter a valid e-mail address."),
        ("ALICE@persona.example", "Another account already signs in with that address."),
        ("desk@persona.example", "That is already the address"),
    ],
)
def test_a_refused_email_change_says_why_and_changes_nothing(personas, email, says):
    desk = personas.front_desk
    response = manager_client(personas).post(
        reverse("staff-sign-in-email"), {"user_id": desk.pk, "email": email}
    )
    assert response.status_code == 200  # the page again, the reason on it
    assert says in response.content.decode()
    desk.refresh_from_db()
    assert desk.email == "desk@persona.example"
    assert not OutboxMessage.objects.exists()
    assert not AuditEvent.objects.filter(summary="sign-in e-mail changed").exists()


def test_a_patient_s_sign_in_e_mail_is_not_changed_from_the_staff_page(personas):
    alice = personas.patient_a.user
    response = manager_client(personas).post(
        reverse("staff-sign-in-email"), {"user_id": alice.pk, "email": "mine@persona.example"}
    )
    assert response.status_code == 404
    alice.refresh_from_db()
    assert alice.email == "alice@persona.example"


def test_one_s_own_new_password_ends_one_s_other_sessions_with_no_error(personas):
    # Django empties a session whose password changed under it as the user is read;
    # the session limits then end it like any other, never a 500.
    here, elsewhere = Client(), Client()
    here.force_login(personas.front_desk)
    elsewhere.force_login(personas.front_desk)
    new = "napkin orbit kettle 42"
    changed = here.post(
        reverse("own-password"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert changed.status_code == 302
    assert here.get(reverse("desk-day")).status_code == 200
    ended = elsewhere.get(reverse("desk-day"))
    assert ended["Location"].startswith(reverse("sign-in"))
