"""Every refusal of the API has the same body: a machine-readable `code`, a `detail`
for people and the `field` at fault, with the status the one table gives the code."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def search(client, world, **params):
    return client.get(
        url("search_availability"),
        {"service": world.follow_up.pk, "location": world.pickering.pk, **params},
    )


def booking(world, **fields):
    return {
        "patient": world.patient.pk,
        "service": world.follow_up.pk,
        "practitioner": world.physio.pk,
        "location": world.pickering.pk,
        "start": at(10, 10).isoformat(),
        **fields,
    }


def refusal(response) -> tuple[int, str, str | None]:
    body = response.json()
    assert body["detail"]
    return response.status_code, body["code"], body.get("field")


def test_an_unknown_id_names_its_field(client, world, personas):
    assert refusal(search(client, world, service=999_999)) == (422, "unknown", "service")
    client.force_login(personas.front_desk)
    answer = post(client, url("create_appointment"), booking(world, practitioner=999_999))
    assert refusal(answer) == (422, "unknown", "practitioner")
    assert not Appointment.objects.exists()


def test_a_search_too_long_or_too_far_ahead_is_out_of_range(client, world):
    too_long = search(client, world, start=at(9, 9).isoformat(), end=at(9, 9).replace(month=8))
    assert refusal(too_long) == (422, "out_of_range", "end")
    too_far = search(client, world, start="2027-09-01T09:00:00-04:00")
    assert refusal(too_far) == (422, "out_of_range", "start")


def test_input_of_the_wrong_shape_is_invalid(client, world, personas):
    assert refusal(search(client, world, start="next tuesday"))[:2] == (422, "invalid")
    client.force_login(personas.front_desk)
    online = post(client, url("create_appointment"), booking(world, channel="online"))
    assert refusal(online) == (422, "invalid", "channel")
    short_key = client.post(
        url("create_appointment"),
        json.dumps(booking(world)),
        content_type="application/json",
        headers={"Idempotency-Key": "short"},
    )
    assert refusal(short_key) == (422, "invalid", "Idempotency-Key")
    assert not Appointment.objects.exists()


def test_an_option_the_callers_role_lacks_is_forbidden(client, world, personas):
    appointment = appointment_book(request=world.request(at(10, 10)), actor=None, now=NOW)
    client.force_login(personas.patient_a.user)
    answer = post(
        client, url("cancel_appointment", appointment_id=appointment.pk), {"waive_fee": True}
    )
    assert refusal(answer) == (403, "not_allowed", None)
    appointment.refresh_from_db()
    assert appointment.status == "booked"


def test_a_time_taken_is_a_conflict_with_the_next_free_times(client, world, personas):
    appointment_book(request=world.request(at(10, 10)), actor=None, now=NOW)
    client.force_login(personas.front_desk)
    answer = post(client, url("create_appointment"), booking(world, patient=world.other_patient.pk))
    assert refusal(answer)[:2] == (409, "slot_unavailable")
    assert answer.json()["alternatives"]
