"""Speed: a fan-out of 1,000 events is delivered to a local receiver within a minute, by
the outbox's own rounds (deliver_due, batches of 20, as run_worker drains them)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from django.db import transaction

from rehabdesk.core.events import event_publish
from rehabdesk.notifications.choices import MessageChannel, MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.services import deliver_due
from rehabdesk.webhooks.choices import WebhookEvent
from rehabdesk.webhooks.models import WebhookDelivery
from rehabdesk.webhooks.services import endpoint_create
from rehabdesk.webhooks.tests.receiver import receiver

pytestmark = pytest.mark.django_db

EVENTS = 1000
NOW = datetime(2027, 3, 8, 13, 0, tzinfo=UTC)


def test_a_thousand_events_reach_a_local_receiver_within_a_minute(personas):
    with receiver() as box:
        endpoint_create(
            url=box.url,
            description="bench",
            event_types=[WebhookEvent.PATIENT_CREATED],
            actor=personas.manager,
            now=NOW,
        )
        started = time.monotonic()
        with transaction.atomic():
            for patient_id in range(1, EVENTS + 1):
                event_publish(type="patient.created", data={"patient_id": patient_id}, now=NOW)
        fanned_out = time.monotonic() - started
        sent = 0
        while sent < EVENTS and time.monotonic() - started < 60:
            report = deliver_due(now=NOW, worker="bench", batch=20)
            sent += report.sent
            if not report.claimed:
                break
        elapsed = time.monotonic() - started
    print(
        f"\nwebhook fan-out: {EVENTS} events queued in {fanned_out:.2f} s, "
        f"delivered in {elapsed:.2f} s ({EVENTS / elapsed:.0f}/s)"
    )
    assert sent == EVENTS
    assert len(box.received) == EVENTS
    assert elapsed < 60
    assert (
        not OutboxMessage.objects.filter(channel=MessageChannel.WEBHOOK)
        .exclude(status=MessageStatus.SENT)
        .exists()
    )
    assert WebhookDelivery.objects.filter(status_code=200).count() == EVENTS
