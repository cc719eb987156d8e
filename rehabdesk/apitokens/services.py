"""Writes to API tokens: issuing one (personal or for an application), revoking it, and
using it — the one place a token is checked, counted against its rate limit and
matched against the scope a route needs (docs/api.md).

A token is `rhd_<prefix>_<secret>`: 8 hex characters kept in clear to recognise it,
and 32 random bytes (URL-safe base64) of which only the SHA-256 is kept. Issuing and
revoking are audited (CREATE / CHANGE of "apitokens.apitoken", no patient concerned).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, DateTimeField, F, PositiveIntegerField, Q, Value, When

from rehabdesk.accounts.models import User, service_account_email
from rehabdesk.accounts.roles import STAFF_ROLES, Role, roles_of
from rehabdesk.accounts.services import user_create
from rehabdesk.apitokens.choices import Scope, TokenKind
from rehabdesk.apitokens.errors import TokenError, TokenErrorCode
from rehabdesk.apitokens.models import ApiToken
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.core.secrets import secret_digest, secret_urlsafe, secrets_equal

OBJECT_TYPE = "apitokens.apitoken"
_TOKEN = re.compile(r"rhd_(?P<prefix>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{43})")
# The roles an application's service account may be given: the front desk's (bookings
# and demographics of every patient, no clinical record) or a manager's. Practitioners
# act through their own personal tokens: a practitioner's care is theirs.
APPLICATION_ROLES = (Role.FRONT_DESK, Role.MANAGER)
NAME_LENGTH = 100
# last_used_at moves at most this often.
LAST_USED_EVERY = timedelta(minutes=1)
SECRET_BYTES = 32  # 43 URL-safe characters, as _TOKEN expects
INVALID = "This API token is not valid: unknown, revoked or expired. Use a current token."


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    # The whole token, to show once: it is never kept, and cannot be shown again.
    text: str


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > NAME_LENGTH or "\x00" in name:
        raise TokenError(
            TokenErrorCode.INVALID,
            f"Name the token (at most {NAME_LENGTH} characters).",
            field="name",
        )
    return name


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = set(scopes)
    if not chosen or not chosen <= set(Scope.values):
        raise TokenError(TokenErrorCode.INVALID, "Choose at least one scope.", field="scopes")
    return [scope for scope in Scope.values if scope in chosen]


def _clean_expiry(expires_at: datetime | None, now: datetime) -> datetime | None:
    if expires_at is not None and expires_at <= now:
        raise TokenError(
            TokenErrorCode.INVALID, "A token must expire in the future.", field="expires_at"
        )
    return expires_at


def _issue(
    *,
    kind: TokenKind,
    name: str,
    user: User,
    role: str,
    scopes: list[str],
    expires_at: datetime | None,
    actor: User,
    now: datetime,
    prefix: str,
) -> IssuedToken:
    secret = secret_urlsafe(SECRET_BYTES)
    token = ApiToken.objects.create(
        kind=kind,
        name=name,
        user=user,
        role=role,
        scopes=scopes,
        prefix=prefix,
        secret_hash=secret_digest(secret),
        user_generation=user.session_generation,
        created_by=actor,
        created_at=now,
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=OBJECT_TYPE,
        object_id=token.pk,
        summary=f"API token issued ({kind}, {' '.join(scopes)})",
        now=now,
    )
    return IssuedToken(token=token, text=f"rhd_{prefix}_{secret}")


def _new_prefix() -> str:
    """A prefix no token has (32 random bits: a clash is rare, and retried)."""
    for _ in range(5):
        prefix = secrets.token_hex(4)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return prefix
    raise RuntimeError("no free API token prefix after 5 tries")  # pragma: no cover


def api_token_create_personal(
    *,
    user: User,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime | None,
    now: datetime,
) -> IssuedToken:
    """A member of staff's own token, acting as them. Patients have none: the portal is
    theirs. The page that calls this asks for a recent sign-in first."""
    name, chosen = _clean_name(name), _clean_scopes(scopes)
    expires_at = _clean_expiry(expires_at, now)
    if not roles_of(user.pk) & STAFF_ROLES:
        raise TokenError(TokenErrorCode.NOT_STAFF, "Only staff have personal API tokens.")
    try:
        with transaction.atomic():
            return _issue(
                kind=TokenKind.PERSONAL,
                name=name,
                user=user,
                role="",
                scopes=chosen,
                expires_at=expires_at,
                actor=user,
                now=now,
                prefix=_new_prefix(),
            )
    except IntegrityError:  # pragma: no cover - the same prefix drawn twice at once
        raise TokenError(TokenErrorCode.INVALID, "Please try again.") from None


def api_token_create_application(
    *,
    name: str,
    role: str,
    scopes: Iterable[str],
    expires_at: datetime | None,
    actor: User,
    now: datetime,
) -> IssuedToken:
    """An integration's token, acting as a service account made for it with `role`
    (one of APPLICATION_ROLES). The account has no password: only the token signs it
    in, and revoking the token deactivates it."""
    name, chosen = _clean_name(name), _clean_scopes(scopes)
    expires_at = _clean_expiry(expires_at, now)
    if role not in {r.value for r in APPLICATION_ROLES}:
        raise TokenError(TokenErrorCode.INVALID, "Choose the application's role.", field="role")
    prefix = _new_prefix()
    try:
        with transaction.atomic():
            service_account = user_create(
                email=service_account_email(prefix),
                password=None,
                first_name=name[:150],
                last_name="(API application)",
                roles=[Role(role)],
            )
            return _issue(
                kind=TokenKind.APPLICATION,
                name=name,
                user=service_account,
                role=role,
                scopes=chosen,
                expires_at=expires_at,
                actor=actor,
                now=now,
                prefix=prefix,
            )
    except IntegrityError:  # pragma: no cover - the same prefix drawn twice at once
        raise TokenError(TokenErrorCode.INVALID, "Please try again.") from None


def api_token_revoke(*, token: ApiToken, actor: User, now: datetime) -> ApiToken:
    """Revoke for good; an application's service account is deactivated with it. Whether
    `actor` may revoke this token is the page's to decide (its selector)."""
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=actor
        )
        if not revoked:
            raise TokenError(TokenErrorCode.ALREADY_REVOKED, "This token was revoked already.")
        if token.kind == TokenKind.APPLICATION:
            User.objects.filter(pk=token.user_id).update(is_active=False)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=OBJECT_TYPE,
            object_id=token.pk,
            summary=f"API token revoked ({token.kind})",
            now=now,
        )
    token.refresh_from_db()
    return token


