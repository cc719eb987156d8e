"""Staff's second factors: an authenticator app (TOTP), passkeys (WebAuthn) and
recovery codes, all django-otp devices; and the ends of sessions.

Every staff role signs in with a password and then one of these; patients with the
password alone. Recovery codes are ten single-use codes shown once, for the day a
phone is lost; only a keyed digest of each is kept (accounts/recovery_codes.py).
Wrong codes are throttled by django-otp: while a device waits, a code is not even
checked and the refusal says how long to wait (THROTTLED), not that it is wrong.
A manager's reset removes every factor of a colleague and ends their sessions: their
next sign-in starts at enrolment. Each change is audited as a CHANGE of
"accounts.second_factor" (sessions: "accounts.sessions"), the person as object.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from rehabdesk.accounts.models import SERVICE_ACCOUNT_DOMAIN, User
from rehabdesk.accounts.recovery_codes import recovery_code_digest, recovery_code_new
from rehabdesk.accounts.roles import Role, roles_of
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.security.errors import SecurityError, SecurityErrorCode

# Every role that sees the clinic's records signs in with a second factor.
STAFF_ROLES = frozenset({Role.MANAGER, Role.FRONT_DESK, Role.PRACTITIONER, Role.PRIVACY_OFFICER})
RECOVERY_CODES = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
_NOT_A_CODE_CHARACTER = re.compile(r"[\s-]")


@dataclass(frozen=True)
class Passkey:
    id: int
    name: str
    created_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class Factors:
    """What a person has enrolled: what the account page shows."""

    authenticator: bool
    passkeys: tuple[Passkey, ...]
    recovery_codes_left: int

    @property
    def any(self) -> bool:
        return self.authenticator or bool(self.passkeys)


def needs_second_factor(user: User) -> bool:
    """Staff (any role that reaches patients' records) and anyone in the admin."""
    return user.is_staff or user.is_superuser or bool(roles_of(user.pk) & STAFF_ROLES)


def factors_of(user: User) -> Factors:
    return Factors(
        authenticator=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        passkeys=tuple(
            Passkey(c.pk, c.name, c.created_at, c.last_used_at)
            for c in WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk")
        ),
        recovery_codes_left=StaticToken.objects.filter(
            device__user=user, device__confirmed=True
        ).count(),
    )


def has_factor(user: User) -> bool:
    """An authenticator app or a passkey (recovery codes alone are no enrolment)."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def _audit(*, actor: User, user: User, summary: str, now: datetime, what: str) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        object_type=f"accounts.{what}",
        object_id=user.pk,
        summary=summary,
        now=now,
    )


def totp_begin(*, user: User) -> TOTPDevice:
    """A new authenticator-app secret, not yet in use: it is confirmed by a code from
    the app (totp_confirm). Any earlier unconfirmed one is dropped."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def totp_pending(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def totp_confirm(*, user: User, code: str, now: datetime) -> tuple[TOTPDevice, list[str]]:
    """The app's first code proves it holds the secret: the app replaces any earlier
    one. Returns the device and, the first time a factor is enrolled, the recovery
    codes to show once (an empty list when the person already has some)."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-pk")
            .first()
        )
        wait = _wait_seconds(device, now) if device is not None else 0
        accepted = device is not None and not wait and device.verify_token(_clean(code))
        codes: list[str] = []
        if device is not None and accepted:
            TOTPDevice.objects.filter(user=user, confirmed=True).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            if not StaticDevice.objects.filter(user=user, confirmed=True).exists():
                codes = _recovery_codes_replace(user)
            _audit(
                actor=user,
                user=user,
                summary="authenticator app enrolled",
                now=now,
                what="second_factor",
            )
    # Refused after the transaction, which keeps a wrong try's count (throttling).
    if device is None:
        raise SecurityError(
            SecurityErrorCode.NOT_STARTED,
            "Start again: scan the new code with your authenticator app.",
            field="code",
        )
    if wait:
        raise _throttled(wait)
    if not accepted:
        raise SecurityError(
            SecurityErrorCode.CODE_WRONG,
            "That code does not match. Type the six digits your app shows now.",
            field="code",
        )
    return device, codes


def passkey_registered(*, user: User, now: datetime) -> list[str]:
    """After a passkey is saved (by django-otp-webauthn's ceremony): its audit row, and
    the recovery codes to show once if this is the person's first factor."""
    with transaction.atomic():
        codes: list[str] = []
        if not StaticDevice.objects.filter(user=user, confirmed=True).exists():
            codes = _recovery_codes_replace(user)
        _audit(actor=user, user=user, summary="passkey added", now=now, what="second_factor")
    return codes


def passkey_remove(*, user: User, passkey_id: int, now: datetime) -> bool:
    with transaction.atomic():
        removed, _ = WebAuthnCredential.objects.filter(user=user, pk=passkey_id).delete()
        if removed:
            _audit(actor=user, user=user, summary="passkey removed", now=now, what="second_factor")
    return bool(removed)


def recovery_codes_issue(*, user: User, now: datetime) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    with transaction.atomic():
        codes = _recovery_codes_replace(user)
        _audit(
            actor=user, user=user, summary="recovery codes replaced", now=now, what="second_factor"
        )
    return codes


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [recovery_code_new() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_digest(_clean(code))) for code in codes
    )
    return codes


def _clean(code: str) -> str:
    return _NOT_A_CODE_CHARACTER.sub("", code or "").lower()[:32]


def _wait_seconds(device: Device, now: datetime) -> int:
    """How long django-otp's throttling still holds this device after wrong codes, in
    whole seconds from `now` (0: a code may be checked). django-otp decides whether it
    holds (verify_is_allowed, the check its verify_token makes); `now` only says for
    how long more, rounded up and never less than a second while it holds."""
    allowed, state = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (state or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, math.ceil((locked_until - now).total_seconds()))


def _throttled(seconds: int) -> SecurityError:
    if seconds <= 90:
        wait = f"{seconds} second{'s' if seconds != 1 else ''}"
    else:
        minutes = math.ceil(seconds / 60)
        wait = f"{minutes} minutes"
    return SecurityError(
        SecurityErrorCode.THROTTLED,
        f"Too many wrong codes. Try again in {wait}.",
        field="code",
    )


def factor_verify(*, user: User, code: str, now: datetime) -> Device:
    """The device that accepts this code: six digits from the authenticator app, or a
    recovery code (used up; looked up by its digest). Wrong codes count towards
    django-otp's throttling, which makes each next try wait longer; a code typed while
    the device waits is refused as THROTTLED, unchecked and uncounted."""
    token = _clean(code)
    matched: Device | None = None
    waits: list[int] = []
    # The transaction commits a wrong try's count too (django-otp's throttling): the
    # refusal is raised after it, never inside it.
    with transaction.atomic():
        devices: list[Device] = []
        if token.isdigit():
            devices.extend(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
        else:
            devices.extend(
                StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
            )
            token = recovery_code_digest(token)
        for device in devices:
            if wait := _wait_seconds(device, now):
                waits.append(wait)
            elif device.verify_token(token):
                matched = device
                break
        if isinstance(matched, StaticDevice):
            _audit(
                actor=user, user=user, summary="recovery code used", now=now, what="second_factor"
            )
    if matched is None and waits:
        raise _throttled(min(waits))
    if matched is None:
        raise SecurityError(
            SecurityErrorCode.CODE_WRONG,
            "That code does not match. Type the six digits your app shows now, "
            "or one of your recovery codes.",
            field="code",
        )
    return matched


def factor_reset(*, actor: User, user: User, now: datetime) -> None:
    """A manager removes every second factor of a colleague (a lost phone) and ends
    their sessions: the colleague's next sign-in, by password, leads to enrolment."""
    if actor.pk == user.pk:
        raise SecurityError(
            SecurityErrorCode.OWN_FACTOR,
            "Change your own factors on your account's security page.",
        )
    if not needs_second_factor(user):
        raise SecurityError(SecurityErrorCode.NOT_STAFF, "Only staff accounts have factors.")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        WebAuthnCredential.objects.filter(user=user).delete()
        _end_sessions(user)
        _audit(
            actor=actor,
            user=user,
            summary="second factors reset by a manager",
            now=now,
            what="second_factor",
        )


def sessions_end_everywhere(*, user: User, now: datetime) -> None:
    """Every session of this person ends at its next request, this one included."""
    with transaction.atomic():
        _end_sessions(user)
        _audit(actor=user, user=user, summary="signed out everywhere", now=now, what="sessions")


def _end_sessions(user: User) -> None:
    user.session_generation += 1
    User.objects.filter(pk=user.pk).update(session_generation=user.session_generation)


def totp_set_known_secret(*, user: User, secret_hex: str) -> TOTPDevice:
    """The demo's (and the tests') one published secret for a staff account, so the
    README can tell anyone how to sign in. Never called outside the demo loader and the
    test suite's sign-in helper."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        return TOTPDevice.objects.create(
            user=user, name=AUTHENTICATOR_NAME, key=secret_hex, confirmed=True
        )


def staff_member(*, user_id: int) -> User | None:
    """An active staff account by id (None: no such colleague; an integration's
    service account is nobody's colleague)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.is_service_account:
        return None
    return user if needs_second_factor(user) else None


def staff_with_factors() -> list[tuple[User, Factors]]:
    """Every active staff account with what it has enrolled: the manager's page. Not
    the integrations' service accounts (signed in by their API token alone)."""
    staff = (
        User.objects.filter(is_active=True, groups__name__in=[r.value for r in STAFF_ROLES])
        .exclude(email__endswith="@" + SERVICE_ACCOUNT_DOMAIN)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )
    totp = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    passkeys: dict[int, int] = {}
    for user_id in WebAuthnCredential.objects.filter(confirmed=True).values_list(
        "user_id", flat=True
    ):
        passkeys[user_id] = passkeys.get(user_id, 0) + 1
    return [
        (
            user,
            Factors(
                authenticator=user.pk in totp,
                passkeys=tuple(Passkey(0, "", None, None) for _ in range(passkeys.get(user.pk, 0))),
                recovery_codes_left=0,
            ),
        )
        for user in staff
    ]
