"""An `Idempotency-Key` makes a retry safe: the same request sent again answers what the
first one made, before any rule is looked at again, and books nothing more. A key
means one request — the operation (hold or book), every field of the body, and the
account that sent it — so nothing else is ever taken for it; and a retry after the
booking was cancelled says so instead of answering as if it stood."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import PatientEligibility
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db

KEY = "retry-7f3a9c1d"


def url(name: str, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


def booking(world, start, **fields) -> dict:
    return {
        "patient": world.patient.pk,
        "service": world.follow_up.pk,
        "practitioner": world.physio.pk,
        "location": world.pickering.pk,
        "start": start.isoformat(),
    } | fields


def send(client, name: str, body: dict, key: str = KEY):
    return client.post(
        url(name), json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def rows():
    return list(Appointment.objects.order_by("pk").values())


def test_a_key_first_used_to_hold_a_time_does_not_book_it(client, world, personas):
    client.force_login(personas.front_desk)
    held = send(client, "create_hold", booking(world, at(10, 10)))
    assert (held.status_code, held.json()["status"]) == (201, "pending")
    before = rows()
    booked = send(client, "create_appointment", booking(world, at(10, 10)))
    assert (booked.status_code, booked.json()["code"]) == (409, "idempotency_mismatch")
    assert rows() == before


def test_a_key_first_used_to_book_does_not_hold(client, world, personas):
    client.force_login(personas.front_desk)
    assert send(client, "create_appointment", booking(world, at(10, 10))).status_code == 201
    before = rows()
    held = send(client, "create_hold", booking(world, at(10, 10)))
    assert (held.status_code, held.json()["code"]) == (409, "idempotency_mismatch")
    assert rows() == before


def test_a_retried_booking_answers_its_first_answer_before_any_rule_is_checked_again(
    client, world, personas
):
    """A new-patients-only assessment made the patient known; its retry must not be
    refused for that, nor for the patient now being busy at that time."""
    world.follow_up.patient_eligibility = PatientEligibility.NEW_ONLY
    clinic_services.service_save(service=world.follow_up, on=NOW.date())
    client.force_login(personas.front_desk)
    first = send(client, "create_appointment", booking(world, at(10, 10)))
    assert first.status_code == 201, first.json()
    again = send(client, "create_appointment", booking(world, at(10, 10)))
    assert (again.status_code, again.json()) == (201, first.json())
    assert len(rows()) == 1


def test_a_key_belongs_to_the_account_that_used_it(client, world, personas):
    client.force_login(personas.front_desk)
    first = send(client, "create_appointment", booking(world, at(10, 10)))
    before = rows()
    client.force_login(personas.manager)
    other = send(client, "create_appointment", booking(world, at(10, 10)))
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_mismatch")
    assert str(first.json()["id"]) not in json.dumps(other.json())
    assert rows() == before


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param({"note": "Prefers Room 2"}, id="note"),
        pytest.param({"channel": "walk-in"}, id="channel"),
        pytest.param({"start": at(10, 11).isoformat()}, id="start"),
    ],
)
def test_a_retry_that_differs_in_any_field_is_refused(client, world, personas, changed):
    client.force_login(personas.front_desk)
    send(client, "create_appointment", booking(world, at(10, 10), note="Prefers Room 1"))
    before = rows()
    answer = send(
        client, "create_appointment", booking(world, at(10, 10), note="Prefers Room 1") | changed
    )
    assert (answer.status_code, answer.json()["code"]) == (409, "idempotency_mismatch")
    assert rows() == before


def test_a_retry_after_the_booking_was_cancelled_says_it_was_cancelled(client, world, personas):
    client.force_login(personas.front_desk)
    first = send(client, "create_appointment", booking(world, at(10, 10))).json()
    client.post(
        url("cancel_appointment", appointment_id=first["id"]),
        json.dumps({"by": "clinic"}),
        content_type="application/json",
    )
    before = rows()
    again = send(client, "create_appointment", booking(world, at(10, 10)))
    assert (again.status_code, again.json()["code"]) == (409, "already_cancelled")
    assert "cancelled" in again.json()["detail"]
    assert rows() == before
