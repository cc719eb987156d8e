"""Webhooks hear the domain's events (core/events.py): booking, moving, cancelling,
checking in and no-shows, new patients. Each becomes an outbox row per endpoint that
asked for it, in the same transaction, with ids and times only. (Here, not in the
webhooks app's tests: the webhooks app sits below the apps that publish the events.)"""

from __future__ import annotations

import json
from datetime import UTC
from decimal import Decimal

import pytest
from django.db import transaction

from rehabdesk.billing.models import Product
from rehabdesk.billing.services import ProductLine, invoice_for_sale
from rehabdesk.clinic.models import Location, TaxCategory
from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.models import OutboxMessage
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
from rehabdesk.webhooks.choices import WebhookEvent
from rehabdesk.webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db

ALL = list(WebhookEvent.values)
# Everything an event's data may hold: ids, times and the appointment's status code.
ALLOWED_KEYS = {
    "appointment_id",
    "patient_id",
    "practitioner_id",
    "location_id",
    "invoice_id",
    "start",
    "end",
    "issued_at",
    "status",
}


def register(personas, url, events=ALL):
    return endpoint_create(
        url=url, description="Reporting", event_types=events, actor=personas.manager, now=NOW
    )


def webhook_rows():
    return list(OutboxMessage.objects.filter(channel=MessageChannel.WEBHOOK).order_by("pk"))


def payloads():
    return [json.loads(row.body_text) for row in webhook_rows()]


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


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


def test_an_issued_invoice_is_an_event_without_amounts(personas):
    register(personas, "http://127.0.0.1:9/hook", [WebhookEvent.INVOICE_ISSUED])
    clinic = personas.pickering.clinic
    brace = Product.objects.create(
        clinic=clinic,
        name="Knee brace",
        price=Decimal("40.00"),
        tax_category=TaxCategory.objects.get(code="general-taxable"),
    )
    location = Location.objects.select_related("clinic").get(pk=personas.pickering.pk)
    invoice = invoice_for_sale(
        patient=personas.patient_a,
        location=location,
        products=[ProductLine(product=brace)],
        by=personas.front_desk,
        now=NOW,
    )
    [payload] = payloads()
    assert payload["type"] == "invoice.issued"
    assert payload["data"] == {
        "invoice_id": invoice.pk,
        "patient_id": personas.patient_a.pk,
        "location_id": location.pk,
        "appointment_id": None,
        "issued_at": NOW.astimezone(UTC).isoformat(timespec="seconds"),
    }
    assert set(payload["data"]) <= ALLOWED_KEYS
    # "40.0", not "40": an id may hold those digits (invoice 240 did, on PostgreSQL).
    for private in ("40.0", "Knee", "brace"):
        assert private not in webhook_rows()[0].body_text
