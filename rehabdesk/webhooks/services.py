"""Registering webhook endpoints, fanning events out to them through the outbox, and
what a delivery's outcome does to its endpoint (docs/webhooks.md).

An event (core/events.py) becomes one outbox row per active endpoint that asked for it,
on the webhook channel, written in the transaction that made the event happen; the
outbox's workers send it (transport.py) with its leases, retries and backoff. After
settings.WEBHOOKS_DISABLE_AFTER failed tries in a row an endpoint is turned off and
every manager is e-mailed; a manager turns it back on. A manager may replace an
endpoint's signing secret; the one replaced signs beside it for ROTATION_GRACE.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F

from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.core.events import DomainEvent, iso
from rehabdesk.core.secrets import secret_base64
from rehabdesk.notifications.choices import MessageChannel, MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.services import message_enqueue
from rehabdesk.webhooks.addresses import target_check
from rehabdesk.webhooks.choices import TEST_EVENT, WebhookErrorCode, WebhookEvent
from rehabdesk.webhooks.errors import WebhookError
from rehabdesk.webhooks.models import ERROR_MAX_LENGTH, WebhookDelivery, WebhookEndpoint

OBJECT_TYPE = "webhooks.endpoint"
SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)
KIND = "webhook"
SECRET_BYTES = 32
# After a manager replaces an endpoint's secret, deliveries are signed with the old one
# too for this long: time to put the new one into the receiving system, during which a
# receiver holding either secret accepts every delivery (docs/webhooks.md).
ROTATION_GRACE = timedelta(hours=24)
# A clinic without webhooks should not pay a query per booking to learn it has none.
# Each process remembers for this many seconds that no endpoint was on (monotonic
# clock): a change made here forgets it at once, one made by another process is seen
# when it lapses — an event in those few seconds goes to no endpoint.
NO_ENDPOINTS_KEPT_FOR = 5.0
_no_endpoints_until = 0.0
_clock: Callable[[], float] = time.monotonic  # stopped for tests (testing.py)


def secret_new() -> str:
    """A Standard Webhooks secret: whsec_ and 32 random bytes in base64."""
    return SECRET_PREFIX + secret_base64(SECRET_BYTES)


def message_id_new() -> str:
    """A webhook-id: msg_ and 24 random characters; the same on every try."""
    return "msg_" + secrets.token_hex(12)


@dataclass(frozen=True)
class CreatedEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # shown to the manager once, on the answer to the form


def endpoint_create(
    *, url: str, description: str, event_types: list[str], actor: User, now: datetime
) -> CreatedEndpoint:
    """Register an endpoint, after checking where its URL leads (addresses.py)."""
    url = url.strip()
    target_check(url)
    event_types = _events_checked(event_types)
    secret = secret_new()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            url=url,
            description=description.strip()[:200],
            event_types=event_types,
            secret=secret,
            created_by=actor,
            created_at=now,
        )
        _endpoints_changed()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=OBJECT_TYPE,
            object_id=endpoint.pk,
            summary=f"webhook endpoint added ({' '.join(event_types)})",
            now=now,
        )
    return CreatedEndpoint(endpoint=endpoint, secret=secret)


def endpoint_enable(*, endpoint: WebhookEndpoint, actor: User, now: datetime) -> WebhookEndpoint:
    """Turn a disabled endpoint back on, its failures forgotten. Its URL is checked
    again: what it resolves to may have changed."""
    target_check(endpoint.url)
    return _switch(endpoint, active=True, actor=actor, now=now)


def endpoint_disable(*, endpoint: WebhookEndpoint, actor: User, now: datetime) -> WebhookEndpoint:
    """A manager turns an endpoint off; what is queued for it fails at its next try."""
    return _switch(endpoint, active=False, actor=actor, now=now)


def _switch(
    endpoint: WebhookEndpoint, *, active: bool, actor: User, now: datetime
) -> WebhookEndpoint:
    """Turn an endpoint on or off in one conditional UPDATE, so of two clicks (or two
    managers) at once one is refused: WebhookError `not_disabled` / `disabled`."""
    if active:
        changes: dict[str, object] = {
            "active": True,
            "disabled_at": None,
            "consecutive_failures": 0,
        }
        code, message = WebhookErrorCode.NOT_DISABLED, "This endpoint is already on."
        summary = "webhook endpoint turned back on"
    else:
        changes = {"active": False, "disabled_at": now}
        code, message = WebhookErrorCode.DISABLED, "This endpoint is already off."
        summary = "webhook endpoint turned off"
    with transaction.atomic():
        if not WebhookEndpoint.objects.filter(pk=endpoint.pk, active=not active).update(**changes):
            raise WebhookError(code, message)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=OBJECT_TYPE,
            object_id=endpoint.pk,
            summary=summary,
            now=now,
        )
        _endpoints_changed()
    endpoint.refresh_from_db()
    return endpoint


@dataclass(frozen=True)
class RotatedSecret:
    endpoint: WebhookEndpoint
    secret: str  # shown to the manager once, on the answer to the button


def endpoint_secret_rotate(
    *, endpoint: WebhookEndpoint, actor: User, now: datetime
) -> RotatedSecret:
    """Give an endpoint a new signing secret. The one it replaces signs beside it until
    now + ROTATION_GRACE; rotating again within that time keeps only the secret just
    replaced (the one before it stops at once). One UPDATE, which reads the secret it
    moves aside in the same statement: two rotations at once cannot lose one."""
    secret = secret_new()
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            previous_secret=F("secret"),
            previous_secret_until=now + ROTATION_GRACE,
            secret=secret,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=OBJECT_TYPE,
            object_id=endpoint.pk,
            summary="webhook endpoint signing secret replaced",
            now=now,
        )
    endpoint.refresh_from_db()
    return RotatedSecret(endpoint=endpoint, secret=secret)


def signing_secrets(endpoint: WebhookEndpoint, *, now: datetime) -> list[str]:
    """The secrets a delivery at `now` is signed with: the endpoint's, then the one it
    replaced while that one's grace lasts."""
    until = endpoint.previous_secret_until
    if endpoint.previous_secret and until is not None and now < until:
        return [endpoint.secret, endpoint.previous_secret]
    return [endpoint.secret]


