"""Sign-ins on the audit trail: each success, each failure and each lockout, with the
client address (the request's audit context).

- success: SIGN_IN by the account, when a sign-in form was sent (a POST). A session
  made without one (`force_login` in tests, Django's own machinery) is no sign-in.
- failure: SIGN_IN with outcome DENIED. The account is named (actor and object) when
  the address typed is one; otherwise nothing identifying is stored: an address typed
  at a clinic's sign-in may be a patient's, and a mistyped one is nobody's.
- lockout: DENY of the account (or of "an address not on file"), the first time a
  count reaches the limit; the tries refused while it lasts are failures as above.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from rehabdesk.accounts.models import User, normalize_email
from rehabdesk.accounts.throttle import account_id_of, failure_limit
from rehabdesk.audit.choices import AuditAction, AuditOutcome
from rehabdesk.audit.services import audit_record

ACCOUNT = "accounts.user"
UNKNOWN = "accounts.sign_in_unknown"


@receiver(user_logged_in, dispatch_uid="rehabdesk.accounts.sign_in_success")
def sign_in_succeeded(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None or request.method != "POST":
        return
    audit_record(
        actor=user,
        action=AuditAction.SIGN_IN,
        object_type=ACCOUNT,
        object_id=user.pk,
        summary="signed in",
        now=timezone.now(),
    )


@receiver(user_login_failed, dispatch_uid="rehabdesk.accounts.sign_in_failure")
def sign_in_failed(
    sender: Any,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    if request is None:
        return
    typed = credentials.get("username") or credentials.get("email") or ""
    user = (
        User.objects.filter(email=normalize_email(typed)).first()
        if isinstance(typed, str) and typed
        else None
    )
    audit_record(
        actor=user,
        action=AuditAction.SIGN_IN,
        object_type=ACCOUNT if user else UNKNOWN,
        object_id=user.pk if user else "",
        summary="sign-in refused" if user else "sign-in refused: address not on file",
        outcome=AuditOutcome.DENIED,
        now=timezone.now(),
    )


def sign_in_locked_out(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    """axes' user_locked_out: put the first refusal of a lockout on file."""
    if getattr(request, "axes_failures_since_start", None) != failure_limit():
        return
    account_id = account_id_of(username or "")
    user = User.objects.filter(pk=account_id).first() if account_id is not None else None
    audit_record(
        actor=user,
        action=AuditAction.DENY,
        object_type=ACCOUNT if user else UNKNOWN,
        object_id=user.pk if user else "",
        summary="sign-in locked: too many failures for this account or from this address",
        outcome=AuditOutcome.DENIED,
        now=timezone.now(),
    )
