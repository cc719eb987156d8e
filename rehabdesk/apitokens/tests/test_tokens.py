"""API tokens as the domain keeps them: issued for staff or for an application,
hashed at rest, checked, counted against a rate limit, revoked — each act audited."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from rehabdesk.accounts.roles import Role, roles_of
from rehabdesk.accounts.services import user_set_roles
from rehabdesk.apitokens.choices import Scope, TokenKind
from rehabdesk.apitokens.errors import TokenError, TokenErrorCode
from rehabdesk.apitokens.models import ApiToken
from rehabdesk.apitokens.services import (
    OBJECT_TYPE,
    api_token_create_application,
    api_token_create_personal,
    api_token_revoke,
    api_token_use,
)
from rehabdesk.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

READ = Scope.SCHEDULE_READ
WRITE = Scope.BOOKING_WRITE


def issue(user, *scopes, now=None, expires_at=None):
    return api_token_create_personal(
        user=user,
        name="Desk script",
        scopes=[str(s) for s in scopes or (READ,)],
        expires_at=expires_at,
        now=now or timezone.now(),
    )


def refused(code, **use):
    with pytest.raises(TokenError) as caught:
        api_token_use(**use)
    assert caught.value.code == code
    return caught.value


def test_it_shows_the_token_once_and_keeps_only_the_hash_of_its_secret(personas):
    issued = issue(personas.front_desk)
    text = issued.text
    assert text.startswith(f"rhd_{issued.token.prefix}_")
    secret = text.removeprefix(f"rhd_{issued.token.prefix}_")
    assert len(secret) == 43  # 32 random bytes
    row = ApiToken.objects.filter(pk=issued.token.pk).values().get()
    assert row["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in str(value) for value in row.values())


def test_each_token_gets_its_own_prefix_and_secret(personas):
    first, second = issue(personas.front_desk), issue(personas.front_desk)
    assert first.token.prefix != second.token.prefix
    assert first.text != second.text


def test_a_personal_token_acts_as_its_member_of_staff(personas):
    issued = issue(personas.physio.user, READ)
    used = api_token_use(text=issued.text, scope=READ, now=timezone.now())
    assert (used.kind, used.user) == (TokenKind.PERSONAL, personas.physio.user)


def test_patients_and_people_without_a_role_have_no_personal_token(personas):
    for user in (personas.patient_a.user, personas.outsider):
        with pytest.raises(TokenError) as caught:
            issue(user)
        assert caught.value.code == TokenErrorCode.NOT_STAFF
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("name", "scopes", "days", "field"),
    [
        ("", [READ], None, "name"),
        ("x" * 101, [READ], None, "name"),
        ("a\x00b", [READ], None, "name"),
        ("Script", [], None, "scopes"),
        ("Script", ["admin:everything"], None, "scopes"),
        ("Script", [READ], -1, "expires_at"),
        ("Script", [READ], 0, "expires_at"),
    ],
)
def test_it_refuses_a_name_scope_or_expiry_that_is_not_right(personas, name, scopes, days, field):
    now = timezone.now()
    with pytest.raises(TokenError) as caught:
        api_token_create_personal(
            user=personas.front_desk,
            name=name,
            scopes=scopes,
            expires_at=None if days is None else now + timedelta(days=days),
            now=now,
        )
    assert (caught.value.code, caught.value.field) == (TokenErrorCode.INVALID, field)
    assert not ApiToken.objects.exists()


def test_an_application_token_acts_as_a_service_account_with_the_chosen_role(personas):
    issued = api_token_create_application(
        name="Booking widget",
        role=Role.FRONT_DESK,
        scopes=[READ, WRITE],
        expires_at=None,
        actor=personas.manager,
        now=timezone.now(),
    )
    account = issued.token.user
    assert account not in (personas.manager, personas.front_desk)
    assert roles_of(account.pk) == {Role.FRONT_DESK}
    assert not account.has_usable_password()
    assert (issued.token.kind, issued.token.role) == (TokenKind.APPLICATION, "Front desk")
    assert issued.token.created_by == personas.manager


@pytest.mark.parametrize("role", [Role.PATIENT, Role.PRACTITIONER, Role.PRIVACY_OFFICER, "Root"])
def test_an_application_gets_only_a_desk_or_a_manager_role(personas, role):
    with pytest.raises(TokenError) as caught:
        api_token_create_application(
            name="Widget",
            role=role,
            scopes=[READ],
            expires_at=None,
            actor=personas.manager,
            now=timezone.now(),
        )
    assert caught.value.field == "role"
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "rhd_",
        "not a token",
        "rhd_00000000_" + "A" * 43,  # no such prefix
        "Bearer rhd_x",
    ],
)
def test_an_unknown_or_malformed_token_is_invalid(personas, text):
    issue(personas.front_desk)
    refused(TokenErrorCode.TOKEN_INVALID, text=text, scope=READ, now=timezone.now())


def test_a_known_prefix_with_the_wrong_secret_is_invalid(personas):
    issued = issue(personas.front_desk)
    forged = f"rhd_{issued.token.prefix}_" + "A" * 43
    refused(TokenErrorCode.TOKEN_INVALID, text=forged, scope=READ, now=timezone.now())


def test_a_revoked_token_is_invalid(personas):
    issued = issue(personas.front_desk)
    api_token_revoke(token=issued.token, actor=personas.front_desk, now=timezone.now())
    refused(TokenErrorCode.TOKEN_INVALID, text=issued.text, scope=READ, now=timezone.now())


def test_a_token_is_invalid_from_the_moment_it_expires(personas):
    now = timezone.now()
    issued = issue(personas.front_desk, expires_at=now + timedelta(days=30))
    just_before = now + timedelta(days=30) - timedelta(seconds=1)
    assert api_token_use(text=issued.text, scope=READ, now=just_before)
    at_expiry = now + timedelta(days=30)
    refused(TokenErrorCode.TOKEN_INVALID, text=issued.text, scope=READ, now=at_expiry)


def test_a_change_of_roles_or_a_deactivated_account_ends_its_tokens(personas):
    issued = issue(personas.front_desk)
    user_set_roles(user=personas.front_desk, roles=[Role.FRONT_DESK, Role.MANAGER])
    refused(TokenErrorCode.TOKEN_INVALID, text=issued.text, scope=READ, now=timezone.now())

    other = issue(personas.physio.user)
    personas.physio.user.is_active = False
    personas.physio.user.save(update_fields=["is_active"])
    refused(TokenErrorCode.TOKEN_INVALID, text=other.text, scope=READ, now=timezone.now())


def test_a_token_without_the_scope_is_refused_with_its_own_code(personas):
    issued = issue(personas.front_desk, READ)
    error = refused(TokenErrorCode.SCOPE_MISSING, text=issued.text, scope=WRITE, now=timezone.now())
    assert "booking:write" in error.message


def test_last_used_moves_at_most_once_a_minute(personas):
    now = timezone.now()
    issued = issue(personas.front_desk, now=now)
    assert issued.token.last_used_at is None
    for seconds in (0, 20, 59):
        api_token_use(text=issued.text, scope=READ, now=now + timedelta(seconds=seconds))
        issued.token.refresh_from_db()
        assert issued.token.last_used_at == now
    api_token_use(text=issued.text, scope=READ, now=now + timedelta(seconds=61))
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == now + timedelta(seconds=61)


@override_settings(API_TOKEN_CALLS_PER_MINUTE=3)
def test_a_token_makes_so_many_calls_a_minute_then_waits(personas):
    minute = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=1)
    issued = issue(personas.front_desk, now=minute - timedelta(minutes=1))
    for second in (0, 10, 20):
        api_token_use(text=issued.text, scope=READ, now=minute + timedelta(seconds=second))
    error = refused(
        TokenErrorCode.RATE_LIMITED,
        text=issued.text,
        scope=READ,
        now=minute + timedelta(seconds=45),
    )
    assert error.retry_after == 15
    # The next minute starts a new count; another token has its own.
    api_token_use(text=issued.text, scope=READ, now=minute + timedelta(minutes=1))
    other = issue(personas.front_desk)
    api_token_use(text=other.text, scope=READ, now=minute + timedelta(seconds=50))


@override_settings(API_TOKEN_CALLS_PER_MINUTE=2)
def test_calls_without_the_scope_count_too(personas):
    now = timezone.now()
    issued = issue(personas.front_desk, READ, now=now)
    for _ in range(2):
        refused(TokenErrorCode.SCOPE_MISSING, text=issued.text, scope=WRITE, now=now)
    refused(TokenErrorCode.RATE_LIMITED, text=issued.text, scope=READ, now=now)


def test_issuing_and_revoking_are_audited_without_the_secret(personas):
    issued = issue(personas.front_desk, READ, WRITE)
    api_token_revoke(token=issued.token, actor=personas.manager, now=timezone.now())
    events = list(
        AuditEvent.objects.filter(object_type=OBJECT_TYPE, object_id=str(issued.token.pk))
        .order_by("pk")
        .values_list("actor", "action", "summary")
    )
    assert events == [
        (
            personas.front_desk.pk,
            "create",
            "API token issued (personal, schedule:read booking:write)",
        ),
        (personas.manager.pk, "change", "API token revoked (personal)"),
    ]
    secret = issued.text.rsplit("_", 1)[-1]
    assert not AuditEvent.objects.filter(summary__contains=secret[:10]).exists()


def test_revoking_an_application_token_closes_its_account(personas):
    issued = api_token_create_application(
        name="Widget",
        role=Role.MANAGER,
        scopes=[READ],
        expires_at=None,
        actor=personas.manager,
        now=timezone.now(),
    )
    api_token_revoke(token=issued.token, actor=personas.manager, now=timezone.now())
    issued.token.user.refresh_from_db()
    assert not issued.token.user.is_active
    assert issued.token.revoked_by == personas.manager


def test_a_token_is_revoked_once(personas):
    issued = issue(personas.front_desk)
    api_token_revoke(token=issued.token, actor=personas.front_desk, now=timezone.now())
    with pytest.raises(TokenError) as caught:
        api_token_revoke(token=issued.token, actor=personas.manager, now=timezone.now())
    assert caught.value.code == TokenErrorCode.ALREADY_REVOKED
    assert AuditEvent.objects.filter(object_type=OBJECT_TYPE, action="change").count() == 1
