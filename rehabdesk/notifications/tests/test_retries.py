"""A mail server that is down: every message is tried again later, with growing waits,
until it goes — or, after the last try, is kept as failed. Nothing is lost."""

from collections import Counter
from datetime import timedelta

import pytest

from rehabdesk.notifications.choices import MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.selectors import messages_failed
from rehabdesk.notifications.services import (
    MAX_ATTEMPTS,
    DeliveryReport,
    deliver_due,
    retry_delay,
)
from rehabdesk.notifications.testing import NOW, enqueue

pytestmark = pytest.mark.django_db
MINUTE = timedelta(minutes=1)


def test_the_waits_double_from_a_minute_up_to_an_hour():
    assert [retry_delay(n) for n in range(1, 10)] == [
        MINUTE * m for m in (1, 2, 4, 8, 16, 32, 60, 60, 60)
    ]
    assert retry_delay(1000) == timedelta(hours=1)


def test_a_refused_connection_is_retried_with_back_off_and_then_delivered(
    mail_server_down, mailoutbox, settings
):
    messages = [enqueue(f"patient{i}@mail.example") for i in range(3)]

    report = deliver_due(now=NOW, worker="w1")
    assert report == DeliveryReport(claimed=3, retrying=3)
    for message in messages:
        message.refresh_from_db()
        assert message.status == MessageStatus.PENDING
        assert message.attempts == 1
        assert message.available_at == NOW + MINUTE
        assert message.last_error.startswith("ConnectionRefusedError")
        assert "Hello" not in message.last_error

    assert deliver_due(now=NOW + MINUTE - timedelta(seconds=1), worker="w1") == DeliveryReport()
    assert deliver_due(now=NOW + MINUTE, worker="w1").retrying == 3
    assert {m.available_at for m in OutboxMessage.objects.all()} == {NOW + 3 * MINUTE}

    # The mail server is back.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_due(now=NOW + 3 * MINUTE, worker="w1") == DeliveryReport(claimed=3, sent=3)
    assert Counter(email.to[0] for email in mailoutbox) == {
        f"patient{i}@mail.example": 1 for i in range(3)
    }
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sent", 3)}


def test_after_the_last_try_the_message_is_kept_as_failed(mail_server_down, mailoutbox):
    message = enqueue()
    now = NOW
    for attempt in range(1, MAX_ATTEMPTS + 1):
        report = deliver_due(now=now, worker="w1")
        message.refresh_from_db()
        assert message.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert report == DeliveryReport(claimed=1, retrying=1)
            assert message.available_at == now + retry_delay(attempt)
            now = message.available_at
    assert report == DeliveryReport(claimed=1, failed=1)
    assert message.status == MessageStatus.FAILED
    assert message.last_error.startswith("ConnectionRefusedError")
    assert list(messages_failed()) == [message]
    assert deliver_due(now=now + timedelta(days=30), worker="w1") == DeliveryReport()
    assert OutboxMessage.objects.count() == 1
    assert mailoutbox == []
