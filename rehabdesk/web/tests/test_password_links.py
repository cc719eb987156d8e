"""Patients set or reset their password with a link e-mailed to them, driven with
Django's test client: a patient on file with no sign-in gets one and signs in; a
patient who signs in resets theirs; every address gets the same page and the same
work (a link, or a note that none was sent); a link works once, and a tampered one
not at all; too many requests get a clear answer; a parent gets the sign-in rather
than the children sharing the address. Staff's own resets: test_staff_password_links."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rehabdesk.accounts.roles import Role, roles_of
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.online.accounts import PASSWORD_LINKS_PER_EMAIL
from rehabdesk.patients.choices import FamilyRelationship
from rehabdesk.patients.models import Patient
from rehabdesk.patients.services import family_link_add, patient_create
from rehabdesk.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "river-stone-lantern-42"  # noqa: S105 - a test password
SENT = "If this address is on file, we have e-mailed it a link"
REFUSED = "This link has expired or was already used: ask for a new one"


def on_file(first: str, born: date, email: str) -> Patient:
    return patient_create(
        actor=None,
        patient=Patient(first_name=first, last_name="Hill", date_of_birth=born, email=email),
        confirm_not_duplicate=True,
    )


def ask_for_link(client: Client, email: str) -> str:
    """Ask for a link and return the page shown next (the same for every address)."""
    response = client.post(reverse("password-request"), {"email": email})
    assert response.status_code == 302
    assert response["Location"] == reverse("password-sent")
    assert email.split("@")[0] not in response["Location"]
    return client.get(response["Location"]).content.decode()


def link_sent_to(email: str) -> str:
    """The path of the latest link e-mailed to `email`."""
    message = OutboxMessage.objects.filter(kind="password_link", recipient=email).latest("pk")
    found = re.search(r"https?://\S+?(/my/password/[^/\s]+/[^/\s]+/)", message.body_text)
    assert found
    assert found.group(0).startswith(settings.SITE_URL)
    return found.group(1)


def choose_password(client: Client, link: str, password: str = NEW_PASSWORD) -> None:
    """Follow the link (the token moves to the session) and save a password."""
    opened = client.get(link)
    assert opened.status_code == 302
    form_page = opened["Location"]
    assert form_page.endswith("/set-password/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in form_page  # the token leaves the address (and any Referer)
    page = client.get(form_page).content.decode()
    assert "Choose your password" in page
    saved = client.post(form_page, {"new_password1": password, "new_password2": password})
    assert saved.status_code == 302
    assert saved["Location"] == reverse("password-done")
    done = client.get(saved["Location"]).content.decode()
    assert "Your password is set" in done
    assert reverse("sign-in") in done


def signs_in(email: str, password: str) -> bool:
    response = Client().post(reverse("sign-in"), {"username": email, "password": password})
    return response.status_code == 302


def outbox_links() -> int:
    return OutboxMessage.objects.filter(kind="password_link").count()


def test_it_a_patient_on_file_without_a_sign_in_sets_a_password_and_signs_in(client, personas):
    patient = on_file("Hana", date(1990, 2, 3), "hana@example.com")
    assert SENT in ask_for_link(client, "Hana@Example.com")
    patient.refresh_from_db()
    assert patient.user is not None
    assert roles_of(patient.user.pk) == {Role.PATIENT}
    assert not signs_in("hana@example.com", "")
    message = OutboxMessage.objects.get(kind="password_link")
    assert message.recipient == "hana@example.com"
    assert message.subject.startswith("Set your password")
    choose_password(client, link_sent_to("hana@example.com"))
    assert signs_in("hana@example.com", NEW_PASSWORD)
    # Signed in, they land on their own pages.
    session = Client()
    session.post(reverse("sign-in"), {"username": "hana@example.com", "password": NEW_PASSWORD})
    assert session.get(reverse("my-family")).status_code == 200


def test_it_a_patient_who_signs_in_resets_and_the_old_password_stops_working(client, personas):
    assert signs_in("alice@persona.example", PASSWORD)
    assert SENT in ask_for_link(client, "alice@persona.example")
    message = OutboxMessage.objects.get(kind="password_link")
    assert message.subject.startswith("Reset your password")
    choose_password(client, link_sent_to("alice@persona.example"))
    assert signs_in("alice@persona.example", NEW_PASSWORD)
    assert not signs_in("alice@persona.example", PASSWORD)


def test_it_gives_every_address_the_same_page_and_the_same_work(client, personas):
    switched_off = personas.outsider
    switched_off.is_active = False
    switched_off.save(update_fields=["is_active"])
    addresses = (
        "nobody@example.com",
        switched_off.email,
        personas.front_desk.email,
        "bob@persona.example",
    )
    shown = {email: ask_for_link(client, email) for email in addresses}
    assert all(SENT in page for page in shown.values())
    assert len(set(shown.values())) == 1  # nothing on the page tells them apart
    # One e-mail and one audit row each: a link for a sign-in in use, else a note.
    kinds = {m.recipient: m.kind for m in OutboxMessage.objects.all()}
    assert kinds == {
        "nobody@example.com": "password_link_none",
        switched_off.email: "password_link_none",
        personas.front_desk.email: "password_link",
        "bob@persona.example": "password_link",
    }
    note = OutboxMessage.objects.get(recipient="nobody@example.com")
    assert "no link was sent" in note.body_text
    assert "/my/password/" not in note.body_text
    asked = AuditEvent.objects.filter(
        action=AuditAction.CHANGE, actor__isnull=True, summary__startswith="password link"
    )
    assert sorted(asked.values_list("summary", flat=True)) == [
        "password link asked for, none sent",
        "password link asked for, none sent",
        "password link sent on request",
        "password link sent on request",
    ]
    assert set(asked.values_list("object_id", flat=True)) == {
        "",
        str(personas.front_desk.pk),
        str(personas.patient_b.user_id),
    }


def test_it_refuses_a_link_used_twice(client, personas):
    ask_for_link(client, "alice@persona.example")
    link = link_sent_to("alice@persona.example")
    choose_password(client, link)
    again = Client().get(link)
    assert again.status_code == 200
    page = again.content.decode()
    assert REFUSED in page
    assert reverse("password-request") in page
    assert "<form" not in page.split("<main", 1)[1]
    # And posting a password to it changes nothing.
    Client().post(link, {"new_password1": "another-one-9876", "new_password2": "another-one-9876"})
    assert signs_in("alice@persona.example", NEW_PASSWORD)


def test_it_refuses_a_tampered_link(client, personas):
    ask_for_link(client, "alice@persona.example")
    link = link_sent_to("alice@persona.example")
    prefix, uidb64, token = link.strip("/").rsplit("/", 2)
    tampered_token = token[:-1] + ("a" if token[-1] != "a" else "b")
    bob = urlsafe_base64_encode(force_bytes(personas.patient_b.user_id))
    for path in (
        f"/{prefix}/{uidb64}/{tampered_token}/",
        f"/{prefix}/{bob}/{token}/",  # Alice's token on Bob's account
        f"/{prefix}/{uidb64}/set-password/",  # no token in this session
        f"/{prefix}/not-base64!/{token}/",
    ):
        response = Client().get(path)
        assert response.status_code == 200, path
        assert REFUSED in response.content.decode()
    # The real link still works.
    choose_password(client, link)


def test_it_refuses_a_genuine_token_for_a_switched_off_account(client, personas):
    staff = personas.front_desk
    link = reverse(
        "password-set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(staff.pk)),
            "token": default_token_generator.make_token(staff),
        },
    )
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    response = client.get(link)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()


def test_it_answers_too_many_requests_with_a_clear_message(client, personas, monkeypatch):
    # One fixed moment, so the hourly window cannot turn over mid-test.
    moment = timezone.now().replace(minute=30)
    monkeypatch.setattr("rehabdesk.web.portal.password_views.timezone.now", lambda: moment)
    for _ in range(PASSWORD_LINKS_PER_EMAIL.times):
        ask_for_link(client, "alice@persona.example")
    response = client.post(reverse("password-request"), {"email": "alice@persona.example"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Several links were asked for this address in the last hour" in page
    assert 'aria-invalid="true"' in page
    assert outbox_links() == PASSWORD_LINKS_PER_EMAIL.times


def test_it_gives_the_parent_the_sign_in_when_children_share_the_address(client, personas):
    child = on_file("Ivy", date(2012, 5, 5), "hill.family@example.com")
    parent = on_file("Kim", date(1984, 7, 7), "hill.family@example.com")
    family_link_add(
        actor=None, guardian=parent, dependent=child, relationship=FamilyRelationship.PARENT
    )
    ask_for_link(client, "hill.family@example.com")
    parent.refresh_from_db()
    child.refresh_from_db()
    assert parent.user is not None
    assert child.user is None
    choose_password(client, link_sent_to("hill.family@example.com"))
    session = Client()
    session.post(
        reverse("sign-in"), {"username": "hill.family@example.com", "password": NEW_PASSWORD}
    )
    family = session.get(reverse("my-family")).content.decode()
    assert "Kim" in family
    assert "Ivy" in family


def described(html: str, input_id: str) -> list[str]:
    """The texts an input's aria-describedby points at, as a screen reader finds them."""
    tag = re.search(rf'<input[^>]*id="{input_id}"[^>]*>', html)
    assert tag, input_id
    ids = re.search(r'aria-describedby="([^"]+)"', tag.group(0))
    assert ids, tag.group(0)
    texts = []
    for target in ids.group(1).split():
        element = re.search(rf'id="{target}">(.*?)</div>', html, re.DOTALL)
        assert element, f"{target} is not on the page"
        texts.append(re.sub(r"<[^>]+>", " ", element.group(1)).strip())
    return texts


