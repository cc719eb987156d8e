"""The JSON API: searching and booking, with clear 4xx answers to bad input."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.models import AuditEvent
from rehabdesk.clinic.services import picture_set
from rehabdesk.clinic.testing import make_practitioner, make_registration, make_shift, png_bytes
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import at

NOT_FOUND = {"code": "not_found", "detail": "Not found.", "field": None}
pytestmark = pytest.mark.django_db


def url(name: str, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


def search(client, world, **params):
    query = {"service": world.follow_up.pk, "location": world.pickering.pk}
    query.update(params)
    return client.get(url("search_availability"), query)


def booking(world, start, **fields) -> dict:
    body = {
        "patient": world.patient.pk,
        "service": world.follow_up.pk,
        "practitioner": world.physio.pk,
        "location": world.pickering.pk,
        "start": start.isoformat(),
    }
    body.update(fields)
    return body


def post(client, name, body, **headers):
    return client.post(url(name), json.dumps(body), content_type="application/json", **headers)


def test_anyone_can_list_services_locations_and_the_team(client, world):
    services = client.get(url("list_services")).json()
    massage = next(s for s in services if s["name"] == "Massage, 60 minutes")
    assert (massage["tax"], massage["total"]) == ("11.05", "96.05")
    assert [loc["name"] for loc in client.get(url("list_locations")).json()] == [
        "Milton",
        "Pickering",
    ]
    team = client.get(url("list_practitioners")).json()
    assert {p["display_name"] for p in team} == {"Priya Physio", "Olivia Massage"}
    assert {p["photo_url"] for p in team} == {""}


def test_the_team_gives_each_photo_s_full_address(client, world):
    sha = picture_set(owner=world.physio, data=png_bytes(), now=timezone.now())

    team = {p["display_name"]: p for p in client.get(url("list_practitioners")).json()}

    assert team["Priya Physio"]["photo_url"] == f"http://testserver/pictures/{sha}/"
    assert client.get(team["Priya Physio"]["photo_url"]).status_code == 200
    assert team["Olivia Massage"]["photo_url"] == ""


def test_it_answers_the_next_free_times_earliest_first(client, world):
    answer = search(client, world, start=at(10, 9).isoformat(), limit=3).json()
    assert [slot["start"] for slot in answer["slots"]] == [
        "2027-03-10T14:00:00Z",
        "2027-03-10T14:15:00Z",
        "2027-03-10T14:30:00Z",
    ]
    assert answer["reason"] is None


def test_it_says_why_nothing_is_free(client, world):
    saturday = at(13, 0)
    answer = search(
        client, world, start=saturday.isoformat(), end=(saturday + timedelta(days=1)).isoformat()
    ).json()
    assert answer == {"slots": [], "reason": "closed"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2027-03-10T09:00:00"}, "start: Input should have timezone info"),
        (
            {"start": "2027-03-10T09:00:00-05:00", "end": "2027-03-09T09:00:00-05:00"},
            "end must be after start",
        ),
        ({"service": 999_999}, "Unknown service 999999."),
        ({"location": 999_999}, "Unknown or inactive location."),
        ({"start": "2027-09-01T09:00:00-04:00"}, "Bookings open 90 days ahead"),
        ({"limit": 0}, "limit: Input should be greater than or equal to 1"),
        ({"start": "next tuesday"}, "start: Input should be a valid datetime"),
    ],
)
def test_it_refuses_bad_searches_with_a_clear_message(client, world, params, message):
    response = search(client, world, **params)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_staff_book_by_phone_and_the_booking_is_on_file(client, world, personas):
    client.force_login(personas.front_desk)
    response = post(client, "create_appointment", booking(world, at(10, 10), channel="phone"))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["channel"], body["start"]) == (
        "booked",
        "phone",
        "2027-03-10T15:00:00Z",
    )
    assert AuditEvent.objects.filter(object_type="scheduling.appointment", action="create").exists()


def test_a_guardian_books_for_their_child_but_not_for_another_family(client, world, personas):
    client.force_login(personas.guardian.user)
    for_child = post(
        client, "create_appointment", booking(world, at(10, 10), patient=personas.child.pk)
    )
    assert for_child.status_code == 201
    assert for_child.json()["channel"] == "online"
    for_stranger = post(
        client, "create_appointment", booking(world, at(10, 11), patient=personas.patient_b.pk)
    )
    assert for_stranger.status_code == 404
    assert for_stranger.json() == NOT_FOUND
    assert AuditEvent.objects.latest("pk").action == "deny"


def test_a_taken_time_answers_409_with_alternatives(client, world, personas):
    client.force_login(personas.front_desk)
    assert post(client, "create_appointment", booking(world, at(10, 10))).status_code == 201
    again = post(
        client, "create_appointment", booking(world, at(10, 10), patient=personas.patient_b.pk)
    )
    assert again.status_code == 409
    body = again.json()
    assert body["code"] == "slot_unavailable"
    # The next free time after the one asked for: 10:00 + 30 min + 10 min buffer -> 10:45.
    assert body["alternatives"][0]["start"] == "2027-03-10T15:45:00Z"


def test_retrying_with_the_same_idempotency_key_books_once(client, world, personas):
    client.force_login(personas.front_desk)
    first = post(
        client, "create_appointment", booking(world, at(10, 10)), HTTP_IDEMPOTENCY_KEY="call-7f3a9c"
    )
    again = post(
        client, "create_appointment", booking(world, at(10, 10)), HTTP_IDEMPOTENCY_KEY="call-7f3a9c"
    )
    assert first.json()["id"] == again.json()["id"]
    assert Appointment.objects.count() == 1
    changed = post(
        client, "create_appointment", booking(world, at(10, 11)), HTTP_IDEMPOTENCY_KEY="call-7f3a9c"
    )
    assert (changed.status_code, changed.json()["code"]) == (409, "idempotency_mismatch")


def test_a_hold_is_confirmed_or_cancelled(client, world, personas):
    client.force_login(personas.patient_a.user)
    hold = post(client, "create_hold", booking(world, at(10, 10)))
    assert hold.status_code == 201
    appointment_id = hold.json()["id"]
    confirmed = client.post(url("confirm_appointment", appointment_id=appointment_id))
    assert confirmed.json()["status"] == "booked"
    read = client.get(url("get_appointment", appointment_id=appointment_id))
    assert read.json()["id"] == appointment_id
    cancelled = client.post(
        url("cancel_appointment", appointment_id=appointment_id),
        json.dumps({"reason": "Away"}),
        content_type="application/json",
    )
    assert cancelled.json()["status"] == "cancelled"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ("{not json", 400, ""),
        (json.dumps({"patient": 1}), 422, "service: Field required"),
        (
            json.dumps({"start": "2027-03-10T10:00:00"}),
            422,
            "start: Input should have timezone info",
        ),
    ],
)
def test_it_refuses_malformed_bookings_with_4xx(client, world, personas, body, status, message):
    client.force_login(personas.front_desk)
    response = client.post(url("create_appointment"), body, content_type="application/json")
    assert response.status_code == status
    assert message in response.content.decode()
    assert not Appointment.objects.exists()


def test_unknown_ids_in_a_booking_are_refused(client, world, personas):
    client.force_login(personas.front_desk)
    response = post(client, "create_appointment", booking(world, at(10, 10), service=999_999))
    assert (response.status_code, response.json()["detail"]) == (422, "Unknown service 999999.")
    response = post(client, "create_appointment", booking(world, at(10, 10), patient=999_999))
    assert response.status_code == 404


def test_booking_needs_a_session(client, world):
    response = post(client, "create_appointment", booking(world, at(10, 10)))
    assert response.status_code == 401


def test_the_api_describes_itself(client, world):
    schema = client.get(url("openapi-json")).json()
    assert "/api/availability" in schema["paths"]
    assert client.get(url("openapi-view")).status_code == 200


def test_a_search_costs_the_same_queries_for_any_team_and_window(
    client, world, personas, django_assert_num_queries
):
    one_day = {"start": at(10, 9).isoformat(), "end": at(11, 0).isoformat()}
    search(client, world, **one_day)
    # The configuration stamp (the service and locations are kept with the
    # configuration), appointments, room bookings.
    with django_assert_num_queries(3) as small:
        search(client, world, **one_day)
    queries = len(small.captured_queries)
    for index in range(5):
        physio = make_practitioner(f"Extra Physio{index}")
        make_registration(physio, "cpo")
        for weekday in range(5):
            make_shift(
                physio, world.pickering, weekday, "09:00", "17:00", breaks=[("12:00", "12:30")]
            )
    client.force_login(personas.front_desk)
    post(client, "create_appointment", booking(world, at(11, 10)))
    client.logout()
    two_weeks = {"start": at(9, 9).isoformat(), "end": at(23, 0).isoformat()}
    # (The booking read the changed configuration again: clinic/calendar_configuration.py,
    # whose own tests count those reads.)
    with django_assert_num_queries(queries):
        answer = search(client, world, limit=500, **two_weeks).json()
    assert len({slot["practitioner_id"] for slot in answer["slots"]}) == 6


def test_reading_an_appointment_is_on_file_and_others_get_404(client, world, personas):
    client.force_login(personas.front_desk)
    created = post(client, "create_appointment", booking(world, at(10, 10))).json()
    before = AuditEvent.objects.count()
    assert client.get(url("get_appointment", appointment_id=created["id"])).status_code == 200
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert (event.action, event.object_type, event.object_id) == (
        "view",
        "scheduling.appointment",
        str(created["id"]),
    )
    client.force_login(personas.massage_therapist.user)
    assert client.get(url("get_appointment", appointment_id=created["id"])).status_code == 404
