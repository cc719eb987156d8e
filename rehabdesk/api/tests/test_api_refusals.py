"""Every refusal of the API as the client sees it: 422 with a code and a message per
field for bad input, 409 with the next free times for a time not to be had, 404 for a
record that is not the caller's (put on file), 403 for what only the desk may do — and
nothing changed by any of them. Patients act only for themselves and the dependents
whose bookings they manage, online."""

from __future__ import annotations

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse

from rehabdesk.audit.models import AuditEvent
from rehabdesk.scheduling.models import Appointment, WaitlistEntry
from rehabdesk.scheduling.services import HOLD_DURATION, appointment_book, appointment_hold
from rehabdesk.scheduling.testing import NOW, at

NOT_FOUND = {"code": "not_found", "detail": "Not found.", "field": None}
pytestmark = pytest.mark.django_db


def url(name: str, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


def post(client, path: str, body: object = None, **headers):
    return client.post(path, json.dumps(body or {}), content_type="application/json", **headers)


def book(world, start, **kwargs) -> Appointment:
    return appointment_book(request=world.request(start, **kwargs), actor=None, now=NOW)


def booking(world, start, **fields) -> dict:
    return {
        "patient": world.patient.pk,
        "service": world.follow_up.pk,
        "practitioner": world.physio.pk,
        "location": world.pickering.pk,
        "start": start.isoformat(),
    } | fields


def row(appointment: Appointment) -> object:
    return Appointment.objects.filter(pk=appointment.pk).values().get()


def as_(client, user):
    client.force_login(user)
    return client


# --- Bad input: 422, a code and a message per field --------------------------------------


def test_a_move_without_a_zone_is_refused_on_its_field(client, world, personas):
    appointment = book(world, at(10, 10))
    before = row(appointment)
    answer = post(
        as_(client, personas.front_desk),
        url("reschedule_appointment", appointment_id=appointment.pk),
        {"start": "2027-03-11T10:00:00"},
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "invalid"
    assert body["detail"] == "start: Input should have timezone info"
    assert [error["loc"] for error in body["errors"]] == [["body", "payload", "start"]]
    assert row(appointment) == before


def test_a_wish_the_waitlist_cannot_keep_is_refused_on_its_field(client, world, personas):
    as_(client, personas.front_desk)
    wish = {
        "patient": world.patient.pk,
        "service": world.follow_up.pk,
        "locations": [world.pickering.pk],
        "valid_until": "2027-04-30",
    }
    for changes, field in (
        ({"weekdays": [9]}, "weekdays"),
        ({"valid_until": "2027-03-01"}, "valid_until"),
    ):
        answer = post(client, url("join_waitlist"), wish | changes)
        assert answer.status_code == 422
        assert (answer.json()["code"], answer.json()["field"]) == ("invalid", field)
    night = post(client, url("join_waitlist"), wish | {"day_parts": ["night"], "weeks": 1})
    assert night.status_code == 422
    assert night.json()["detail"] == (
        "day_parts.0: Input should be 'morning', 'afternoon' or 'evening'"
    )
    missing = post(client, url("join_waitlist"), {"patient": world.patient.pk})
    assert missing.json()["detail"] == (
        "service: Field required; locations: Field required; valid_until: Field required"
    )
    assert not WaitlistEntry.objects.exists()


def test_the_desk_cannot_book_online_and_a_short_key_is_refused(client, world, personas):
    as_(client, personas.front_desk)
    online = post(client, url("create_appointment"), booking(world, at(10, 10), channel="online"))
    assert (online.status_code, online.json()["detail"]) == (
        422,
        "Staff bookings are by phone, walk-in or staff.",
    )
    short = post(
        client, url("create_hold"), booking(world, at(10, 10)), HTTP_IDEMPOTENCY_KEY="abc1234"
    )
    assert (short.status_code, short.json()["detail"]) == (
        422,
        "Idempotency-Key must be 8 to 80 characters, none of them NUL.",
    )
    assert not Appointment.objects.exists()


def test_unknown_or_inactive_things_in_a_move_or_a_search_are_named(client, world, personas):
    appointment = book(world, at(10, 10))
    as_(client, personas.front_desk)
    answer = post(
        client,
        url("reschedule_appointment", appointment_id=appointment.pk),
        {"start": at(11, 10).isoformat(), "practitioner": 999_999},
    )
    assert (answer.status_code, answer.json()["detail"]) == (422, "Unknown practitioner 999999.")
    query = {"service": world.follow_up.pk, "location": world.pickering.pk}
    search = client.get(url("search_availability"), query | {"practitioner": 999_999})
    assert (search.status_code, search.json()["detail"]) == (422, "Unknown practitioner 999999.")
    too_long = client.get(
        url("search_availability"),
        query | {"start": at(9, 9).isoformat(), "end": (at(9, 9) + timedelta(days=93)).isoformat()},
    )
    assert (too_long.status_code, too_long.json()["detail"]) == (
        422,
        "Search at most 92 days at a time.",
    )
    assert row(appointment)["start"] == at(10, 10)


# --- Refusals of the booking service ------------------------------------------------------


def test_a_move_onto_a_taken_time_answers_409_with_the_next_free_times(client, world, personas):
    appointment = book(world, at(10, 10))
    book(world, at(11, 10), patient=world.other_patient)
    before = row(appointment)
    answer = post(
        as_(client, personas.front_desk),
        url("reschedule_appointment", appointment_id=appointment.pk),
        {"start": at(11, 10).isoformat()},
    )
    assert answer.status_code == 409
    body = answer.json()
    assert (body["code"], body["detail"], body["reason"]) == (
        "slot_unavailable",
        "That time is not available.",
        "fully_booked",
    )
    first = body["alternatives"][0]
    assert set(first) == {"start", "end", "practitioner_id", "location_id"}
    assert first["location_id"] == world.pickering.pk
    assert row(appointment) == before


def test_lifecycle_refusals_answer_422_with_their_code(client, world, personas):
    as_(client, personas.front_desk)
    booked = book(world, at(10, 10))
    cancelled = book(world, at(10, 11), patient=world.other_patient)
    post(client, url("cancel_appointment", appointment_id=cancelled.pk), {"by": "clinic"})
    cases = [
        (url("confirm_appointment", appointment_id=booked.pk), None, "not_a_hold"),
        (url("check_in", appointment_id=booked.pk), None, "invalid"),  # not its day
        (url("keep_outside_hours", appointment_id=booked.pk), None, "invalid"),
        (url("mark_noshow", appointment_id=booked.pk), {"waive_fee": True}, "invalid"),
    ]
    before = (row(booked), row(cancelled))
    for path, body, code in cases:
        answer = post(client, path, body)
        assert (answer.status_code, answer.json()["code"]) == (422, code), path
    assert (row(booked), row(cancelled)) == before


def test_acting_on_an_appointment_no_longer_active_answers_409(client, world, personas):
    as_(client, personas.front_desk)
    cancelled = book(world, at(10, 11), patient=world.other_patient)
    post(client, url("cancel_appointment", appointment_id=cancelled.pk), {"by": "clinic"})
    before = row(cancelled)
    for path in (
        url("cancel_appointment", appointment_id=cancelled.pk),
        url("mark_noshow", appointment_id=cancelled.pk),
    ):
        answer = post(client, path, {"by": "clinic"} if "cancel" in path else {})
        assert (answer.status_code, answer.json()["code"]) == (409, "not_active"), path
    assert row(cancelled) == before


def test_a_hold_confirmed_too_late_answers_409_hold_expired(client, world, personas):
    held = appointment_hold(request=world.request(at(10, 10)), actor=None, now=NOW)
    as_(client, personas.patient_a.user)
    with mock.patch("django.utils.timezone.now", return_value=NOW + HOLD_DURATION):
        answer = post(client, url("confirm_appointment", appointment_id=held.pk))
    assert (answer.status_code, answer.json()["code"]) == (409, "hold_expired")
    assert row(held)["status"] == "pending"


def test_the_same_key_holds_once(client, world, personas):
    as_(client, personas.patient_a.user)
    first = post(
        client, url("create_hold"), booking(world, at(10, 10)), HTTP_IDEMPOTENCY_KEY="hold-0001"
    )
    again = post(
        client, url("create_hold"), booking(world, at(10, 10)), HTTP_IDEMPOTENCY_KEY="hold-0001"
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    assert Appointment.objects.count() == 1


# --- Someone else's records: 404, on file ------------------------------------------------


def test_another_patient_s_booking_is_not_there_to_move_confirm_or_cancel(client, world, personas):
    appointment = book(world, at(10, 10))
    held = appointment_hold(request=world.request(at(11, 10)), actor=None, now=NOW)
    before = (row(appointment), row(held))
    denials = AuditEvent.objects.filter(action="deny").count()
    as_(client, personas.patient_b.user)
    attempts = [
        (
            url("reschedule_appointment", appointment_id=appointment.pk),
            {"start": at(12, 10).isoformat()},
        ),
        (url("cancel_appointment", appointment_id=appointment.pk), {}),
        (url("confirm_appointment", appointment_id=held.pk), {}),
        (url("cancel_in_series", appointment_id=appointment.pk), {"scope": "following"}),
        (
            url("reschedule_in_series", appointment_id=appointment.pk),
            {"start": at(12, 10).isoformat()},
        ),
    ]
    for path, body in attempts:
        answer = post(client, path, body)
        assert (answer.status_code, answer.json()) == (404, NOT_FOUND), path
    assert client.get(url("attendance", patient_id=world.patient.pk)).status_code == 404
    assert AuditEvent.objects.filter(action="deny").count() == denials + len(attempts) + 1
    assert (row(appointment), row(held)) == before


def test_another_patient_s_waitlist_entry_is_not_there_and_one_s_own_leaves_once(
    client, world, personas
):
    as_(client, personas.patient_a.user)
    joined = post(
        client,
        url("join_waitlist"),
        {
            "patient": world.patient.pk,
            "service": world.follow_up.pk,
            "locations": [world.pickering.pk],
            "valid_until": "2027-04-30",
        },
    ).json()
    as_(client, personas.patient_b.user)
    assert post(client, url("withdraw_from_waitlist", entry_id=joined["id"])).status_code == 404
    assert post(client, url("withdraw_from_waitlist", entry_id=999_999)).status_code == 404
    as_(client, personas.patient_a.user)
    left = post(client, url("withdraw_from_waitlist", entry_id=joined["id"]))
    assert (left.status_code, left.json()["status"]) == (200, "withdrawn")
    again = post(client, url("withdraw_from_waitlist", entry_id=joined["id"]))
    assert (again.status_code, again.json()["code"]) == (409, "not_active")


def test_the_desk_s_lists_are_not_there_for_patients_or_practitioners(client, world, personas):
    for user in (personas.patient_a.user, personas.physio.user):
        as_(client, user)
        assert client.get(url("changed_hours")).status_code == 404
        assert client.get(url("list_waitlist")).status_code == 404
    as_(client, personas.front_desk)
    assert client.get(url("changed_hours")).json() == []


def test_patients_cancel_only_as_themselves(client, world, personas):
    appointment = book(world, at(10, 10))
    as_(client, personas.patient_a.user)
    answer = post(
        client, url("cancel_appointment", appointment_id=appointment.pk), {"by": "clinic"}
    )
    assert (answer.status_code, answer.json()["detail"]) == (
        403,
        "Only the front desk cancels for the clinic or waives a fee.",
    )
    series = post(
        client, url("cancel_in_series", appointment_id=appointment.pk), {"waive_fee": True}
    )
    assert series.status_code == 403
    assert row(appointment)["status"] == "booked"


# --- Booking for oneself and one's dependents --------------------------------------------


def test_a_patient_books_for_themselves_online_whatever_channel_they_ask_for(
    client, world, personas
):
    as_(client, personas.patient_a.user)
    answer = post(client, url("create_appointment"), booking(world, at(10, 10), channel="phone"))
    assert answer.status_code == 201, answer.content
    assert (answer.json()["patient_id"], answer.json()["channel"]) == (world.patient.pk, "online")
    for other in (personas.child, personas.guardian, personas.patient_b):
        refused = post(
            client, url("create_appointment"), booking(world, at(11, 10), patient=other.pk)
        )
        assert refused.status_code == 404
    assert Appointment.objects.count() == 1


def test_online_rules_bind_patients_but_not_the_desk(client, world, personas):
    too_soon = booking(world, at(8, 9, 30))  # ninety minutes from now; online needs two hours
    as_(client, personas.patient_a.user)
    answer = post(client, url("create_appointment"), too_soon)
    assert (answer.status_code, answer.json()["code"], answer.json()["reason"]) == (
        409,
        "slot_unavailable",
        "too_soon",
    )
    as_(client, personas.front_desk)
    assert post(client, url("create_appointment"), too_soon).status_code == 201


def test_a_practitioner_books_for_patients_in_their_care_only(client, world, personas):
    as_(client, personas.physio.user)
    mine = post(client, url("create_appointment"), booking(world, at(10, 10)))
    assert (mine.status_code, mine.json()["channel"]) == (201, "staff")
    not_mine = post(
        client, url("create_appointment"), booking(world, at(10, 11), patient=personas.patient_b.pk)
    )
    assert not_mine.status_code == 404
    as_(client, personas.massage_therapist.user)
    stranger = post(
        client,
        url("create_appointment"),
        booking(
            world,
            at(10, 11),
            practitioner=world.massage_therapist.pk,
            service=world.massage.pk,
        ),
    )
    assert stranger.status_code == 404
    assert Appointment.objects.count() == 1
