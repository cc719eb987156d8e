"""The webhook channel's transport (registered with the outbox in apps.py): POST the
outbox row's JSON to its endpoint, signed per Standard Webhooks with the reference
library `standardwebhooks`:

    webhook-id: msg_…          the same on every try (the receiver's idempotency key)
    webhook-timestamp: 1700000000   this try's time, Unix seconds
    webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body", key = the
                       secret's base64 after whsec_>; for a day after the secret
                       is replaced, a second one, space-separated, with the old
                       secret (services.signing_secrets)

2xx is delivered; anything else, a redirect (never followed), a timeout (10 s) or a
refused address is a failure the outbox retries with its backoff. Each try goes on the
delivery log (services.delivery_log). The connection goes to the address that was
checked (addresses.target_check), never to a second lookup of the name.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from rehabdesk.notifications.transports.base import DeliveryError, PermanentDeliveryError, Send
from rehabdesk.webhooks.addresses import Target, target_check
from rehabdesk.webhooks.errors import WebhookError
from rehabdesk.webhooks.models import WebhookEndpoint
from rehabdesk.webhooks.services import delivery_log, message_id_of, signing_secrets

if TYPE_CHECKING:
    from rehabdesk.notifications.models import OutboxMessage

TIMEOUT_SECONDS = 10.0
USER_AGENT = "Rehabdesk-Webhooks/1"


class WebhookTransport:
    def recipient_problem(self, recipient: str) -> str:
        return "" if recipient.isdigit() else "Not a webhook endpoint."

    @contextmanager
    def session(self) -> Iterator[Send]:
        yield deliver


def signed_headers(
    *, secret: str, message_id: str, timestamp: int, body: str, previous: str = ""
) -> dict[str, str]:
    """The three Standard Webhooks headers, signed by the reference library: with
    `secret`, and with `previous` too when given (the specification's space-separated
    list, which a receiver accepts when any one signature matches its secret)."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    keys = [secret, previous] if previous else [secret]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(Webhook(key).sign(message_id, moment, body) for key in keys),
    }


def deliver(message: OutboxMessage) -> None:
    """One try at one outbox row: raises unless the endpoint answered 2xx."""
    endpoint = WebhookEndpoint.objects.filter(pk=int(message.recipient or 0)).first()
    if endpoint is None or not endpoint.active:
        raise PermanentDeliveryError("The webhook endpoint is turned off or gone.")
    now = timezone.now()
    started = time.monotonic()
    status: int | None = None
    error = ""
    try:
        target = target_check(endpoint.url)
        status = _post(target, endpoint, message, now)
    except WebhookError as refused:
        error = f"refused: {refused.code}"
    except (OSError, http.client.HTTPException) as failed:
        error = " ".join(f"{type(failed).__name__}: {failed}".split())
    duration_ms = int((time.monotonic() - started) * 1000)
    delivery_log(
        endpoint=endpoint,
        message=message,
        status_code=status,
        error=error,
        duration_ms=duration_ms,
        now=now,
    )
    if status is None or not 200 <= status < 300:
        raise DeliveryError(error or f"The endpoint answered {status}.")


def _post(target: Target, endpoint: WebhookEndpoint, message: OutboxMessage, now: datetime) -> int:
    body = message.body_text
    secret, *previous = signing_secrets(endpoint, now=now)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signed_headers(
            secret=secret,
            message_id=message_id_of(message),
            timestamp=int(now.timestamp()),
            body=body,
            previous=previous[0] if previous else "",
        ),
    }
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = _PinnedHTTPS(target, timeout=TIMEOUT_SECONDS)
    else:
        connection = _PinnedHTTP(target, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("POST", target.path, body=body.encode("utf-8"), headers=headers)
        response = connection.getresponse()
        response.read(4096)  # a little of the answer, never kept
        return response.status
    finally:
        connection.close()


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked address; the Host header still names the host."""

    def __init__(self, target: Target, *, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """The same over TLS, the certificate checked against the host name (SNI too)."""

    def __init__(self, target: Target, *, timeout: float) -> None:
        self._context = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self._context)
        self._address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)
