"""Leases are written and judged by the database's clock, never the worker's: on SQLite,
which keeps instants as text (to the microsecond, its Now() to the millisecond), as on
PostgreSQL. Run on both databases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.db.models import Expression
from django.db.models.functions import Now
from django.utils import timezone

from rehabdesk.notifications import services
from rehabdesk.notifications.choices import MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.services import deliver_due
from rehabdesk.notifications.testing import NOW, enqueue

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)


def test_a_claim_is_leased_for_its_length_from_the_database_s_clock(scripted_transport):
    seen: list[datetime] = []
    scripted_transport(lambda message: seen.append(OutboxMessage.objects.get().lease_until))
    skewed = timezone.now() - timedelta(days=400)  # the worker's clock is far behind
    enqueue(now=skewed)
    before = timezone.now()
    deliver_due(now=skewed, worker="w1", lease=30 * SECOND)
    after = timezone.now()
    # The database runs on this machine's clock; its `now`, not the worker's, counts.
    assert before + 29 * SECOND <= seen[0] <= after + 31 * SECOND


def sending_until(lease_until: datetime | Expression) -> OutboxMessage:
    message = enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING,
        claimed_by="w1",
        claimed_at=NOW,
        claim_token="t1",
        lease_until=lease_until,
    )
    return message


LEASE_ENDS: dict[str, tuple[Callable[[], datetime | Expression], bool]] = {
    # Instants written by Django (SQLite: microseconds, or none when they are zero) ...
    "two seconds ago": (lambda: timezone.now() - 2 * SECOND, True),
    "two seconds ago, whole": (lambda: (timezone.now() - 2 * SECOND).replace(microsecond=0), True),
    "in two seconds": (lambda: timezone.now() + 2 * SECOND, False),
    "in two seconds, whole": (lambda: (timezone.now() + 3 * SECOND).replace(microsecond=0), False),
    # ... and by the database itself, a moment either side of its now.
    "50 ms ago, by the database": (lambda: Now() - timedelta(milliseconds=50), True),
    "in 500 ms, by the database": (lambda: services.lease_end(timedelta(milliseconds=500)), False),
    "an hour ahead, by the database": (lambda: services.lease_end(timedelta(hours=1)), False),
}


@pytest.mark.parametrize("ends", LEASE_ENDS.values(), ids=LEASE_ENDS.keys())
def test_a_lease_is_lapsed_exactly_when_the_database_s_clock_has_passed_it(ends):
    lease_until, lapsed = ends
    message = sending_until(lease_until())
    # The worker's clock says a year later: it does not matter.
    released, _ = services._release_lapsed_claims(now=NOW + timedelta(days=365), limit=20)
    message.refresh_from_db()
    assert (released, message.status) == (
        (1, MessageStatus.PENDING) if lapsed else (0, MessageStatus.SENDING)
    )


def test_a_renewal_moves_the_lease_on_from_the_database_s_now(scripted_transport, monkeypatch):
    monkeypatch.setattr(services, "RENEW_FRACTION", 0)  # renew before every send
    seen: list[datetime] = []
    scripted_transport(
        lambda message: seen.append(OutboxMessage.objects.get(pk=message.pk).lease_until)
    )
    enqueue("a@mail.example")
    enqueue("b@mail.example")
    before = timezone.now()
    deliver_due(now=NOW, worker="w1", lease=timedelta(hours=1))
    assert len(seen) == 2
    assert all(
        before + timedelta(minutes=59) < until < before + timedelta(minutes=61) for until in seen
    )
    assert seen[0] <= seen[1]
