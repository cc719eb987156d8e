"""Recording the audit trail: the one way anything writes an audit event.

Services call `audit_record` when they show or change personal health information;
views call it for pages that show it (a schedule, a search). Rows are never changed
afterwards: there is no update or delete service, and the database refuses both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from rehabdesk.audit import chain, triggers
from rehabdesk.audit.choices import AuditAction, AuditOutcome
from rehabdesk.audit.context import current_context
from rehabdesk.audit.models import AuditEvent, AuditEventPatient

# "<app label>.<thing>", e.g. "patients.patient" or "web.patient_search".
_OBJECT_TYPE = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: AuditAction,
    object_type: str,
    object_id: str | int = "",
    patient_ids: Iterable[int] = (),
    summary: str = "",
    location_id: int | None = None,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    now: datetime | None = None,
) -> AuditEvent:
    """Put on file that `actor` did `action` to `object_type` #`object_id`, concerning
    these patients: one INSERT for the event, one for its patient links.

    The request id and client address come from the request context (see context.py).
    `summary` names the kind of information ("patient record"), never its content.

    The event is written in the caller's transaction, on purpose: an audited change
    that rolls back takes its audit row with it, so the trail never claims a change
    that did not happen. The same reason means a refused attempt must NOT be recorded
    inside the transaction that failed, or the rollback erases it: the edge (the
    access middleware, a view's error handler) records denials with
    `audit_record_denied` after that transaction has ended.

    A malformed call is a programming error and raises ValueError.
    """
    object_id = str(object_id)
    if not _OBJECT_TYPE.fullmatch(object_type) or len(object_type) > 60:
        raise ValueError(f'object_type must read "app_label.thing" (≤ 60), not {object_type!r}')
    if len(object_id) > 64:
        raise ValueError("object_id is longer than 64 characters")
    if len(summary) > 200:
        raise ValueError("summary is longer than 200 characters")
    if now is None:
        now = timezone.now()
    elif timezone.is_naive(now):
        raise ValueError("now must be an aware datetime")
    patients = sorted({_patient_id(p) for p in patient_ids})
    context = current_context()
    if context.via:
        # A call with an API token says so on every event it causes (the user is the
        # token's person); the summary is shortened, never the note.
        note = f" (via {context.via})"
        summary = summary[: 200 - len(note)] + note
    user: AbstractBaseUser | None = None
    email = ""
    if isinstance(actor, AbstractBaseUser) and actor.is_authenticated:
        user, email = actor, getattr(actor, actor.get_email_field_name(), "") or ""
    event = AuditEvent(
        occurred_at=now,
        # Typed as AbstractBaseUser: audit may not import accounts for its User.
        actor=cast(Any, user),
        actor_email=email,
        action=AuditAction(action),
        outcome=AuditOutcome(outcome),
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        location_id=location_id,
        request_id=context.request_id,
        ip_address=context.ip_address,
    )
    # The database chains the event to the one before it as the row goes in (no
    # query more); the chain is held until the transaction ends (triggers.CHAIN).
    event.content_hash = chain.content([getattr(event, f) for f in chain.FIELDS], patients)
    link_sql, link_params = triggers.CHAIN.link_sql(event.content_hash)
    event.chain_hash = cast(Any, RawSQL(link_sql, link_params))  # noqa: S611  # nosec B611 - constants; the hash is a parameter
    # Joins the caller's transaction (no savepoint); outside one, keeps the event and
    # its links together.
    with transaction.atomic(savepoint=False):
        event.save(force_insert=True)
        # Read from the database when asked for (a deferred field).
        del event.chain_hash
        if patients:
            AuditEventPatient.objects.bulk_create(
                AuditEventPatient(event=event, patient_id=patient_id) for patient_id in patients
            )
    return event


def audit_record_denied(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    object_type: str,
    object_id: str | int = "",
    patient_ids: Iterable[int] = (),
    summary: str = "",
    location_id: int | None = None,
    outcome: AuditOutcome = AuditOutcome.DENIED,
    now: datetime | None = None,
) -> AuditEvent:
    """Put a refused attempt on file (a DENY event). Call it after the refused
    request's transaction has ended, so the rollback does not take it along."""
    return audit_record(
        actor=actor,
        action=AuditAction.DENY,
        object_type=object_type,
        object_id=object_id,
        patient_ids=patient_ids,
        summary=summary,
        location_id=location_id,
        outcome=outcome,
        now=now,
    )


def _patient_id(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"patient ids are whole numbers, not {value!r}")
    return value
