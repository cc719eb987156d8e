import socket
from collections.abc import Callable
from contextlib import contextmanager

import pytest
from django.test import override_settings

from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.transports import TRANSPORTS
from rehabdesk.notifications.transports.email import EmailTransport


def unused_port() -> int:
    """A local port nothing listens on (the kernel just handed it out and took it back)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_server_down():
    """Django's real SMTP backend pointed at a port where nothing listens: every send
    is a genuine "connection refused"."""
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=unused_port(),
        EMAIL_TIMEOUT=2,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
    ):
        yield


class ScriptedTransport:
    """An e-mail channel whose sends run `before_send(message)` first (to fail, stall or
    race), then are accepted and remembered in `sent`."""

    def __init__(self, before_send: Callable[[object], None]) -> None:
        self.before_send = before_send
        self.sent: list[int] = []

    def recipient_problem(self, recipient: str) -> str:
        return EmailTransport().recipient_problem(recipient)

    @contextmanager
    def session(self):
        yield self.send

    def send(self, message) -> None:
        self.before_send(message)
        self.sent.append(message.pk)


@pytest.fixture
def scripted_transport(monkeypatch):
    """scripted_transport(before_send) puts a ScriptedTransport on the e-mail channel."""

    def install(before_send: Callable[[object], None]) -> ScriptedTransport:
        transport = ScriptedTransport(before_send)
        monkeypatch.setitem(TRANSPORTS, MessageChannel.EMAIL, transport)
        return transport

    return install
