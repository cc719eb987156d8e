"""A worker that stops mid-send: its claim lapses after the lease and another worker
sends the message — the one case where a patient may get a message twice."""

from datetime import timedelta

import pytest

from rehabdesk.notifications import services
from rehabdesk.notifications.choices import MessageStatus
from rehabdesk.notifications.services import (
    CLAIM_LEASE,
    MAX_ATTEMPTS,
    DeliveryReport,
    deliver_due,
)
from rehabdesk.notifications.testing import NOW, enqueue

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for the process dying mid-send: nothing after it runs."""


def kill_the_first_send(scripted_transport):
    killed = []

    def die_once(message):
        if not killed:
            killed.append(message.pk)
            raise WorkerKilled

    return scripted_transport(die_once)


def test_a_claim_is_taken_over_only_once_the_lease_has_run_out(scripted_transport):
    transport = kill_the_first_send(scripted_transport)
    message = enqueue()
    with pytest.raises(WorkerKilled):
        deliver_due(now=NOW, worker="w1")
    message.refresh_from_db()
    assert (message.status, message.claimed_by, message.attempts) == ("sending", "w1", 1)

    assert deliver_due(now=NOW + CLAIM_LEASE - timedelta(seconds=1), worker="w2") == (
        DeliveryReport()
    )
    report = deliver_due(now=NOW + CLAIM_LEASE, worker="w2")
    assert report == DeliveryReport(released=1, claimed=1, sent=1)
    assert transport.sent == [message.pk]
    message.refresh_from_db()
    assert (message.status, message.claimed_by, message.attempts) == ("sent", "w2", 2)
    assert message.last_error.startswith("The worker stopped")


def test_a_lapsed_claim_on_the_last_try_is_given_up(scripted_transport):
    kill_the_first_send(scripted_transport)
    message = enqueue()
    type(message).objects.filter(pk=message.pk).update(attempts=MAX_ATTEMPTS - 1)
    with pytest.raises(WorkerKilled):
        deliver_due(now=NOW, worker="w1")
    report = deliver_due(now=NOW + CLAIM_LEASE, worker="w2")
    assert report == DeliveryReport(failed=1)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == MAX_ATTEMPTS


def test_a_slow_worker_finishing_after_a_takeover_sends_twice_and_says_so(scripted_transport):
    """The documented at-least-once case: worker 1 stalls past the lease, worker 2 takes
    the message over and sends it, then worker 1's send completes too."""
    stalled = []

    def stall_once(message):
        if not stalled:
            stalled.append(message.pk)
            takeover = deliver_due(now=NOW + CLAIM_LEASE, worker="w2")
            assert takeover == DeliveryReport(released=1, claimed=1, sent=1)

    transport = scripted_transport(stall_once)
    message = enqueue()
    assert deliver_due(now=NOW, worker="w1") == DeliveryReport(claimed=1, lapsed=1)
    assert transport.sent == [message.pk, message.pk]
    message.refresh_from_db()
    assert (message.status, message.claimed_by) == ("sent", "w2")


def test_a_slow_worker_finishing_before_anyone_takes_over_spares_the_second_copy(
    scripted_transport,
):
    def lease_runs_out_meanwhile(message):
        services._release_lapsed_claims(now=NOW + CLAIM_LEASE, limit=20)

    transport = scripted_transport(lease_runs_out_meanwhile)
    message = enqueue()
    assert deliver_due(now=NOW, worker="w1") == DeliveryReport(claimed=1, sent=1)
    scripted_transport(lambda message: None)
    assert deliver_due(now=NOW + CLAIM_LEASE, worker="w2") == DeliveryReport()
    assert transport.sent == [message.pk]
    message.refresh_from_db()
    assert (message.status, message.claimed_by) == ("sent", "w1")
