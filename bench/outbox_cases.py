"""The outbox worker's throughput (issue 26): e-mails a second from `manage.py
run_worker` processes to a local SMTP server, as the server counts them; and text
messages a second to the stand-in for Twilio's Messages API (rehabdesk/testing/sms.py),
counted the same way, duplicates told apart by the outbox key in each StatusCallback;
and a webhook fan-out: deliveries a second to a local HTTP receiver.

On a throw-away copy of the `outbox` dataset (an empty clinic: the case queues its own
messages): MESSAGES booking confirmations are queued through `message_enqueue`
(untimed), then `workers` worker processes are started with production settings and
the copy's DATABASE_URL, sending over SMTP to aiosmtpd on 127.0.0.1 (no TLS, accepting
at once). The rate is the server's: messages received, less one, over the time from the
first to the last arrival, so the workers' start-up (Django's, a second or so) is not
counted. Afterwards the outbox must hold every message as sent, and the server must have
received each Message-ID once: duplicates and messages left unsent are reported in the
throughput table's `overlaps` and `5xx` columns, and either marks the case over.

The webhook case (channel "webhook") registers one endpoint through the webhooks
service (`endpoint_create`, WEBHOOKS_ALLOW_PRIVATE on for that call) pointing at a
threaded http.server on 127.0.0.1 in this process, answering 204, and publishes
WEBHOOK_EVENTS `patient.created` events through `core.events.event_publish`, each in a
transaction of its own as a service would: the webhooks listener (`event_fan_out`)
writes the outbox rows. The worker runs with WEBHOOKS_ALLOW_PRIVATE=1 (else it would
refuse 127.0.0.1 and plain http). Afterwards every delivery's Standard Webhooks
signature is checked with the endpoint's secret (standardwebhooks, as a receiver would:
a forged or stale one fails the case), every webhook-id queued must have arrived, and
one that arrived twice counts in `overlaps`. The note under the table also gives the
time from the worker's start to the last arrival, start-up included.
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
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Lock, Thread

from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from bench.databases import REPO_DIR
from bench.report import ThroughputResult
from rehabdesk.accounts.roles import Role
from rehabdesk.accounts.services import user_create
from rehabdesk.core.events import event_publish
from rehabdesk.notifications.choices import MessageChannel, MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.services import message_enqueue
from rehabdesk.notifications.testing import booking_context
from rehabdesk.testing.sms import Provider, local_sms_provider, sms_environment
from rehabdesk.testing.smtp import local_smtp_server, smtp_environment
from rehabdesk.webhooks.choices import WebhookEvent
from rehabdesk.webhooks.services import endpoint_create, message_id_of

# Issue 26's floor for one worker; two must do at least as well.
WORKER_TARGET_PER_S = 100.0
# Issue 26's floor for text messages to the local stand-in, one worker.
SMS_TARGET_PER_S = 50.0
MESSAGES = 2000
# Issue 26: "a webhook fan-out of 1,000 events delivered within a minute".
WEBHOOK_EVENTS = 1000
WEBHOOK_TARGET_PER_S = round(WEBHOOK_EVENTS / 60, 1)
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


@dataclass
class _Receiver:
    """What the local webhook receiver was sent: when, the headers (names in lower
    case) and the body, as received; checked after the run, not while it is timed."""

    arrivals: list[float] = field(default_factory=list)
    deliveries: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    lock: Lock = field(default_factory=Lock)


@contextmanager
def _local_receiver(receiver: _Receiver) -> Iterator[str]:
    """A threaded http.server on 127.0.0.1 answering every POST 204, for the block: the
    endpoint's URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            with receiver.lock:
                receiver.deliveries.append((headers, body))
                receiver.arrivals.append(time.monotonic())
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/rehabdesk-hook"
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class _FanOut:
    secret: str
    queued: list[int]
    message_ids: set[str]
    seconds: float  # publishing the events, the listener's rows included


def _fan_out(count: int, url: str) -> _FanOut:
    """One endpoint for `url`, registered by a manager through the service, and `count`
    events published as the services publish them: the listener writes the rows."""
    now = timezone.now()
    manager = user_create(email="bench-manager@clinic.example", password=None, roles=[Role.MANAGER])
    with override_settings(WEBHOOKS_ALLOW_PRIVATE=True):
        created = endpoint_create(
            url=url,
            description="bench receiver",
            event_types=[WebhookEvent.PATIENT_CREATED],
            actor=manager,
            now=now,
        )
    started = time.monotonic()
    for patient_id in range(1, count + 1):
        with transaction.atomic():
            event_publish(
                type=WebhookEvent.PATIENT_CREATED, data={"patient_id": patient_id}, now=now
            )
    seconds = time.monotonic() - started
    rows = list(
        OutboxMessage.objects.filter(
            channel=MessageChannel.WEBHOOK, recipient=str(created.endpoint.pk)
        )
    )
    if len(rows) != count:
        raise CaseError(f"{count} events published, {len(rows)} webhook rows queued")
    return _FanOut(
        secret=created.secret,
        queued=[row.pk for row in rows],
        message_ids={message_id_of(row) for row in rows},
        seconds=seconds,
    )


