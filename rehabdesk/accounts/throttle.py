"""Sign-in throttling, on django-axes: the hooks settings.py names, and who is locked
out now.

Axes counts failed password checks twice, apart: per account and per client address
(AXES_LOCKOUT_PARAMETERS). Either count reaching AXES_FAILURE_LIMIT, with each failure
at most AXES_COOLOFF_TIME before the latest, refuses every further check of that
account or from that address, the right password included, until the cool-off has
passed since the latest failure or a manager unlocks it (services.sign_in_unlock).

It works at the authentication level (SignInThrottleBackend, first in
AUTHENTICATION_BACKENDS), so any form that checks a password with
`authenticate(request, ...)` is covered, whatever the page: the sign-in page, the
admin's, a two-step sign-in's password step, one's own password change.

What axes keeps: for an account, its number ("user:42"); for an address typed that is
no account's, a keyed hash of it. The tables never hold a typed e-mail address, which
may be a patient's, and the hash cannot be turned back into one without the site key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from rehabdesk.accounts.models import User, normalize_email
from rehabdesk.audit.middleware import client_ip

ACCOUNT_PREFIX = "user:"
UNKNOWN_PREFIX = "unknown:"


class SignInThrottleBackend(AxesStandaloneBackend):
    """Axes' gate before Django's ModelBackend. A check made without a request (a
    management command, `authenticate()` in a shell) is no sign-in from anywhere: it
    passes untouched, so every HTTP form must pass its request, as Django's own do."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request: HttpRequest) -> str | None:
    """The address failures are counted under: the audit trail's, REMOTE_ADDR."""
    return client_ip(request)


def account_key(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """What axes counts an account's failures under: "user:<id>" for an account, a
    keyed hash for an address on no account, None when no address was typed."""
    if credentials:
        typed = credentials.get("username") or credentials.get("email")
    else:
        typed = request.POST.get("username")
    if not typed or not isinstance(typed, str):
        return None
    return key_for_email(typed)


def key_for_email(typed: str) -> str:
    email = normalize_email(typed)
    user_id = User.objects.filter(email=email).values_list("pk", flat=True).first()
    if user_id is not None:
        return f"{ACCOUNT_PREFIX}{user_id}"
    digest = salted_hmac("rehabdesk.accounts.throttle", email).hexdigest()[:40]
    return f"{UNKNOWN_PREFIX}{digest}"


def account_id_of(key: str) -> int | None:
    """The account a key counts, or None for an address on no account."""
    if key.startswith(ACCOUNT_PREFIX) and key[len(ACCOUNT_PREFIX) :].isdigit():
        return int(key[len(ACCOUNT_PREFIX) :])
    return None


def cool_off() -> timedelta:
    value = settings.AXES_COOLOFF_TIME
    if not isinstance(value, timedelta):
        raise TypeError("AXES_COOLOFF_TIME must be a timedelta")
    return value


def failure_limit() -> int:
    return int(settings.AXES_FAILURE_LIMIT)


@dataclass(frozen=True)
class SignInLock:
    """One count that has reached the limit: an account's, or an address's."""

    kind: Literal["account", "address"]
    key: str  # the account key, or the client address
    user: User | None  # the account, when the key is one's
    failures: int
    last_failure: datetime
    unlocks_at: datetime


def sign_in_locks(*, now: datetime) -> list[SignInLock]:
    """Every account and address locked out at `now`, latest failure first: two
    grouped queries over axes' counts and one for the accounts named."""
    since = now - cool_off()
    live = AccessAttempt.objects.filter(attempt_time__gte=since)
    limit = failure_limit()
    accounts = (
        live.exclude(username__isnull=True)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=limit)
    )
    addresses = (
        live.exclude(ip_address__isnull=True)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=limit)
    )
    account_rows = list(accounts)
    ids = [i for row in account_rows if (i := account_id_of(row["username"])) is not None]
    users = User.objects.in_bulk(ids)
    locks = [
        SignInLock(
            kind="account",
            key=row["username"],
            user=users.get(account_id_of(row["username"]) or 0),
            failures=row["failures"],
            last_failure=row["last"],
            unlocks_at=row["last"] + cool_off(),
        )
        for row in account_rows
    ]
    locks += [
        SignInLock(
            kind="address",
            key=row["ip_address"],
            user=None,
            failures=row["failures"],
            last_failure=row["last"],
            unlocks_at=row["last"] + cool_off(),
        )
        for row in addresses
    ]
    return sorted(locks, key=lambda lock: lock.last_failure, reverse=True)
