"""Brute force: failed sign-ins are counted per account and per client address, apart;
either count reaching the limit refuses even the right password until the cool-off
has passed or a manager unlocks, on every form that checks a password."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client
from django.urls import reverse

from rehabdesk.audit.choices import AuditAction, AuditOutcome
from rehabdesk.audit.models import AuditEvent
from rehabdesk.testing.personas import PASSWORD
from rehabdesk.web.sign_in_lockout import locked_out

pytestmark = pytest.mark.django_db
SIGN_IN = "/sign-in/"
WRONG = "not-the-password-1"


def sign_in(client: Client, email: str, password: str, address: str = "10.0.0.1"):
    return client.post(SIGN_IN, {"username": email, "password": password}, REMOTE_ADDR=address)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def limit(settings) -> int:
    settings.AXES_FAILURE_LIMIT = 4
    return 4


def test_fifty_wrong_passwords_then_the_right_one_does_not_sign_in(client, personas):
    for _ in range(50):
        assert sign_in(client, "alice@persona.example", WRONG).status_code in (200, 429)
    response = sign_in(client, "alice@persona.example", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert "Sign-in paused" in page
    # Neither whose account nor which count: the same page for everyone.
    assert "alice" not in page.lower()
    assert response["Retry-After"] == str(30 * 60)


@pytest.mark.parametrize("configured", [3, 6])
def test_the_lock_comes_at_the_configured_number_of_failures(
    client, personas, settings, configured
):
    settings.AXES_FAILURE_LIMIT = configured
    for tried in range(1, configured):
        response = sign_in(client, "alice@persona.example", WRONG, address=f"10.0.1.{tried}")
        assert response.status_code == 200  # the form again, with its error
    last = sign_in(client, "alice@persona.example", WRONG, address="10.0.1.99")
    assert last.status_code == 429


@pytest.mark.parametrize(
    ("failures_from", "emails_tried", "right_from", "locked"),
    [
        # Per account: failures from everywhere count against the account...
        ("many addresses", "alice", "10.0.2.200", True),
        # ...per address: failures on many accounts count against the address...
        ("one address", "many", "10.0.3.1", True),
        # ...and someone else elsewhere is not caught by either.
        ("one address", "many", "10.0.4.1", False),
    ],
)
def test_failures_count_per_account_and_per_address_apart(
    client, personas, limit, failures_from, emails_tried, right_from, locked
):
    for i in range(limit):
        address = f"10.0.2.{i}" if failures_from == "many addresses" else "10.0.3.1"
        email = "alice@persona.example" if emails_tried == "alice" else f"nobody{i}@example.com"
        sign_in(client, email, WRONG, address=address)
    who = "alice@persona.example" if emails_tried == "alice" else "bob@persona.example"
    response = sign_in(client, who, PASSWORD, address=right_from)
    assert (response.status_code == 429) == locked
    assert signed_in(client) == (not locked)


@pytest.mark.parametrize(
    ("waited", "locked"),
    [(timedelta(minutes=29), True), (timedelta(minutes=30, seconds=1), False)],
)
def test_a_lock_lifts_by_itself_after_the_cool_off(client, personas, limit, waited, locked):
    for _ in range(limit):
        sign_in(client, "alice@persona.example", WRONG)
    # The clock moves on: every failure on file is `waited` older.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - waited)
    response = sign_in(client, "alice@persona.example", PASSWORD)
    assert (response.status_code == 429) == locked
    assert signed_in(client) == (not locked)


def test_the_cool_off_is_configured(client, personas, limit, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=5)
    for _ in range(limit):
        sign_in(client, "alice@persona.example", WRONG)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=6))
    assert sign_in(client, "alice@persona.example", PASSWORD).status_code == 302


def test_the_admins_sign_in_form_is_throttled_too(client, personas, limit):
    for _ in range(limit):
        client.post("/admin/login/", {"username": "manager@persona.example", "password": WRONG})
    response = client.post(
        "/admin/login/", {"username": "manager@persona.example", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert not signed_in(client)


def test_guessing_the_old_password_on_the_own_password_page_locks_too(client, personas, limit):
    client.force_login(personas.front_desk)
    url = reverse("own-password")
    form = {
        "new_password1": "a fresh long passphrase 9",
        "new_password2": "a fresh long passphrase 9",
    }
    for _ in range(limit - 1):
        assert client.post(url, {"old_password": WRONG, **form}).status_code == 200
    assert client.post(url, {"old_password": WRONG, **form}).status_code == 429
    # Now the right one is refused too, and the password stays.
    assert client.post(url, {"old_password": PASSWORD, **form}).status_code == 429
    personas.front_desk.refresh_from_db()
    assert personas.front_desk.check_password(PASSWORD)


def test_the_api_answers_a_lockout_with_json_and_a_code(rf, personas):
    # No API operation checks a password today (the API uses the page's session); one
    # that does is answered like every API refusal.
    response = locked_out(rf.post("/api/v1/anything"))
    assert response.status_code == 429
    body = json.loads(response.content)
    assert body["code"] == "sign_in_locked"
    assert "try again in 30 minutes" in body["detail"]


def test_a_manager_sees_who_is_locked_out_and_unlocks_them(client, personas, limit):
    alice = personas.patient_a.user
    for i in range(limit):
        sign_in(client, "alice@persona.example", WRONG, address=f"10.0.5.{i}")
    for i in range(limit):
        sign_in(client, f"nobody{i}@example.com", WRONG, address="10.0.6.6")
    manager = Client()
    manager.force_login(personas.manager)
    page = manager.get(reverse("sign-in-locks"))
    assert page.status_code == 200
    locks = {(lock.kind, lock.key) for lock in page.context["locks"]}
    assert locks == {("account", f"user:{alice.pk}"), ("address", "10.0.6.6")}
    assert "alice@persona.example" in page.content.decode()
    assert "nobody0@example.com" not in page.content.decode()

    response = manager.post(
        reverse("sign-in-unlock"), {"kind": "account", "key": f"user:{alice.pk}"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(summary="sign-in unlocked")
    assert (event.action, event.actor, event.object_type, event.object_id) == (
        AuditAction.CHANGE,
        personas.manager,
        "accounts.user",
        str(alice.pk),
    )
    assert sign_in(client, "alice@persona.example", PASSWORD, address="10.0.7.7").status_code == 302
    # The address stays locked until it is unlocked too.
    other = Client()
    assert sign_in(other, "bob@persona.example", PASSWORD, address="10.0.6.6").status_code == 429
    manager.post(reverse("sign-in-unlock"), {"kind": "address", "key": "10.0.6.6"})
    assert sign_in(other, "bob@persona.example", PASSWORD, address="10.0.6.6").status_code == 302


def test_unlocking_what_is_no_longer_locked_says_so_and_puts_nothing_on_file(client, personas):
    client.force_login(personas.manager)
    response = client.post(
        reverse("sign-in-unlock"), {"kind": "account", "key": "user:999"}, follow=True
    )
    assert "Nothing is locked there any more" in response.content.decode()
    assert not AuditEvent.objects.filter(summary="sign-in unlocked").exists()


def test_the_desk_cannot_see_or_lift_locks(client, personas, limit):
    for _ in range(limit):
        sign_in(client, "alice@persona.example", WRONG)
    desk = Client()
    desk.force_login(personas.front_desk)
    assert desk.get(reverse("sign-in-locks")).status_code == 404
    key = f"user:{personas.patient_a.user.pk}"
    assert desk.post(reverse("sign-in-unlock"), {"kind": "account", "key": key}).status_code == 404
    assert AccessAttempt.objects.filter(username=key).exists()


# The audit trail ---------------------------------------------------------------------


def test_a_sign_in_is_on_file_with_its_address(client, personas):
    sign_in(client, "alice@persona.example", PASSWORD, address="192.0.2.7")
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert (event.actor, event.outcome, event.ip_address) == (
        personas.patient_a.user,
        AuditOutcome.SUCCESS,
        "192.0.2.7",
    )


def test_a_session_made_without_the_form_is_no_sign_in(client, personas):
    client.force_login(personas.front_desk)
    assert not AuditEvent.objects.filter(action=AuditAction.SIGN_IN).exists()


def test_a_failure_on_an_account_names_the_account(client, personas):
    sign_in(client, "Alice@Persona.example", WRONG, address="192.0.2.8")
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert (event.actor, event.outcome, event.object_type, event.object_id, event.ip_address) == (
        personas.patient_a.user,
        AuditOutcome.DENIED,
        "accounts.user",
        str(personas.patient_a.user.pk),
        "192.0.2.8",
    )


def test_an_address_on_no_account_is_stored_nowhere(client, personas, limit):
    typed = "someone.private@example.com"
    for _ in range(limit + 1):
        sign_in(client, typed, WRONG, address="192.0.2.9")
    events = list(AuditEvent.objects.filter(action__in=[AuditAction.SIGN_IN, AuditAction.DENY]))
    assert len(events) == limit + 2  # each failure, and the lockout once
    for event in events:
        assert (event.actor, event.actor_email, event.object_id) == (None, "", "")
        assert event.outcome == AuditOutcome.DENIED
    stored = [
        str(value)
        for model in (AuditEvent, AccessAttempt)
        for row in model.objects.values()
        for value in row.values()
    ]
    assert not [value for value in stored if "private" in value.lower()]


def test_a_lockout_is_on_file_once(client, personas, limit):
    for _ in range(limit + 3):
        sign_in(client, "alice@persona.example", WRONG)
    lockouts = AuditEvent.objects.filter(action=AuditAction.DENY, object_type="accounts.user")
    assert [(e.actor, e.summary[:14]) for e in lockouts] == [
        (personas.patient_a.user, "sign-in locked")
    ]
