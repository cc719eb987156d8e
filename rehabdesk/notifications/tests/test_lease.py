"""A claim is a lease of seconds on the database's clock, kept alive by its worker
between sends (the heartbeat). A worker that stops mid-send loses it, and another
worker sends the message — the one case where a patient may get a message twice."""

import time
from datetime import timedelta

import pytest

from rehabdesk.notifications import services
from rehabdesk.notifications.choices import MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.services import MAX_ATTEMPTS, DeliveryReport, deliver_due
from rehabdesk.notifications.testing import NOW, enqueue, leases_run_out

pytestmark = pytest.mark.django_db
LATER = NOW + timedelta(minutes=1)


class WorkerKilled(BaseException):
    """Stands for the process dying mid-send: nothing after it runs."""


def kill_the_first_send(scripted_transport):
    killed = []

    def die_once(message):
        if not killed:
            killed.append(message.pk)
            raise WorkerKilled

    return scripted_transport(die_once)


def test_a_claim_is_taken_over_only_once_its_lease_has_run_out(scripted_transport):
    transport = kill_the_first_send(scripted_transport)
    message = enqueue()
    with pytest.raises(WorkerKilled):
        deliver_due(now=NOW, worker="w1")
    message.refresh_from_db()
    assert (message.status, message.claimed_by, message.attempts) == ("sending", "w1", 1)

    # However late the other worker's clock says it is, the database's says the lease runs.
    assert deliver_due(now=NOW + timedelta(days=365), worker="w2") == DeliveryReport()
    leases_run_out()
    report = deliver_due(now=LATER, worker="w2")
    assert report == DeliveryReport(released=1, claimed=1, sent=1)
    assert transport.sent == [message.pk]
    message.refresh_from_db()
    assert (message.status, message.claimed_by, message.attempts) == ("sent", "w2", 2)
    assert message.last_error.startswith("The worker stopped")
    assert (message.claim_token, message.lease_until) == ("", None)


def test_a_lapsed_claim_on_the_last_try_is_given_up(scripted_transport):
    kill_the_first_send(scripted_transport)
    message = enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=MAX_ATTEMPTS - 1)
    with pytest.raises(WorkerKilled):
        deliver_due(now=NOW, worker="w1")
    leases_run_out()
    report = deliver_due(now=LATER, worker="w2")
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
            leases_run_out()
            takeover = deliver_due(now=LATER, worker="w2")
            assert takeover == DeliveryReport(released=1, claimed=1, sent=1)

    transport = scripted_transport(stall_once)
    message = enqueue()
    assert deliver_due(now=NOW, worker="w1") == DeliveryReport(claimed=1, lapsed=1)
    assert transport.sent == [message.pk, message.pk]
    message.refresh_from_db()
    assert (message.status, message.claimed_by, message.sent_at) == ("sent", "w2", LATER)


def test_a_slow_worker_finishing_before_anyone_takes_over_spares_the_second_copy(
    scripted_transport,
):
    def lease_runs_out_meanwhile(message):
        leases_run_out()
        services._release_lapsed_claims(now=LATER, limit=20)

    transport = scripted_transport(lease_runs_out_meanwhile)
    message = enqueue()
    assert deliver_due(now=NOW, worker="w1") == DeliveryReport(claimed=1, sent=1)
    scripted_transport(lambda message: None)
    assert deliver_due(now=LATER, worker="w2") == DeliveryReport()
    assert transport.sent == [message.pk]
    message.refresh_from_db()
    assert (message.status, message.claimed_by) == ("sent", "w1")


def test_a_worker_never_sends_what_it_learns_at_a_renewal_was_taken_over(
    scripted_transport, monkeypatch
):
    """Worker 1 stalls on its first message past the lease of both; worker 2 takes both
    over and sends them. Worker 1's renewal before its second send finds that one gone:
    it neither sends it nor records anything on either."""
    monkeypatch.setattr(services, "RENEW_FRACTION", 0)  # renew before every send
    stalled = []

    def stall_once(message):
        if not stalled:
            stalled.append(message.pk)
            leases_run_out()
            assert deliver_due(now=LATER, worker="w2") == DeliveryReport(
                released=2, claimed=2, sent=2
            )

    transport = scripted_transport(stall_once)
    first, second = enqueue("a@mail.example"), enqueue("b@mail.example")
    assert deliver_due(now=NOW, worker="w1") == DeliveryReport(claimed=2, lapsed=2)
    assert transport.sent == [first.pk, second.pk, first.pk]
    assert set(OutboxMessage.objects.values_list("status", "claimed_by", "attempts")) == {
        ("sent", "w2", 2)
    }


@pytest.mark.parametrize(("renew_fraction", "taken_over"), [(1 / 3, False), (100, True)])
def test_the_heartbeat_keeps_a_batch_longer_than_its_lease(
    scripted_transport, monkeypatch, renew_fraction, taken_over
):
    """A one-second lease and sends of 0.3 s: the batch of five outlives the lease, yet
    a rival looking between sends finds nothing lapsed — unless the worker stops
    renewing (a renewal once every 100 leases)."""
    monkeypatch.setattr(services, "RENEW_FRACTION", renew_fraction)
    released = []

    def slow_send_then_a_rival_looks(message):
        time.sleep(0.3)
        released.append(services._release_lapsed_claims(now=LATER, limit=20)[0])

    scripted_transport(slow_send_then_a_rival_looks)
    for index in range(5):
        enqueue(f"patient{index}@mail.example")
    report = deliver_due(now=NOW, worker="w1", lease=timedelta(seconds=1))
    # Put back but not yet taken again, the lapsed ones are still recorded as sent.
    assert report == DeliveryReport(claimed=5, sent=5)
    assert (sum(released) > 0) is taken_over


def test_a_lease_shorter_than_a_second_is_refused():
    with pytest.raises(ValueError, match="lease"):
        deliver_due(now=NOW, worker="w1", lease=timedelta(milliseconds=500))


def test_every_try_at_a_message_hands_the_channel_one_idempotency_key_of_its_own(
    scripted_transport,
):
    tries: list[tuple[int, str]] = []

    def first_try_fails(message):
        tries.append((message.pk, message.idempotency_key))
        if len(tries) == 1:
            raise OSError("connection lost")

    scripted_transport(first_try_fails)
    first, second = enqueue("a@mail.example"), enqueue("b@mail.example")
    deliver_due(now=LATER, worker="w1")
    deliver_due(now=LATER + timedelta(minutes=1), worker="w2")

    key = first.idempotency_key
    assert tries == [(first.pk, key), (second.pk, second.idempotency_key), (first.pk, key)]
    assert key == f"outbox-{first.pk}-{int(NOW.timestamp())}" != second.idempotency_key
