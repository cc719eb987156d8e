"""Events reach the endpoints that asked for them, through the outbox: signed POSTs to a
receiver on 127.0.0.1, retried with the outbox's backoff, logged with their status
codes, and an endpoint turned off (its managers told) after repeated failures. The
payload carries ids and times, never who the patient is or why they come."""

from __future__ import annotations

import json
from datetime import UTC, timedelta

import pytest
from django.db import transaction
from standardwebhooks.webhooks import Webhook

from rehabdesk.core.events import event_publish
from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.services import deliver_due
from rehabdesk.patients.models import Patient
from rehabdesk.patients.services import patient_create
from rehabdesk.scheduling.choices import CancelledBy, Channel
from rehabdesk.scheduling.services import (
    appointment_arrive,
    appointment_book,
    appointment_cancel,
    appointment_mark_noshow,
    appointment_reschedule,
)
from rehabdesk.scheduling.testing import NOW, at, build_booking_world
from rehabdesk.webhooks.choices import WebhookErrorCode, WebhookEvent
from rehabdesk.webhooks.errors import WebhookError
from rehabdesk.webhooks.models import WebhookDelivery, WebhookEndpoint
from rehabdesk.webhooks.services import endpoint_create, endpoint_enable, endpoint_send_test
from rehabdesk.webhooks.tests.receiver import receiver

pytestmark = pytest.mark.django_db

ALL = list(WebhookEvent.values)
# Everything an event's data may hold: ids, times and the appointment's status code.
ALLOWED_KEYS = {
    "appointment_id",
    "patient_id",
    "practitioner_id",
    "location_id",
    "invoice_id",
    "endpoint_id",
    "start",
    "end",
    "issued_at",
    "status",
}


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def register(personas, url, events=ALL):
    return endpoint_create(
        url=url, description="Reporting", event_types=events, actor=personas.manager, now=NOW
    )


def webhook_rows():
    return list(OutboxMessage.objects.filter(channel=MessageChannel.WEBHOOK).order_by("pk"))


def payloads():
    return [json.loads(row.body_text) for row in webhook_rows()]


def test_booking_moving_cancelling_checking_in_and_no_shows_become_events(personas, world):
    register(personas, "http://127.0.0.1:9/hook")
    only_booked = register(personas, "http://127.0.0.1:9/other", [WebhookEvent.APPOINTMENT_BOOKED])
    first = appointment_book(request=world.request(at(10, 10)), actor=None, now=NOW)
    appointment_reschedule(
        appointment=first, start=at(10, 11), actor=None, now=NOW, channel=Channel.STAFF
    )
    appointment_cancel(appointment=first, by=CancelledBy.CLINIC, actor=None, now=NOW)
    second = appointment_book(request=world.request(at(11, 10)), actor=None, now=NOW)
    appointment_arrive(appointment=second, actor=None, now=at(11, 9, 50))
    third = appointment_book(request=world.request(at(12, 10)), actor=None, now=NOW)
    appointment_mark_noshow(appointment=third, actor=None, now=at(12, 10, 30))

    types = [(row.recipient, p["type"]) for row, p in zip(webhook_rows(), payloads(), strict=True)]
    general = [t for r, t in types if r != str(only_booked.endpoint.pk)]
    assert general == [
        "appointment.booked",
        "appointment.moved",
        "appointment.cancelled",
        "appointment.booked",
        "appointment.checked_in",
        "appointment.booked",
        "appointment.no_show",
    ]
    assert [t for r, t in types if r == str(only_booked.endpoint.pk)] == ["appointment.booked"] * 3
    moved = payloads()[2]  # after the first booking's two rows
    assert moved["data"]["appointment_id"] == first.pk
    assert moved["type"] == "appointment.moved"
    assert moved["data"]["start"] == at(10, 11).astimezone(UTC).isoformat(timespec="seconds")


def test_the_payload_has_ids_and_times_and_no_clinical_content(personas, world):
    register(personas, "http://127.0.0.1:9/hook")
    appointment = appointment_book(request=world.request(at(10, 10)), actor=None, now=NOW)
    patient = Patient.objects.get(pk=appointment.patient_id)
    for payload, row in zip(payloads(), webhook_rows(), strict=True):
        assert set(payload) == {"type", "timestamp", "data"}
        assert set(payload["data"]) <= ALLOWED_KEYS
        for value in payload["data"].values():
            assert value is None or isinstance(value, int) or value[:2] == "20" or value.isalpha()
        for private in (patient.legal_name, patient.email, appointment.service.name):
            if private:
                assert private not in row.body_text
        assert row.subject == payload["type"]


def test_a_rolled_back_booking_sends_no_event(personas, world):
    register(personas, "http://127.0.0.1:9/hook")

    def book_then_fail():
        with transaction.atomic():
            appointment_book(request=world.request(at(10, 10)), actor=None, now=NOW)
            raise RuntimeError("the caller changed its mind")

    with pytest.raises(RuntimeError):
        book_then_fail()
    assert webhook_rows() == []


def test_a_new_patient_is_an_event_with_its_id_only(personas):
    register(personas, "http://127.0.0.1:9/hook", [WebhookEvent.PATIENT_CREATED])
    patient = patient_create(
        actor=personas.front_desk,
        patient=Patient(
            first_name="Webhook",
            last_name="Person",
            date_of_birth=NOW.date().replace(year=1980),
            email="webhook.person@example.com",
        ),
        confirm_not_duplicate=True,
    )
    [payload] = payloads()
    assert payload["type"] == "patient.created"
    assert payload["data"] == {"patient_id": patient.pk}
    for private in ("Webhook", "Person", "webhook.person"):
        assert private not in webhook_rows()[0].body_text


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