def previous_secrets_forget(*, now: datetime) -> int:
    """Erase each replaced secret whose grace has ended: it signs nothing after its end,
    so it is not kept (a chore of `manage.py run_scheduler`, apps.py). One UPDATE;
    returns how many endpoints it cleared."""
    return WebhookEndpoint.objects.filter(previous_secret_until__lte=now).update(
        previous_secret="", previous_secret_until=None
    )


def endpoint_send_test(*, endpoint: WebhookEndpoint, actor: User, now: datetime) -> str:
    """Queue a `webhook.test` event to this endpoint alone; its message id."""
    if not endpoint.active:
        raise WebhookError(WebhookErrorCode.DISABLED, "Turn the endpoint on first.")
    event = DomainEvent(type=TEST_EVENT, occurred_at=now, data={"endpoint_id": endpoint.pk})
    with transaction.atomic():
        message_id = message_id_new()
        OutboxMessage.objects.bulk_create([_outbox_row(endpoint, event, message_id, now)])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=OBJECT_TYPE,
            object_id=endpoint.pk,
            summary="webhook test event sent",
            now=now,
        )
    return message_id


def event_fan_out(event: DomainEvent) -> int:
    """The listener (apps.py): one outbox row per active endpoint that asked for this
    event, in the caller's transaction. How many."""
    global _no_endpoints_until
    if event.type not in WebhookEvent.values or _clock() < _no_endpoints_until:
        return 0
    active = list(WebhookEndpoint.objects.filter(active=True).only("pk", "event_types"))
    if not active:
        _no_endpoints_until = _clock() + NO_ENDPOINTS_KEPT_FOR
        return 0
    endpoints = [endpoint for endpoint in active if event.type in endpoint.event_types]
    if not endpoints:
        return 0
    message_id = message_id_new()
    rows = [_outbox_row(e, event, message_id, event.occurred_at) for e in endpoints]
    OutboxMessage.objects.bulk_create(rows)
    return len(rows)


def _endpoints_changed() -> None:
    """Forget that no endpoint was on: now, and again when the change commits (a
    booking in another thread may have looked, and remembered, in between)."""
    _forget_no_endpoints()
    transaction.on_commit(_forget_no_endpoints)