def _forged(receiver: _Receiver, fan_out: _FanOut) -> int:
    """Deliveries whose signature the endpoint's secret does not verify, or whose
    webhook-id was never queued."""
    webhook = Webhook(fan_out.secret)
    forged = 0
    for headers, body in receiver.deliveries:
        try:
            webhook.verify(body, headers)
        except WebhookVerificationError:
            forged += 1
            continue
        if headers["webhook-id"] not in fan_out.message_ids:
            forged += 1
    return forged


def _undelivered(queued: list[int], received: set[str]) -> int:
    """Queued webhook rows not marked sent, or whose webhook-id never arrived."""
    rows = OutboxMessage.objects.filter(pk__in=queued).only("status", "dedupe_key")
    return sum(
        1 for row in rows if row.status != MessageStatus.SENT or message_id_of(row) not in received
    )


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
    sink, provider, receiver = _Sink(), Provider(), _Receiver()
    sms = case.channel == MessageChannel.SMS
    webhook = case.channel == MessageChannel.WEBHOOK
    fan_out: _FanOut | None = None
    expected = WEBHOOK_EVENTS if webhook else MESSAGES
    with ExitStack() as stack:
        if webhook:
            fan_out = _fan_out(WEBHOOK_EVENTS, stack.enter_context(_local_receiver(receiver)))
            queued = fan_out.queued
            environment = {"WEBHOOKS_ALLOW_PRIVATE": "1"}
            arrivals = receiver.arrivals
        elif sms:
            queued = _queue(MESSAGES, case.channel)
            _, url = stack.enter_context(local_sms_provider(provider))
            environment = sms_environment(url)
            arrivals = provider.arrivals
        else:
            queued = _queue(MESSAGES, case.channel)
            environment = smtp_environment(stack.enter_context(local_smtp_server(sink)))
            arrivals = sink.arrivals
        started = time.monotonic()
        workers = [_worker(index, environment) for index in range(case.workers)]
        try:
            deadline = started + DEADLINE_SECONDS
            while len(arrivals) < expected and time.monotonic() < deadline:
                if any(worker.poll() is not None for worker in workers):
                    raise CaseError("a worker exited early")
                time.sleep(0.2)
            time.sleep(0.5)  # anything still on its way arrives
        finally:
            problems = _stop(workers)
    if sms:
        sink.arrivals = provider.arrivals
        sink.ids = Counter(form["StatusCallback"].encode() for form in provider.received)
    if webhook:
        sink.arrivals = receiver.arrivals
        sink.ids = Counter(
            headers.get("webhook-id", "").encode() for headers, _ in receiver.deliveries
        )
    if problems:
        raise CaseError(f"a worker failed: {problems[0]}")
    arrivals = sink.arrivals
    if len(arrivals) < 2:
        raise CaseError(f"the server received {len(arrivals)} messages")
    if fan_out is not None:
        forged = _forged(receiver, fan_out)
        if forged:
            raise CaseError(
                f"{forged} deliveries not signed with the endpoint's secret or not queued"
            )
    elapsed = arrivals[-1] - arrivals[0]
    rate = (len(arrivals) - 1) / elapsed if elapsed > 0 else float("inf")
    unsent = OutboxMessage.objects.filter(pk__in=queued).exclude(status=MessageStatus.SENT).count()
    if fan_out is not None:
        # A row marked sent whose delivery the receiver never saw is unsent all the same.
        unsent = _undelivered(queued, {key.decode() for key in sink.ids})
    duplicates = sum(count - 1 for count in sink.ids.values())
    by_worker = Counter(
        OutboxMessage.objects.filter(pk__in=queued).values_list("claimed_by", flat=True)
    )
    where = f"{case.name} {case.dataset} {database}"
    if fan_out is None:
        what = (
            f"{len(arrivals)} messages received in {elapsed:.1f} s from the first "
            f"({len(sink.ids)} Message-IDs, {duplicates} received twice, {unsent} of "
            f"{MESSAGES} not marked sent)"
        )
    else:
        what = (
            f"{WEBHOOK_EVENTS} events published (the listener's rows included) in "
            f"{fan_out.seconds:.1f} s; {len(arrivals)} deliveries received in {elapsed:.1f} s "
            f"from the first, {arrivals[-1] - started:.1f} s from the worker's start "
            f"({len(sink.ids)} webhook-ids, every signature verified, {duplicates} received "
            f"twice, {unsent} of {WEBHOOK_EVENTS} not marked sent or never received)"
        )
    notes = [
        f"{where}: {what}; sent by worker: "
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
