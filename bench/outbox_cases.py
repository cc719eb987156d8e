"""The outbox worker's throughput (issue 26): e-mails a second from `manage.py
run_worker` processes to a local SMTP server, as the server counts them; and text
messages a second to the stand-in for Twilio's Messages API (rehabdesk/testing/sms.py),
counted the same way, duplicates told apart by the outbox key in each StatusCallback.

On a throw-away copy of the `outbox` dataset (an empty clinic: the case queues its own
messages): MESSAGES booking confirmations are queued through `message_enqueue`
(untimed), then `workers` worker processes are started with production settings and
the copy's DATABASE_URL, sending over SMTP to aiosmtpd on 127.0.0.1 (no TLS, accepting
at once). The rate is the server's: messages received, less one, over the time from the
first to the last arrival, so the workers' start-up (Django's, a second or so) is not
counted. Afterwards the outbox must hold every message as sent, and the server must have
received each Message-ID once: duplicates and messages left unsent are reported in the
throughput table's `overlaps` and `5xx` columns, and either marks the case over.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from bench.databases import REPO_DIR
from bench.report import ThroughputResult
from rehabdesk.notifications.choices import MessageChannel, MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.services import message_enqueue
from rehabdesk.notifications.testing import booking_context
from rehabdesk.testing.sms import Provider, local_sms_provider, sms_environment
from rehabdesk.testing.smtp import local_smtp_server, smtp_environment

# Issue 26's floor for one worker; two must do at least as well.
WORKER_TARGET_PER_S = 100.0
# Issue 26's floor for text messages to the local stand-in, one worker.
SMS_TARGET_PER_S = 50.0
MESSAGES = 2000
# A worker that has not sent them all by then is stuck, not slow.
DEADLINE_SECONDS = 180.0
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


class CaseError(Exception):
    """The workers did not do what the case means to time."""


@dataclass(frozen=True)
class WorkerCase:
    name: str
    dataset: str
    target_per_s: float
    workers: int
    channel: str = MessageChannel.EMAIL


class _Sink:
    """An aiosmtpd handler that accepts everything at once and notes only each
    message's Message-ID and when it arrived."""

    def __init__(self) -> None:
        self.arrivals: list[float] = []
        self.ids: Counter[bytes] = Counter()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        content = getattr(envelope, "original_content", None) or b""
        found = _MESSAGE_ID.search(content)
        self.ids[found.group(1) if found else b""] += 1
        self.arrivals.append(time.monotonic())
        return "250 Message accepted for delivery"


def _queue(count: int, channel: str = MessageChannel.EMAIL) -> list[int]:
    now = timezone.now()
    sms = channel == MessageChannel.SMS
    with transaction.atomic():
        return [
            message_enqueue(
                channel=channel,
                kind="booking_confirmation",
                recipient=f"+1416555{index % 10000:04d}" if sms else f"bench{index}@mail.example",
                template="sms_booking_confirmation" if sms else "booking_confirmation",
                context=booking_context(),
                now=now,
            ).pk
            for index in range(count)
        ]


def _worker(index: int, environment: dict[str, str]) -> subprocess.Popen[bytes]:
    # Our own interpreter and manage.py; the child's environment (the throw-away copy).
    return subprocess.Popen(  # noqa: S603
        [sys.executable, str(REPO_DIR / "manage.py"), "run_worker"]
        + ["--name", f"bench-{index}", "--interval", "0.2", "--batch", "20"],
        cwd=REPO_DIR,
        env={**os.environ, **environment},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _stop(workers: list[subprocess.Popen[bytes]]) -> list[str]:
    """SIGTERM each, wait; what any of them said went wrong."""
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    problems = []
    for worker in workers:
        try:
            _, err = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            _, err = worker.communicate()
        if b"Traceback" in err:
            problems.append(err.decode(errors="replace").strip().splitlines()[-1])
    return problems


def measure_workers(case: WorkerCase, *, database: str) -> tuple[ThroughputResult, list[str]]:
    # aiosmtpd logs every SMTP command: the server would spend its time writing that.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    queued = _queue(MESSAGES, case.channel)
    sink, provider = _Sink(), Provider()
    sms = case.channel == MessageChannel.SMS
    with ExitStack() as stack:
        if sms:
            _, url = stack.enter_context(local_sms_provider(provider))
            environment = sms_environment(url)
        else:
            environment = smtp_environment(stack.enter_context(local_smtp_server(sink)))
        arrivals = provider.arrivals if sms else sink.arrivals
        workers = [_worker(index, environment) for index in range(case.workers)]
        try:
            deadline = time.monotonic() + DEADLINE_SECONDS
            while len(arrivals) < MESSAGES and time.monotonic() < deadline:
                if any(worker.poll() is not None for worker in workers):
                    raise CaseError("a worker exited early")
                time.sleep(0.2)
            time.sleep(0.5)  # anything still on its way arrives
        finally:
            problems = _stop(workers)
    if sms:
        sink.arrivals = provider.arrivals
        sink.ids = Counter(form["StatusCallback"].encode() for form in provider.received)
    if problems:
        raise CaseError(f"a worker failed: {problems[0]}")
    arrivals = sink.arrivals
    if len(arrivals) < 2:
        raise CaseError(f"the server received {len(arrivals)} messages")
    elapsed = arrivals[-1] - arrivals[0]
    rate = (len(arrivals) - 1) / elapsed if elapsed > 0 else float("inf")
    unsent = OutboxMessage.objects.filter(pk__in=queued).exclude(status=MessageStatus.SENT).count()
    duplicates = sum(count - 1 for count in sink.ids.values())
    by_worker = Counter(
        OutboxMessage.objects.filter(pk__in=queued).values_list("claimed_by", flat=True)
    )
    where = f"{case.name} {case.dataset} {database}"
    notes = [
        f"{where}: {len(arrivals)} messages received in {elapsed:.1f} s from the first "
        f"({len(sink.ids)} Message-IDs, {duplicates} received twice, {unsent} of "
        f"{MESSAGES} not marked sent); sent by worker: "
        + ", ".join(f"{name} {count}" for name, count in sorted(by_worker.items()))
    ]
    result = ThroughputResult(
        name=case.name,
        dataset=case.dataset,
        database=database,
        clients=case.workers,
        attempts_per_s=round(rate, 1),
        target_attempts_per_s=case.target_per_s,
        overlaps=duplicates,
        errors_5xx=unsent,
    )
    return result, notes
