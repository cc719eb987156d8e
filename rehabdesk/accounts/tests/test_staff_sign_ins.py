"""A manager changes a colleague's sign-in only as a patient's is changed: a link
e-mailed (never a password set), or a new sign-in e-mail told to both addresses; each
audited. Neither reaches a patient's account or one's own. Setting a password by link
ends every session of the account and tells its owner."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rehabdesk.accounts.errors import AccountsError, AccountsErrorCode
from rehabdesk.accounts.models import User
from rehabdesk.accounts.services import (
    staff_password_reset_send,
    staff_sign_in_email_change,
    user_password_reset_send,
    user_password_set_by_link,
)
from rehabdesk.audit.models import AuditEvent
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 6, 15, 0, tzinfo=UTC)
CLINIC = {"clinic_name": "Pro Fusion Rehab", "clinic_phone": "905-555-0100"}


@pytest.fixture
def events(personas):
    """The audit events written from here on (setting the personas up writes some)."""
    start = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return lambda: AuditEvent.objects.filter(pk__gt=start)


def test_a_manager_sends_a_colleague_a_link_and_sets_nothing(personas, events):
    desk = personas.front_desk
    staff_password_reset_send(actor=personas.manager, user=desk, now=NOW, **CLINIC)
    [message] = OutboxMessage.objects.all()
    assert (message.kind, message.recipient) == ("password_reset_by_clinic", desk.email)
    desk.refresh_from_db()
    assert desk.check_password(PASSWORD)
    [event] = events()
    assert (event.actor, event.object_type, event.object_id) == (
        personas.manager,
        "accounts.user",
        str(desk.pk),
    )


@pytest.mark.parametrize(
    ("whose", "code"),
    [
        ("own", AccountsErrorCode.OWN_ACCOUNT),
        ("patient", AccountsErrorCode.NOT_STAFF),
        ("switched off", AccountsErrorCode.NOT_STAFF),
    ],
)
@pytest.mark.parametrize("change", ["link", "email"])
def test_the_staff_services_reach_only_a_colleague_s_active_staff_sign_in(
    personas, events, whose, code, change
):
    user = {
        "own": personas.manager,
        "patient": personas.patient_a.user,
        "switched off": personas.front_desk,
    }[whose]
    if whose == "switched off":
        user.is_active = False
        user.save(update_fields=["is_active"])
    email = user.email
    asked = {
        "link": lambda: staff_password_reset_send(
            actor=personas.manager, user=user, now=NOW, **CLINIC
        ),
        "email": lambda: staff_sign_in_email_change(
            actor=personas.manager, user=user, new_email="x@clinic.example", now=NOW, **CLINIC
        ),
    }[change]
    with pytest.raises(AccountsError) as refused:
        asked()
    assert refused.value.code == code
    user.refresh_from_db()
    assert user.email == email
    assert not OutboxMessage.objects.exists()
    assert not events().exists()


def test_the_patient_service_still_refuses_a_colleague(personas):
    with pytest.raises(AccountsError) as refused:
        user_password_reset_send(
            actor=personas.manager, user=personas.front_desk, now=NOW, **CLINIC
        )
    assert refused.value.code == AccountsErrorCode.NOT_A_PATIENT


def test_a_colleague_s_new_sign_in_e_mail_is_told_to_both_addresses(personas, events):
    desk = personas.front_desk
    staff_sign_in_email_change(
        actor=personas.manager, user=desk, new_email=" Sam@Clinic.example", now=NOW, **CLINIC
    )
    desk.refresh_from_db()
    assert desk.email == "sam@clinic.example"
    assert desk.check_password(PASSWORD)
    told = {m.recipient: m.body_text for m in OutboxMessage.objects.all()}
    assert set(told) == {"desk@persona.example", "sam@clinic.example"}
    assert "call us right away" in told["desk@persona.example"]
    [event] = events()
    assert (event.actor, event.summary) == (personas.manager, "sign-in e-mail changed")


def test_a_password_set_by_link_ends_every_session_and_tells_the_owner(personas, events):
    desk = personas.front_desk
    before = desk.session_generation
    user_password_set_by_link(user=desk, new_password="harbour-cedar-kettle-57", now=NOW, **CLINIC)
    desk.refresh_from_db()
    assert desk.check_password("harbour-cedar-kettle-57")
    assert desk.session_generation == before + 1
    [told] = OutboxMessage.objects.all()
    assert (told.kind, told.recipient) == ("password_set", desk.email)
    assert "harbour" not in told.body_text
    [event] = events()
    assert (event.actor, event.summary) == (desk, "password set with an e-mailed link")


def test_a_weak_password_by_link_changes_nothing(personas, events):
    desk = personas.front_desk
    with pytest.raises(AccountsError) as refused:
        user_password_set_by_link(user=desk, new_password="12345", now=NOW, **CLINIC)
    assert refused.value.code == AccountsErrorCode.INVALID
    desk.refresh_from_db()
    assert desk.check_password(PASSWORD)
    assert not OutboxMessage.objects.exists()
    assert not events().exists()


def test_only_a_superuser_changes_a_superuser_s_sign_in_e_mail(personas, events):
    root = User.objects.create_superuser("root@clinic.example", "a-long-passphrase-1")
    with pytest.raises(AccountsError) as refused:
        staff_sign_in_email_change(
            actor=personas.manager, user=root, new_email="mine@clinic.example", now=NOW, **CLINIC
        )
    assert refused.value.code == AccountsErrorCode.SUPERUSER
    root.refresh_from_db()
    assert root.email == "root@clinic.example"
    assert not events().exists()
    other = User.objects.create_superuser("other@clinic.example", "a-long-passphrase-1")
    staff_sign_in_email_change(
        actor=other, user=root, new_email="new.root@clinic.example", now=NOW, **CLINIC
    )
    root.refresh_from_db()
    assert root.email == "new.root@clinic.example"
