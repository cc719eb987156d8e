"""Real transactions and racing workers, each thread with its own connection (SQLite
tests use a file, so the connections really are separate)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from django.db import connections, transaction

from rehabdesk.notifications import services
from rehabdesk.notifications.choices import MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.services import deliver_due
from rehabdesk.notifications.testing import NOW, enqueue

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
T = TypeVar("T")


def race(threads: int, work: Callable[[int], T]) -> list[T]:
    """Run work(0) … work(threads - 1) at once, one thread and connection each."""
    start = threading.Event()

    def run(index: int) -> T:
        try:
            start.wait()
            return work(index)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(run, index) for index in range(threads)]
        start.set()
        return [future.result() for future in futures]


def in_another_connection(work: Callable[[], T]) -> T:
    return race(1, lambda _: work())[0]


def test_a_rolled_back_booking_sends_nothing_and_a_committed_one_sends_once(mailoutbox):
    def booking_that_fails():
        with transaction.atomic():
            enqueue("rolled.back@mail.example")
            raise RuntimeError("the booking failed")

    with pytest.raises(RuntimeError):
        booking_that_fails()
    with transaction.atomic():
        enqueue("committed@mail.example")
    assert deliver_due(now=NOW, worker="w1").sent == 1
    assert [email.to for email in mailoutbox] == [["committed@mail.example"]]
    assert OutboxMessage.objects.count() == 1


def test_a_worker_cannot_see_a_message_until_its_booking_commits(mailoutbox):
    with transaction.atomic():
        enqueue()
        # The worker reads only committed rows (and an idle round writes nothing, so it
        # does not wait for SQLite's write lock, held here).
        assert in_another_connection(lambda: deliver_due(now=NOW, worker="w1")).claimed == 0
    assert in_another_connection(lambda: deliver_due(now=NOW, worker="w1")).sent == 1
    assert len(mailoutbox) == 1


def test_twenty_bookings_racing_with_one_dedupe_key_store_one_message():
    def book(index: int) -> int:
        with transaction.atomic():
            message = enqueue(dedupe_key="booking_confirmation:42")
            time.sleep(0.02)  # hold the transaction open so the others collide with it
            return message.pk

    ids = race(20, book)
    assert len(set(ids)) == 1
    assert OutboxMessage.objects.count() == 1
    assert OutboxMessage.objects.get().pk == ids[0]


@pytest.mark.parametrize("skip_locked", [True, False], ids=["skip-locked", "compare-and-swap"])
def test_four_workers_send_two_hundred_messages_each_exactly_once(
    mailoutbox, monkeypatch, skip_locked
):
    monkeypatch.setattr(services, "USE_SKIP_LOCKED", skip_locked)
    recipients = [f"patient{i}@mail.example" for i in range(200)]
    for recipient in recipients:
        enqueue(recipient)

    def work(index: int) -> int:
        sent = 0
        while True:
            report = deliver_due(now=NOW, worker=f"worker-{index}", batch=20)
            sent += report.sent
            assert report.retrying == report.failed == report.lapsed == 0
            if not report.claimed and not OutboxMessage.objects.filter(status="pending").exists():
                return sent

    sent_by_worker = race(4, work)
    assert sum(1 for n in sent_by_worker if n) >= 2  # the workers really raced
    assert sum(sent_by_worker) == 200
    assert len(mailoutbox) == 200
    assert Counter(email.to[0] for email in mailoutbox) == Counter(recipients)
    assert len({email.message()["Message-ID"] for email in mailoutbox}) == 200
    assert OutboxMessage.objects.filter(status=MessageStatus.SENT, attempts=1).count() == 200
    by_worker = Counter(OutboxMessage.objects.values_list("claimed_by", flat=True))
    assert by_worker == {f"worker-{i}": n for i, n in enumerate(sent_by_worker) if n}
