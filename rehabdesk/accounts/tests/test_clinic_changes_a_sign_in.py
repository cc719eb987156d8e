"""Staff cannot quietly become a patient: the clinic resets a patient's password only by
sending them a link (never setting it), and changes their sign-in e-mail only telling
the old and the new address; each act is on the audit trail, naming the patient."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.test import Client

from rehabdesk.accounts.errors import AccountsError, AccountsErrorCode
from rehabdesk.accounts.services import (
    user_password_change,
    user_password_reset_send,
    user_sign_in_email_change,
)
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 6, 15, 0, tzinfo=UTC)
CLINIC = {"clinic_name": "Pro Fusion Rehab", "clinic_phone": "905-555-0100"}


def changes_on_file():
    return list(AuditEvent.objects.filter(object_type="accounts.user", action=AuditAction.CHANGE))


def test_a_reset_sends_the_owner_a_link_and_sets_nothing(personas):
    alice = personas.patient_a
    user_password_reset_send(
        actor=personas.front_desk, user=alice.user, patient_ids=[alice.pk], now=NOW, **CLINIC
    )
    message = OutboxMessage.objects.get(kind="password_reset_by_clinic")
    assert message.recipient == "alice@persona.example"
    assert "Someone at Pro Fusion Rehab sent you this link" in message.body_text
    alice.user.refresh_from_db()
    assert alice.user.check_password(PASSWORD)  # still works until they choose one
    [event] = changes_on_file()
    assert (event.actor, event.object_id, event.summary) == (
        personas.front_desk,
        str(alice.user.pk),
        "password reset link sent",
    )
    assert [link.patient_id for link in event.patient_links.all()] == [alice.pk]
    # The link opens the page where the owner chooses a password.
    path = re.search(r"https?://[^/\s]+(/my/password/\S+/)", message.body_text)[1]
    page = Client().get(path, follow=True)
    assert "Choose your password" in page.content.decode()


@pytest.mark.parametrize(
    ("whose", "code"),
    [
        ("own", AccountsErrorCode.OWN_ACCOUNT),
        ("manager", AccountsErrorCode.NOT_A_PATIENT),
        ("inactive patient", AccountsErrorCode.NOT_A_PATIENT),
        ("patient who is staff", AccountsErrorCode.NOT_A_PATIENT),
    ],
)
@pytest.mark.parametrize("change", ["reset", "email"])
def test_only_a_patients_active_sign_in_is_changed_from_the_desk(personas, whose, code, change):
    from rehabdesk.accounts.roles import Role
    from rehabdesk.accounts.services import user_set_roles

    target = {
        "own": personas.front_desk,
        "manager": personas.manager,
        "inactive patient": personas.patient_b.user,
        "patient who is staff": personas.guardian.user,
    }[whose]
    if whose == "inactive patient":
        target.is_active = False
        target.save()
    if whose == "patient who is staff":
        user_set_roles(user=target, roles=[Role.PATIENT, Role.PRACTITIONER])
    email_before = target.email

    def attempt():
        if change == "reset":
            user_password_reset_send(actor=personas.front_desk, user=target, now=NOW, **CLINIC)
        else:
            user_sign_in_email_change(
                actor=personas.front_desk,
                user=target,
                new_email="new@example.com",
                now=NOW,
                **CLINIC,
            )

    with pytest.raises(AccountsError) as refused:
        attempt()
    assert refused.value.code == code
    target.refresh_from_db()
    assert target.email == email_before
    assert not OutboxMessage.objects.exists()
    assert changes_on_file() == []


def test_an_email_change_tells_the_old_and_the_new_address(personas):
    alice = personas.patient_a
    user_sign_in_email_change(
        actor=personas.front_desk,
        user=alice.user,
        new_email=" Alice.New@Example.com ",
        patient_ids=[alice.pk],
        now=NOW,
        **CLINIC,
    )
    alice.user.refresh_from_db()
    assert alice.user.email == "alice.new@example.com"
    assert alice.user.check_password(PASSWORD)
    told = {
        m.recipient: m.body_text for m in OutboxMessage.objects.filter(kind="sign_in_email_changed")
    }
    assert set(told) == {"alice@persona.example", "alice.new@example.com"}
    assert "please call us right away" in told["alice@persona.example"]
    [event] = changes_on_file()
    assert (event.actor, event.summary) == (personas.front_desk, "sign-in e-mail changed")
    assert [link.patient_id for link in event.patient_links.all()] == [alice.pk]
    # The new address signs in; the old one no longer does.
    assert Client().login(username="alice.new@example.com", password=PASSWORD)
    assert not Client().login(username="alice@persona.example", password=PASSWORD)


@pytest.mark.parametrize(
    ("new_email", "code"),
    [
        ("BOB@persona.example", AccountsErrorCode.EMAIL_TAKEN),
        ("desk@persona.example", AccountsErrorCode.EMAIL_TAKEN),
        ("alice@persona.example", AccountsErrorCode.INVALID),
        ("not an address", AccountsErrorCode.INVALID),
    ],
)
def test_a_refused_email_change_changes_and_tells_nothing(personas, new_email, code):
    alice = personas.patient_a
    with pytest.raises(AccountsError) as refused:
        user_sign_in_email_change(
            actor=personas.front_desk, user=alice.user, new_email=new_email, now=NOW, **CLINIC
        )
    assert (refused.value.code, refused.value.field) == (code, "email")
    alice.user.refresh_from_db()
    assert alice.user.email == "alice@persona.example"
    assert not OutboxMessage.objects.exists()
    assert changes_on_file() == []


def test_ones_own_new_password_keeps_the_rules_and_is_on_file(personas):
    desk = personas.front_desk
    with pytest.raises(AccountsError) as refused:
        user_password_change(user=desk, new_password="Unbelievable", now=NOW)
    assert refused.value.code == AccountsErrorCode.INVALID
    desk.refresh_from_db()
    assert desk.check_password(PASSWORD)
    user_password_change(user=desk, new_password="napkin orbit kettle 42", now=NOW)
    desk.refresh_from_db()
    assert desk.check_password("napkin orbit kettle 42")
    [event] = changes_on_file()
    assert (event.actor, event.summary) == (desk, "own password changed")