def test_it_shows_the_form_again_with_errors_tied_to_their_inputs(client, personas):
    page = client.get(reverse("password-request")).content.decode()
    assert '<label for="id_email">' in page
    assert 'autocomplete="email"' in page
    bad = client.post(reverse("password-request"), {"email": "not an address"})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert 'aria-invalid="true"' in html
    assert described(html, "id_email") == [
        "The address the clinic has for you.",
        "Enter a valid email address.",
    ]
    assert outbox_links() == 0
    # A weak password is refused next to its input, and the link still works after.
    ask_for_link(client, "alice@persona.example")
    opened = client.get(link_sent_to("alice@persona.example"))
    form_page = opened["Location"]
    html = client.get(form_page).content.decode()
    assert html.count('autocomplete="new-password"') == 2
    weak = client.post(form_page, {"new_password1": "12345", "new_password2": "12345"})
    assert weak.status_code == 200
    html = weak.content.decode()
    assert "too short" in " ".join(described(html, "id_new_password2"))
    assert signs_in("alice@persona.example", PASSWORD)


def test_the_sign_in_page_offers_a_link_to_set_a_password(client, personas):
    page = client.get(reverse("sign-in")).content.decode()
    assert "Forgot your password? Never had one?" in page
    assert f'href="{reverse("password-request")}"' in page
