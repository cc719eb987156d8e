"""`manage.py run_worker`: --once drains the outbox; otherwise it keeps sending until
told to stop, and stops cleanly."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from rehabdesk.notifications.choices import MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.testing import enqueue

MANAGE_PY = Path(settings.BASE_DIR) / "manage.py"


@pytest.mark.django_db
def test_once_drains_every_due_message_batch_after_batch_and_exits(mailoutbox):
    for i in range(45):
        enqueue(f"patient{i}@mail.example", now=timezone.now())
    out = io.StringIO()
    call_command("run_worker", "--once", "--batch", "20", "--name", "test-worker", stdout=out)
    assert len(mailoutbox) == 45
    assert set(OutboxMessage.objects.values_list("status", "claimed_by")) == {
        (MessageStatus.SENT, "test-worker")
    }
    assert out.getvalue() == "Outbox: 45 claimed, 45 sent.\n"


@pytest.mark.django_db
def test_once_with_nothing_due_says_so(mailoutbox):
    out = io.StringIO()
    call_command("run_worker", "--once", stdout=out)
    assert out.getvalue() == "Outbox: nothing to do.\n"
    assert mailoutbox == []


@pytest.mark.parametrize("arguments", [["--interval", "0"], ["--batch", "0"], ["--lease", "0.5"]])
def test_it_refuses_settings_that_make_no_sense(arguments):
    with pytest.raises(CommandError):
        call_command("run_worker", "--once", *arguments)


def database_url_for_another_process() -> str:
    """The test database, for a worker in another process."""
    database = connection.settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    return (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


def wait_for(condition: Callable[[], bool], *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_the_worker_keeps_sending_until_a_signal_stops_it_cleanly(stop_signal):
    enqueue("before@mail.example", now=timezone.now())
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, str(MANAGE_PY), "run_worker", "--interval", "0.2", "--name", "proc"],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "rehabdesk.settings_test",
            "DATABASE_URL": database_url_for_another_process(),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        sent = OutboxMessage.objects.filter(status=MessageStatus.SENT, claimed_by="proc")
        wait_for(lambda: sent.count() == 1)
        enqueue("while.running@mail.example", now=timezone.now())
        wait_for(lambda: sent.count() == 2)
        worker.send_signal(stop_signal)
        out, err = worker.communicate(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, err
    assert out.startswith("Worker proc sending the outbox every 0.2 s.\n")
    assert out.endswith("Worker proc stopped.\n")
    assert "Traceback" not in err
