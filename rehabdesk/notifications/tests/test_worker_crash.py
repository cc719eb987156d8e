"""A worker process killed mid-batch (SIGKILL: no clean-up at all) loses nothing: once
its claims' leases run out, another worker process sends every message it held, well
within a minute of the kill, and at most the one message in flight at the kill reaches
the patient twice — with the same Message-ID both times. A real `manage.py run_worker`
against the test database (a file on SQLite; PostgreSQL's test database), sending to a
local SMTP server that takes a quarter of a second over each message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings
from django.utils import timezone

from rehabdesk.notifications.choices import MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.testing import enqueue
from rehabdesk.notifications.tests.test_run_worker import (
    MANAGE_PY,
    database_url_for_another_process,
    wait_for,
)
from rehabdesk.notifications.transports.email import message_id
from rehabdesk.testing.smtp import Inbox, local_smtp_server, smtp_environment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
MESSAGES = 12
LEASE_SECONDS = 3  # the test's; CLAIM_LEASE in production
SMTP_DELAY = 0.25  # a batch of 12 takes 3 s: longer than the lease, so it needs renewing


def start_worker(name: str, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, str(MANAGE_PY), "run_worker", "--name", name]
        + ["--interval", "0.2", "--lease", str(LEASE_SECONDS)],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "rehabdesk.settings",
            "DEBUG": "0",
            "SECRET_KEY": "test-only-" + "w" * 50,
            "DATABASE_URL": database_url_for_another_process(),
            "DATABASE_CONN_MAX_AGE": "0",
            "REHABDESK_VAR_DIR": str(settings.VAR_DIR),
            "DEFAULT_FROM_EMAIL": settings.DEFAULT_FROM_EMAIL,
            **smtp_environment(port),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(worker: subprocess.Popen[str]) -> str:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    try:
        return worker.communicate(timeout=20)[1]
    except subprocess.TimeoutExpired:
        worker.kill()
        return worker.communicate()[1]


def test_a_worker_killed_mid_batch_loses_nothing_and_its_messages_go_within_a_minute():
    messages = [enqueue(f"patient{i}@mail.example", now=timezone.now()) for i in range(MESSAGES)]
    inbox = Inbox(delay=SMTP_DELAY)
    with local_smtp_server(inbox) as port:
        first = start_worker("first", port)
        second = None
        try:
            wait_for(lambda: len(inbox.received) >= 4, seconds=60)
            first.kill()  # SIGKILL, mid-batch
            first.wait(timeout=20)
            killed = time.monotonic()
            held = OutboxMessage.objects.filter(status=MessageStatus.SENDING, claimed_by="first")
            assert held.exists()  # it died holding messages

            second = start_worker("second", port)
            unsent = OutboxMessage.objects.exclude(status=MessageStatus.SENT)
            wait_for(lambda: not unsent.exists(), seconds=60)
            recovered_in = time.monotonic() - killed
            time.sleep(SMTP_DELAY * 2)  # anything still arriving arrives
        finally:
            errors = stop(second) if second else ""
            stop(first)
    assert "Traceback" not in errors, errors

    assert recovered_in < 60
    by_id = Counter(message["Message-ID"] for _, _, message in inbox.received)
    assert set(by_id) == {message_id(message) for message in messages}  # nothing lost
    twice = [key for key, count in by_id.items() if count > 1]
    assert len(twice) <= 1  # at most the one in flight at the kill
    assert max(by_id.values()) <= 2
    sent_by = Counter(OutboxMessage.objects.values_list("claimed_by", flat=True))
    assert sent_by["second"] > 0
    assert sent_by["first"] + sent_by["second"] == MESSAGES
    # Those the second worker took over were tried twice; no other message was.
    assert set(
        OutboxMessage.objects.filter(claimed_by="first").values_list("attempts", flat=True)
    ) == {1}