def _forget_no_endpoints() -> None:
    global _no_endpoints_until
    _no_endpoints_until = 0.0


def payload_of(event: DomainEvent) -> str:
    """The body: {type, timestamp, data}, data holding ids and times only."""
    return json.dumps(
        {"type": event.type, "timestamp": iso(event.occurred_at), "data": dict(event.data)},
        separators=(",", ":"),
        sort_keys=True,
    )


def _outbox_row(
    endpoint: WebhookEndpoint, event: DomainEvent, message_id: str, now: datetime
) -> OutboxMessage:
    return OutboxMessage(
        channel=MessageChannel.WEBHOOK,
        kind=KIND,
        recipient=str(endpoint.pk),
        subject=event.type,
        body_text=payload_of(event),
        related_type=OBJECT_TYPE,
        related_id=str(endpoint.pk),
        # The webhook-id travels here: the same on every try (message_id_of).
        dedupe_key=f"webhook:{message_id}:{endpoint.pk}",
        status=MessageStatus.PENDING,
        available_at=now,
        created_at=now,
    )


def message_id_of(message: OutboxMessage) -> str:
    """The webhook-id of an outbox row written by _outbox_row."""
    return message.dedupe_key.split(":")[1]


def delivery_log(
    *,
    endpoint: WebhookEndpoint,
    message: OutboxMessage,
    status_code: int | None,
    error: str,
    duration_ms: int,
    now: datetime,
) -> WebhookDelivery:
    """Put one try on the log; a success forgets the endpoint's failures, a failure
    counts one more and may turn the endpoint off (delivery_failed)."""
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id=message_id_of(message)[:40],
        event_type=message.subject[:40],
        attempt=message.attempts,
        status_code=status_code,
        error=error[:ERROR_MAX_LENGTH],
        duration_ms=max(0, duration_ms),
        at=now,
    )
    if delivery.succeeded:
        if endpoint.consecutive_failures:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
    else:
        delivery_failed(endpoint=endpoint, now=now)
    return delivery


def delivery_failed(*, endpoint: WebhookEndpoint, now: datetime) -> bool:
    """Count a failed try; at WEBHOOKS_DISABLE_AFTER in a row, turn the endpoint off and
    e-mail the managers, once (whether it did)."""
    limit = settings.WEBHOOKS_DISABLE_AFTER
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        turned_off = WebhookEndpoint.objects.filter(
            pk=endpoint.pk, active=True, consecutive_failures__gte=limit
        ).update(active=False, disabled_at=now)
        if turned_off:
            audit_record(
                actor=None,
                action=AuditAction.CHANGE,
                object_type=OBJECT_TYPE,
                object_id=endpoint.pk,
                summary=f"webhook endpoint turned off after {limit} failed tries",
                now=now,
            )
            _tell_managers(endpoint, limit, now)
    return bool(turned_off)


def _tell_managers(endpoint: WebhookEndpoint, failures: int, now: datetime) -> None:
    managers = User.objects.filter(groups__name=Role.MANAGER, is_active=True).exclude(email="")
    for manager in managers.distinct():
        message_enqueue(
            channel=MessageChannel.EMAIL,
            kind="webhook_disabled",
            recipient=manager.email,
            template="webhook_disabled",
            context={
                "clinic_name": "Rehabdesk",
                "clinic_phone": "",
                "endpoint_id": endpoint.pk,
                "endpoint_host": urlsplit(endpoint.url).hostname or "",
                "endpoint_description": endpoint.description,
                "failures": failures,
                "page": f"{settings.SITE_URL}/staff/webhooks/{endpoint.pk}/",
            },
            related_type=OBJECT_TYPE,
            related_id=endpoint.pk,
            dedupe_key=f"webhook_disabled:{endpoint.pk}:{int(now.timestamp())}:{manager.pk}",
            now=now,
        )


def _events_checked(event_types: list[str]) -> list[str]:
    chosen = sorted(set(event_types))
    if not chosen:
        raise WebhookError(
            WebhookErrorCode.NO_EVENTS, "Choose at least one event.", field="event_types"
        )
    unknown = [event for event in chosen if event not in WebhookEvent.values]
    if unknown:
        raise WebhookError(
            WebhookErrorCode.UNKNOWN_EVENT, "Choose events from the list.", field="event_types"
        )
    return chosen
