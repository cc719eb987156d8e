"""Events reach the endpoints that asked for them, through the outbox: signed POSTs to a
receiver on 127.0.0.1, retried with the outbox's backoff, logged with their status
codes, and an endpoint turned off (its managers told) after repeated failures.
(Events from booking and new patients: rehabdesk/tests/test_webhook_events.py.)"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from rehabdesk.core.events import event_publish
from rehabdesk.notifications.choices import MessageChannel, MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.selectors import messages_failed
from rehabdesk.notifications.services import deliver_due
from rehabdesk.webhooks.choices import WebhookErrorCode, WebhookEvent
from rehabdesk.webhooks.errors import WebhookError
from rehabdesk.webhooks.models import WebhookDelivery, WebhookEndpoint
from rehabdesk.webhooks.services import endpoint_create, endpoint_enable, endpoint_send_test
from rehabdesk.webhooks.tests.receiver import receiver

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 8, 13, 0, tzinfo=UTC)
ALL = list(WebhookEvent.values)


def register(personas, url, events=ALL):
    return endpoint_create(
        url=url, description="Reporting", event_types=events, actor=personas.manager, now=NOW
    )


def webhook_rows():
    return list(OutboxMessage.objects.filter(channel=MessageChannel.WEBHOOK).order_by("pk"))


def test_a_turned_off_endpoint_and_unknown_events_get_nothing(personas):
    created = register(personas, "http://127.0.0.1:9/hook")
    WebhookEndpoint.objects.filter(pk=created.endpoint.pk).update(active=False, disabled_at=NOW)
    event_publish(type="patient.created", data={"patient_id": 1}, now=NOW)
    event_publish(type="something.else", data={}, now=NOW)
    assert webhook_rows() == []


def test_a_delivery_is_signed_and_logged(personas):
    with receiver() as box:
        created = register(personas, box.url)
        event_publish(type="patient.created", data={"patient_id": 41}, now=NOW)
        report = deliver_due(now=NOW, worker="test")
    assert report.sent == 1
    [got] = box.received
    assert got.path == "/hook"
    Webhook(created.secret).verify(got.body, got.headers)
    row = webhook_rows()[0]
    assert got.headers["webhook-id"].startswith("msg_")
    assert got.body.decode() == row.body_text
    assert json.loads(got.body)["data"] == {"patient_id": 41}
    [delivery] = WebhookDelivery.objects.all()
    assert (delivery.status_code, delivery.attempt, delivery.error) == (200, 1, "")
    assert delivery.message_id == got.headers["webhook-id"]


def test_failures_are_retried_with_backoff_and_the_same_id(personas):
    with receiver() as box:
        register(personas, box.url)
        box.answers = [500, 302, 200]
        event_publish(type="patient.created", data={"patient_id": 41}, now=NOW)
        assert deliver_due(now=NOW, worker="t").retrying == 1
        row = webhook_rows()[0]
        assert row.available_at == NOW + timedelta(minutes=1)
        assert deliver_due(now=NOW + timedelta(seconds=59), worker="t").claimed == 0
        assert deliver_due(now=NOW + timedelta(minutes=1), worker="t").retrying == 1
        assert webhook_rows()[0].available_at == NOW + timedelta(minutes=3)  # then 2 minutes
        assert deliver_due(now=NOW + timedelta(minutes=3), worker="t").sent == 1
    assert len(box.received) == 3  # the redirect was not followed
    assert len({got.headers["webhook-id"] for got in box.received}) == 1
    log = list(WebhookDelivery.objects.order_by("at", "pk").values_list("attempt", "status_code"))
    assert log == [(1, 500), (2, 302), (3, 200)]
    assert WebhookEndpoint.objects.get().consecutive_failures == 0


def test_repeated_failures_turn_the_endpoint_off_and_tell_the_managers(personas, settings):
    settings.WEBHOOKS_DISABLE_AFTER = 3
    with receiver() as box:
        created = register(personas, box.url)
        box.answers = [503] * 10
        for patient_id in (1, 2, 3):
            event_publish(type="patient.created", data={"patient_id": patient_id}, now=NOW)
        assert deliver_due(now=NOW, worker="t").retrying == 3
        endpoint = WebhookEndpoint.objects.get()
        # Turned off at the real time of the try (the transport's clock: see transport.py).
        assert (endpoint.active, endpoint.consecutive_failures) == (False, 3)
        assert endpoint.disabled_at is not None
        told = OutboxMessage.objects.filter(kind="webhook_disabled")
        assert sorted(told.values_list("recipient", flat=True)) == sorted(
            {personas.manager.email, personas.privacy_officer.email}
        )
        assert box.url.split("/hook")[0].split("//")[1].split(":")[0] in told[0].body_text
        # What was queued for it fails for good at its next try; nothing more is sent.
        report = deliver_due(now=NOW + timedelta(hours=1), worker="t")
        assert report.failed == 3
        # Given up on, they stay on the endpoint's log, not on the desk's list of
        # patients to phone.
        assert OutboxMessage.objects.filter(status=MessageStatus.FAILED).count() == 3
        assert list(messages_failed()) == []
        assert len(box.received) == 3
        # A manager turns it back on: its failures are forgotten, a test event goes out.
        endpoint_enable(endpoint=endpoint, actor=personas.manager, now=NOW)
        box.answers = []
        endpoint_send_test(endpoint=created.endpoint, actor=personas.manager, now=NOW)
        assert deliver_due(now=NOW + timedelta(hours=1), worker="t").sent >= 1
    assert json.loads(box.received[-1].body)["type"] == "webhook.test"
    assert WebhookEndpoint.objects.get().consecutive_failures == 0


def test_delivery_checks_the_address_again(personas, settings):
    with receiver() as box:
        register(personas, box.url)
        settings.WEBHOOKS_ALLOW_PRIVATE = False
        event_publish(type="patient.created", data={"patient_id": 41}, now=NOW)
        assert deliver_due(now=NOW, worker="t").retrying == 1
    assert box.received == []
    assert WebhookDelivery.objects.get().error == f"refused: {WebhookErrorCode.URL_SCHEME}"


def test_registration_refuses_bad_input_and_writes_nothing(personas, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    for url, events, code in (
        ("https://10.0.0.1/hook", ALL, WebhookErrorCode.HOST_PRIVATE),
        ("https://8.8.8.8/hook", [], WebhookErrorCode.NO_EVENTS),
        ("https://8.8.8.8/hook", ["appointment.booked", "x.y"], WebhookErrorCode.UNKNOWN_EVENT),
    ):
        with pytest.raises(WebhookError) as caught:
            register(personas, url, events)
        assert caught.value.code == code
    assert not WebhookEndpoint.objects.exists()
