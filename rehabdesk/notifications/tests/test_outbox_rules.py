"""The outbox's own rules, kept by the database whatever writes to it (a shell, a
migration, a bug), and the reads the front desk relies on: what is about one booking,
oldest first; what failed, newest first. A worker that fails after its claim was taken
over leaves the other's send as it is."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction

from rehabdesk.notifications.choices import MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.selectors import messages_about, messages_failed
from rehabdesk.notifications.services import (
    DeliveryReport,
    default_worker_name,
    deliver_due,
    describe_error,
)
from rehabdesk.notifications.testing import NOW, enqueue, leases_run_out

pytestmark = pytest.mark.django_db

ABOUT = {"related_type": "scheduling.appointment"}
LATER = NOW + timedelta(minutes=1)
SENDING = {"status": MessageStatus.SENDING, "claimed_by": "w1", "claimed_at": NOW}


@pytest.mark.parametrize(
    "change",
    [
        {"status": MessageStatus.SENDING},  # by nobody, since no time
        {"status": MessageStatus.SENDING, "claimed_by": "w1"},  # since no time
        {"claimed_by": "w1", "claimed_at": NOW},  # pending, yet some worker's
        # sending, but under no lease, or no claim's
        {**SENDING, "claim_token": "", "lease_until": NOW},
        {**SENDING, "claim_token": "t1", "lease_until": None},
        {"claim_token": "t1", "lease_until": NOW},  # pending, yet leased
        {"status": MessageStatus.SENT},  # sent at no time
        {"sent_at": NOW},  # pending, yet sent
        {"subject": "x" * 101},
        {"channel": "pigeon"},
        {"status": "lost"},
        {"kind": ""},
        {"related_type": ""},  # an id of something of no type
    ],
    ids=[
        "sending unclaimed",
        "sending undated",
        "waiting but claimed",
        "sending by no claim",
        "sending unleased",
        "waiting but leased",
        "sent undated",
        "dated but waiting",
        "long subject",
        "unknown channel",
        "unknown status",
        "no kind",
        "untyped id",
    ],
)
def test_the_database_refuses_an_outbox_row_that_breaks_its_rules(change):
    message = enqueue(related_id=42, **ABOUT)

    # IntegrityError for a rule; PostgreSQL says DataError for the subject too long.
    with pytest.raises(DatabaseError), transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).update(**change)

    stored = OutboxMessage.objects.get(pk=message.pk)
    assert (stored.status, stored.subject, stored.related_id) == (
        MessageStatus.PENDING,
        message.subject,
        "42",
    )


def test_the_messages_about_a_booking_are_its_own_oldest_first():
    later = enqueue(related_id=42, now=NOW + timedelta(minutes=5), **ABOUT)
    first = enqueue(related_id="42", **ABOUT)
    enqueue(related_id=43, **ABOUT)
    enqueue(related_id=42, related_type="waitlist.offer")

    assert list(messages_about(related_id=42, **ABOUT)) == [first, later]
    assert list(messages_about(related_id="42", **ABOUT)) == [first, later]


def test_the_failed_list_is_newest_first_and_holds_only_failures():
    older = enqueue("", now=NOW)
    newer = enqueue("not-an-address", now=NOW + timedelta(hours=1))
    enqueue()  # waiting to be sent: not the desk's business yet

    assert list(messages_failed()) == [newer, older]


def test_a_failure_after_the_claim_was_taken_over_leaves_the_other_workers_send(
    scripted_transport,
):
    stalled = []

    def stall_then_fail(message):
        if not stalled:
            stalled.append(message.pk)
            # w1 hangs past its lease; w2 takes the message over and sends it.
            leases_run_out()
            assert deliver_due(now=LATER, worker="w2").sent == 1
            raise OSError("timed out")

    scripted_transport(stall_then_fail)
    message = enqueue()

    assert deliver_due(now=NOW, worker="w1") == DeliveryReport(claimed=1, lapsed=1)
    message.refresh_from_db()
    assert (message.status, message.claimed_by, message.attempts) == ("sent", "w2", 2)
    assert message.sent_at == LATER


def test_lapsed_claims_are_put_back_a_batch_at_a_time(scripted_transport):
    for index in range(3):
        enqueue(f"patient{index}@mail.example")
    OutboxMessage.objects.update(
        **{**SENDING, "claimed_by": "gone"}, claim_token="t", lease_until=NOW
    )
    leases_run_out()
    scripted_transport(lambda message: None)

    first = deliver_due(now=LATER, worker="w2", batch=2)
    second = deliver_due(now=LATER, worker="w2", batch=2)

    assert (first.released, first.sent, second.released, second.sent) == (2, 2, 1, 1)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_a_worker_is_named_by_its_host_and_process():
    host, _, pid = default_worker_name().rpartition(":")

    assert pid == str(os.getpid())
    assert host
    assert socket.gethostname().endswith(host)
    assert len(default_worker_name()) <= 100


def test_an_error_is_kept_as_its_kind_and_first_words_on_one_line():
    assert describe_error(ConnectionRefusedError(111, "Connection refused")) == (
        "ConnectionRefusedError: [Errno 111] Connection refused"
    )
    assert describe_error(TimeoutError()) == "TimeoutError:"
    assert "\n" not in describe_error(OSError("a\nb\tc"))
