"""E-mail through Django's own mail machinery: whatever EMAIL_BACKEND names — SMTP in
production, files under var/mail/ while developing with DEBUG, memory in tests."""

from __future__ import annotations

import logging
import mimetypes
import re
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from email.mime.text import MIMEText
from email.utils import formataddr, parseaddr
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.validators import validate_email

from rehabdesk.notifications.transports.base import DeliveryError, PermanentDeliveryError, Send

if TYPE_CHECKING:
    from rehabdesk.notifications.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ADDRESS_LENGTH = 254
CALENDAR_FILENAME = "appointment.ics"
_METHOD_LINE = re.compile(r"^METHOD:([A-Za-z-]+)\r?$", re.MULTILINE)


class EmailTransport:
    """Sends an outbox message as one e-mail: plain text, with the HTML as an
    alternative when there is one, and its calendar file and its other file (a receipt)
    attached when it has them."""

    def recipient_problem(self, recipient: str) -> str:
        if not recipient:
            return "No e-mail address on file."
        if len(recipient) > MAX_ADDRESS_LENGTH:
            return "The e-mail address is too long."
        try:
            validate_email(recipient)
        except ValidationError:
            return "Not a valid e-mail address."
        return ""

    @contextmanager
    def session(self) -> Iterator[Send]:
        sender = _Sender()
        try:
            yield sender.send
        finally:
            sender.close()


def build_email(message: OutboxMessage, connection: BaseEmailBackend) -> EmailMultiAlternatives:
    """The e-mail for an outbox message.

    Its Message-ID is made from the outbox row, so if the one rare case of a message
    sent twice happens (see services.deliver_due), both copies carry the same id and
    mail programs can treat them as one. "Auto-Submitted" keeps out-of-office replies
    from answering it. A calendar file goes as a text/calendar attachment whose
    `method` parameter repeats the file's METHOD (REQUEST, CANCEL), which is how mail
    programs recognise an invitation or its cancellation.
    """
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=sender(message),
        to=[message.recipient],
        connection=connection,
        headers={
            "Message-ID": message_id(message),
            "Auto-Submitted": "auto-generated",
        },
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    if message.calendar:
        email.attach(calendar_part(message.calendar))
    if message.attachment_name:
        kind = mimetypes.guess_type(message.attachment_name)[0] or "application/octet-stream"
        email.attach(message.attachment_name, bytes(message.attachment), kind)
    return email


def sender(message: OutboxMessage) -> str:
    """DEFAULT_FROM_EMAIL's address, under the name of the clinic the message is from
    ("Pro Fusion Rehab <no-reply@profusion.example>"); the setting as it is when the
    message names no clinic."""
    if not message.sender_name:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((message.sender_name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))


def calendar_part(ics: str) -> MIMEText:
    """An iCalendar file as an attachment: text/calendar; method=…; charset=utf-8."""
    part = MIMEText(ics, "calendar", "utf-8")
    method = _METHOD_LINE.search(ics)
    if method:
        part.set_param("method", method.group(1).upper())
    part.add_header("Content-Disposition", "attachment", filename=CALENDAR_FILENAME)
    return part


def message_id(message: OutboxMessage) -> str:
    """<outbox.42.1804687200@clinic.example>: the row and when it was written, at the
    sender's domain."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<outbox.{message.pk}.{int(message.created_at.timestamp())}@{domain}>"


class _Sender:
    """One connection for a batch, opened at the first message and opened again after
    a failure, so one bad moment does not spoil the messages after it."""

    def __init__(self) -> None:
        self._connection: BaseEmailBackend | None = None

    def send(self, message: OutboxMessage) -> None:
        try:
            if self._connection is None:
                self._connection = get_connection(fail_silently=False)
                self._connection.open()
            accepted = self._connection.send_messages([build_email(message, self._connection)])
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            if error.recipients and all(code >= 500 for code, _ in error.recipients.values()):
                raise PermanentDeliveryError(
                    "The mail server says this address cannot receive mail."
                ) from error
            raise
        except Exception:
            self.close()
            raise
        if accepted != 1:
            raise DeliveryError("The mail backend did not accept the message.")

    def close(self) -> None:
        if self._connection is None:
            return
        connection, self._connection = self._connection, None
        try:
            connection.close()
        except Exception:  # a connection that fails to close has already done its work
            logger.warning("Closing the mail connection failed", exc_info=True)
