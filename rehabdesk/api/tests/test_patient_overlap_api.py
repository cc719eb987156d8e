"""A patient already booked at a time is refused another visit then (422
`patient_busy`, nothing saved); the front desk may book the overlap on purpose by
saying why (`overlap_reason`), and nobody else may."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db

REASON = "Physio and massage together, agreed with the patient"


def url(name: str, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


def post(client, path: str, body: dict):
    return client.post(path, json.dumps(body), content_type="application/json")


def follow_up(world, start, **fields) -> dict:
    return {
        "patient": world.patient.pk,
        "service": world.follow_up.pk,
        "practitioner": world.physio.pk,
        "location": world.pickering.pk,
        "start": start.isoformat(),
    } | fields


@pytest.fixture
def massage(world) -> Appointment:
    """Patient A's massage at Pickering, 10:00 to 11:00 on Wednesday."""
    request = world.request(at(10, 10), service=world.massage, practitioner=world.massage_therapist)
    return appointment_book(request=request, actor=None, now=NOW)


def rows():
    return list(Appointment.objects.order_by("pk").values())


def test_a_patient_already_booked_then_is_refused_with_patient_busy(
    client, world, personas, massage
):
    client.force_login(personas.front_desk)
    before = rows()
    answer = post(client, url("create_appointment"), follow_up(world, at(10, 10, 30)))
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "patient_busy"
    assert "already has a booking then" in body["detail"]
    assert rows() == before
    # Back to back is no overlap.
    after = post(client, url("create_appointment"), follow_up(world, at(10, 11)))
    assert after.status_code == 201, after.json()


def test_the_desk_books_an_overlap_on_purpose_by_saying_why(client, world, personas, massage):
    client.force_login(personas.front_desk)
    answer = post(
        client,
        url("create_appointment"),
        follow_up(world, at(10, 10, 30), overlap_reason=REASON),
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["overlap_reason"] == REASON
    moved = post(
        client,
        url("reschedule_appointment", appointment_id=answer.json()["id"]),
        {"start": at(10, 10, 15).isoformat(), "overlap_reason": REASON},
    )
    assert (moved.status_code, moved.json()["overlap_reason"]) == (200, REASON)


@pytest.mark.parametrize("persona", ["patient_a", "physio"])
def test_nobody_but_the_desk_may_book_an_overlap(client, world, personas, massage, persona):
    client.force_login(personas.user(persona))
    before = rows()
    answer = post(
        client, url("create_appointment"), follow_up(world, at(10, 14), overlap_reason=REASON)
    )
    assert (answer.status_code, answer.json()["code"]) == (403, "not_allowed")
    moved = post(
        client,
        url("reschedule_appointment", appointment_id=massage.pk),
        {"start": at(10, 14).isoformat(), "overlap_reason": REASON},
    )
    assert (moved.status_code, moved.json()["code"]) == (403, "not_allowed")
    assert rows() == before
