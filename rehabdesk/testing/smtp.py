"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 keeping every message it accepts,
and Django's SMTP backend pointed at it (the `smtp_inbox` fixture in rehabdesk/conftest.py);
or the server alone (`local_smtp_server`), for a worker in another process, as slow to
accept each message as a test needs."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.test import override_settings


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts, taking `delay` seconds
    over each before it says so (a message is kept even if the sender is gone by then,
    as a real server would deliver it)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.received: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        content = envelope.original_content or b""
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((envelope.mail_from or "", list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [message for _, recipients, message in self.received if address in recipients]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def local_smtp_server(handler: object) -> Iterator[int]:
    """Run an aiosmtpd server on 127.0.0.1 with `handler` (an Inbox, say) for the
    block; its port."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def smtp_environment(port: int) -> dict[str, str]:
    """The environment that sends a process's e-mail (production settings) there."""
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_HOST_USER": "",
        "EMAIL_USE_TLS": "0",
        "EMAIL_USE_SSL": "0",
        "EMAIL_TIMEOUT": "5",
    }


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    """Run the server and send Django's e-mail to it, for the block."""
    inbox = Inbox()
    with (
        local_smtp_server(inbox) as port,
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_TIMEOUT=5,
        ),
    ):
        yield inbox


def text_of(message: EmailMessage, kind: str = "plain") -> str:
    """The message's plain-text (or "html") body."""
    part = message.get_body(preferencelist=(kind,))
    assert part is not None
    return str(part.get_content())
