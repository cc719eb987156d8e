"""Text messages through Twilio's Messages API, over plain HTTP: one POST of a form to
{SMS_PROVIDER_URL}/2010-04-01/Accounts/{sid}/Messages.json per message, with HTTP Basic
authentication (account SID, auth token), on one kept-alive connection per batch. While
developing without an account (DEBUG, no TWILIO_ACCOUNT_SID) each message is a file
under var/sms/ instead, as e-mail is under var/mail/.

The recipient is an E.164 number (core/phones.py). The body is the message's text on
one line: a booking's time, place and clinic only (templates/notifications/sms_*.txt),
short enough for one segment where it can be.

Twilio takes no idempotency key on this API. A message sent again after a worker died
mid-send (services' docstring) therefore reaches the patient twice; the outbox keeps
that window to the one message in flight, and the row's `provider_id` tells which send
Twilio's later reports are about. The idempotency key still goes along, as the status
callback's query string, so each report names the outbox row it belongs to.

Errors: 4xx answers (a number that is not a mobile, one that texted STOP, a malformed
request) are permanent: the worker gives up at once and the front desk sees why. 429
(too many requests), 5xx and network failures are temporary: tried again later.
401/403 (wrong credentials) are temporary too — an operator fixes the setting and the
queue drains.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.urls import reverse

from rehabdesk.core.phones import PhoneNumberInvalid, to_e164
from rehabdesk.notifications import twilio
from rehabdesk.notifications.transports.base import DeliveryError, PermanentDeliveryError, Send

if TYPE_CHECKING:
    from rehabdesk.notifications.models import OutboxMessage

logger = logging.getLogger(__name__)

# One segment: 160 characters of the GSM alphabet, 70 once any other character is in.
GSM_SEGMENT = 160
UCS2_SEGMENT = 70
# What we send at most: a few segments, in case a template runs long. Twilio's own
# limit is 1600 characters.
MAX_BODY = 480
_GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_PERMANENT_STATUSES = range(400, 500)
_TEMPORARY_STATUSES = {401, 403, 408, 409, 429}


def segments(body: str) -> int:
    """How many SMS segments `body` takes (GSM-7 where every character allows, else UCS-2)."""
    if all(character in _GSM for character in body):
        return 1 if len(body) <= GSM_SEGMENT else -(-len(body) // 153)
    return 1 if len(body) <= UCS2_SEGMENT else -(-len(body) // 67)


def sms_body(message: OutboxMessage) -> str:
    """The text as sent: the rendered text's words on one line, cut to MAX_BODY."""
    return " ".join(message.body_text.split())[:MAX_BODY]


class SmsTransport:
    """Sends an outbox message as one text message through the configured provider."""

    def recipient_problem(self, recipient: str) -> str:
        if not recipient:
            return "No mobile number on file."
        try:
            number = to_e164(recipient)
        except PhoneNumberInvalid:
            return "Not a valid phone number."
        if number != recipient:
            return "The number is not written in E.164 (+14165550199)."
        return ""

    @contextmanager
    def session(self) -> Iterator[Send]:
        if settings.SMS_TRANSPORT == "file":
            yield _to_file
            return
        client = TwilioClient()
        try:
            yield client.send
        finally:
            client.close()


def _to_file(message: OutboxMessage) -> str:
    """Development: the message as a file under var/sms/, named after its row."""
    folder = Path(settings.SMS_FILE_PATH)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{message.idempotency_key}.txt"
    (folder / name).write_text(f"To: {message.recipient}\n\n{sms_body(message)}\n")
    return f"file:{name}"


def status_callback_url(message: OutboxMessage) -> str:
    """Where Twilio reports this message's delivery: our /sms/status/ at the public
    address, naming the outbox row by its idempotency key; empty with no public address
    (then no reports are asked for)."""
    if not settings.SMS_PUBLIC_URL:
        return ""
    query = urlencode({"outbox": message.idempotency_key})
    return f"{settings.SMS_PUBLIC_URL}{reverse('sms-status')}?{query}"


def request_form(message: OutboxMessage) -> dict[str, str]:
    """The Messages.json form for an outbox message."""
    form = {"To": message.recipient, "Body": sms_body(message)}
    if settings.TWILIO_MESSAGING_SERVICE_SID:
        form["MessagingServiceSid"] = settings.TWILIO_MESSAGING_SERVICE_SID
    else:
        form["From"] = settings.TWILIO_FROM
    callback = status_callback_url(message)
    if callback:
        form["StatusCallback"] = callback
    return form


class TwilioClient:
    """One HTTP(S) connection to the provider, kept alive over a batch and opened again
    after a failure."""

    def __init__(self) -> None:
        url = urlsplit(settings.SMS_PROVIDER_URL)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError("SMS_PROVIDER_URL is an http(s) URL")
        self._https = url.scheme == "https"
        self._host, self._port = url.hostname, url.port
        self._prefix = url.path.rstrip("/")
        self._connection: http.client.HTTPConnection | None = None
        credentials = f"{settings.TWILIO_ACCOUNT_SID}:{settings.TWILIO_AUTH_TOKEN}"
        self._authorization = "Basic " + base64.b64encode(credentials.encode()).decode("ascii")

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            self._connection = kind(self._host, self._port, timeout=settings.SMS_TIMEOUT)
        return self._connection

    def send(self, message: OutboxMessage) -> str:
        """Post the message; Twilio's message SID ("SM…") once it has taken it."""
        if not settings.TWILIO_ACCOUNT_SID or not settings.TWILIO_AUTH_TOKEN:
            raise DeliveryError("Text messages are not set up (TWILIO_ACCOUNT_SID, _AUTH_TOKEN).")
        body = urlencode(request_form(message))
        path = self._prefix + twilio.messages_path(settings.TWILIO_ACCOUNT_SID)
        headers = {
            "Authorization": self._authorization,
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        try:
            connection = self._connect()
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        return _outcome(response.status, answer)

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()


def _outcome(status: int, answer: bytes) -> str:
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    if 200 <= status < 300 and isinstance(data.get("sid"), str) and data["sid"]:
        return str(data["sid"])[:64]
    # Twilio's error code (21211: not a valid number; 21610: the number texted STOP),
    # never its message, which may repeat the number.
    code = data.get("code") if isinstance(data.get("code"), int) else "none"
    reason = f"The SMS provider answered {status} (error {code})."
    if status in _PERMANENT_STATUSES and status not in _TEMPORARY_STATUSES:
        raise PermanentDeliveryError(reason)
    raise DeliveryError(reason)