def api_token_use(*, text: str, scope: str, now: datetime) -> ApiToken:
    """The token a request presents, checked: known, its secret right, neither revoked
    nor expired, its person still active and on the same session number; counted
    against the rate limit (429 `rate_limited`); then holding `scope` (403
    `token_scope_missing`). Every refusal of the token itself is one answer (401
    `token_invalid`)."""
    match = _TOKEN.fullmatch(text.strip())
    secret_hash = secret_digest(match["secret"] if match else text)
    token = (
        ApiToken.objects.select_related("user").filter(prefix=match["prefix"]).first()
        if match
        else None
    )
    if token is None or not secrets_equal(token.secret_hash, secret_hash):
        raise TokenError(TokenErrorCode.TOKEN_INVALID, INVALID)
    user = token.user
    if (
        token.revoked_at is not None
        or (token.expires_at is not None and token.expires_at <= now)
        or not user.is_active
        or user.session_generation != token.user_generation
    ):
        raise TokenError(TokenErrorCode.TOKEN_INVALID, INVALID)
    _count(token, now)
    if scope not in token.scopes:
        raise TokenError(
            TokenErrorCode.SCOPE_MISSING,
            f"This token does not have the {scope} scope this request needs.",
        )
    return token


def _count(token: ApiToken, now: datetime) -> None:
    """One call against the token's minute, in ONE conditional UPDATE that also moves
    last_used_at when it is a minute old: two racing calls cannot both take the last
    place (the row is locked by the first), and using a token costs one write."""
    limit = settings.API_TOKEN_CALLS_PER_MINUTE
    window = now.astimezone(UTC).replace(second=0, microsecond=0)
    counted = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(~Q(window_start=window) | Q(window_calls__lt=limit))
        .update(
            window_calls=Case(
                When(window_start=window, then=F("window_calls") + 1),
                default=Value(1),
                output_field=PositiveIntegerField(),
            ),
            window_start=window,
            last_used_at=Case(
                When(last_used_at__gt=now - LAST_USED_EVERY, then=F("last_used_at")),
                default=Value(now),
                output_field=DateTimeField(),
            ),
        )
    )
    if not counted:
        raise TokenError(
            TokenErrorCode.RATE_LIMITED,
            f"This token made {limit} calls this minute: wait a moment and try again.",
            retry_after=max(1, int((window + timedelta(minutes=1) - now).total_seconds())),
        )
