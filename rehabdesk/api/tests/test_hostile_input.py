"""Hostile or odd input answers 4xx with a `code`, never a 500, and changes nothing:
dates near year 1 or 9999, UTC offsets PostgreSQL does not take, NUL bytes, integers
past a bigint, a body that is not JSON, `true` or "1" where an id goes, numbers where a
time goes. Some of these only ever broke on PostgreSQL (offsets, NUL, 2^63): the suite
runs on both databases."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from rehabdesk.scheduling.models import Appointment, AppointmentSeries, WaitlistEntry
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db

BIGINT_PAST = 2**63  # one more than PostgreSQL's bigint holds
HUGE = 10**30


def url(name: str, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


def post(client, path: str, body: object, **headers):
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def refused(answer, status: int = 422) -> dict:
    """The body of a refusal: the status, a code, words for people."""
    assert answer.status_code == status, answer.content
    body = answer.json()
    assert body["code"], body
    assert body["detail"], body
    assert "field" in body, body
    return body


def booking(world, **fields) -> dict:
    return {
        "patient": world.patient.pk,
        "service": world.follow_up.pk,
        "practitioner": world.physio.pk,
        "location": world.pickering.pk,
        "start": at(10, 10).isoformat(),
    } | fields


def book(world, start) -> Appointment:
    return appointment_book(request=world.request(start), actor=None, now=NOW)


def search(client, world, **params):
    query = {"service": world.follow_up.pk, "location": world.pickering.pk} | params
    return client.get(url("search_availability"), query)


ODD_MOMENTS = [
    pytest.param("0001-01-01T00:00:00+00:00", id="year-1"),
    pytest.param("0001-01-01T00:00:00+05:00", id="year-1-ahead-of-utc"),
    pytest.param("9999-12-31T23:59:59-05:00", id="year-9999-behind-utc"),
    pytest.param("9999-12-31T00:00:00+00:00", id="year-9999"),
    pytest.param("2027-03-10T10:00:00+23:59", id="offset-beyond-postgresql"),
    pytest.param("2027-03-10T10:00:00-18:00", id="offset-beyond-14h"),
    pytest.param(1804680000, id="a-number"),
    pytest.param(1804680000.5, id="a-float"),
    pytest.param(True, id="true"),
]


# --- Moments ------------------------------------------------------------------------------


@pytest.mark.parametrize("moment", ODD_MOMENTS)
@pytest.mark.parametrize("route", ["create_hold", "create_appointment"])
def test_a_booking_or_hold_at_an_odd_moment_is_refused(client, world, personas, route, moment):
    client.force_login(personas.front_desk)
    body = refused(post(client, url(route), booking(world, start=moment)))
    assert (body["code"], body["field"]) == ("invalid", "start")
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("moment", ODD_MOMENTS)
def test_a_move_to_an_odd_moment_is_refused(client, world, personas, moment):
    appointment = book(world, at(10, 10))
    client.force_login(personas.front_desk)
    for route in ("reschedule_appointment", "reschedule_in_series"):
        answer = post(client, url(route, appointment_id=appointment.pk), {"start": moment})
        assert (refused(answer)["code"], refused(answer)["field"]) == ("invalid", "start")
    assert Appointment.objects.get().start == at(10, 10)


@pytest.mark.parametrize("moment", [m for m in ODD_MOMENTS if isinstance(m.values[0], str)])
@pytest.mark.parametrize("edge", ["start", "end"])
def test_a_search_window_at_an_odd_moment_is_refused(client, world, edge, moment):
    body = refused(search(client, world, **{edge: moment}))
    assert (body["code"], body["field"]) == ("invalid", edge)
    assert body["detail"].startswith(f"{edge}: must be "), body["detail"]


def test_a_search_window_too_wide_is_out_of_range_with_its_code(client, world):
    body = refused(search(client, world, start="2027-03-08T00:00:00Z", end="2199-01-01T00:00:00Z"))
    assert (body["code"], body["field"]) == ("out_of_range", "end")


@pytest.mark.parametrize(
    "first_day", ["0001-01-01", "9999-12-31", "9999-12-27", 1804680000, True, "2027-03-10T10:00"]
)
def test_a_series_from_an_odd_day_is_refused(client, world, personas, first_day):
    client.force_login(personas.front_desk)
    plan = {
        "patient": world.patient.pk,
        "practitioner": world.physio.pk,
        "service": world.follow_up.pk,
        "location": world.pickering.pk,
        "pattern": [{"weekday": 2, "time": "10:00"}],
        "first_day": first_day,
        "weeks": 4,
    }
    body = refused(post(client, url("create_series"), plan))
    assert (body["code"], body["field"]) == ("invalid", "first_day")
    assert not AppointmentSeries.objects.exists()


@pytest.mark.parametrize("clock", ["10:00:00+05:00", "10:00Z", 36000, True, "25:00"])
def test_a_series_at_an_odd_time_of_day_is_refused(client, world, personas, clock):
    """A time of day is on the location's clock: an offset was dropped without a word
    (10:00+05:00 booked 10:00 in Toronto), and a number was read as seconds."""
    client.force_login(personas.front_desk)
    plan = {
        "patient": world.patient.pk,
        "practitioner": world.physio.pk,
        "service": world.follow_up.pk,
        "location": world.pickering.pk,
        "pattern": [{"weekday": 2, "time": clock}],
        "first_day": "2027-03-10",
        "weeks": 2,
    }
    body = refused(post(client, url("create_series"), plan))
    assert (body["code"], body["field"]) == ("invalid", "pattern.0.time")
    assert not AppointmentSeries.objects.exists()


@pytest.mark.parametrize("valid_until", ["0001-01-01", "9999-12-31", 1804680000])
def test_a_waitlist_wish_until_an_odd_day_is_refused(client, world, personas, valid_until):
    client.force_login(personas.front_desk)
    wish = {
        "patient": world.patient.pk,
        "service": world.follow_up.pk,
        "locations": [world.pickering.pk],
        "valid_until": valid_until,
    }
    body = refused(post(client, url("join_waitlist"), wish))
    assert (body["code"], body["field"]) == ("invalid", "valid_until")
    assert not WaitlistEntry.objects.exists()


# --- Text ---------------------------------------------------------------------------------


def test_nul_in_any_text_is_refused(client, world, personas):
    client.force_login(personas.front_desk)
    held = post(client, url("create_hold"), booking(world, note="before\x00after"))
    assert (refused(held)["code"], refused(held)["field"]) == ("invalid", "note")
    overlap = post(client, url("create_appointment"), booking(world, overlap_reason="a\x00"))
    assert refused(overlap)["field"] == "overlap_reason"
    keyed = post(client, url("create_hold"), booking(world), HTTP_IDEMPOTENCY_KEY="key-\x00-0001")
    assert refused(keyed)["field"] == "Idempotency-Key"
    assert not Appointment.objects.exists()
    appointment = book(world, at(10, 10))
    cancel = post(
        client, url("cancel_appointment", appointment_id=appointment.pk), {"reason": "\x00"}
    )
    assert refused(cancel)["field"] == "reason"
    wish = {
        "patient": world.patient.pk,
        "service": world.follow_up.pk,
        "locations": [world.pickering.pk],
        "valid_until": "2027-04-30",
        "note": "\x00",
    }
    assert refused(post(client, url("join_waitlist"), wish))["field"] == "note"
    assert Appointment.objects.get().status == "booked"
    assert not WaitlistEntry.objects.exists()


# --- Ids ----------------------------------------------------------------------------------


@pytest.mark.parametrize("odd", [True, False, "1", 1.0, BIGINT_PAST, HUGE, 0, -1])
def test_an_id_in_a_body_must_be_a_bigint_integer(client, world, personas, odd):
    """`true` once booked patient 1; 2^63 once reached PostgreSQL and broke there."""
    client.force_login(personas.front_desk)
    for field in ("patient", "service", "practitioner", "location"):
        body = refused(post(client, url("create_appointment"), booking(world, **{field: odd})))
        assert (body["code"], body["field"]) == ("invalid", field)
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("odd", [str(BIGINT_PAST), str(HUGE), "0", "-1", "true"])
def test_an_id_in_a_query_must_be_a_bigint_integer(client, world, personas, odd):
    for field, named in (
        ("service", "service"),
        ("location", "location.0"),
        ("practitioner", "practitioner"),
    ):
        body = refused(search(client, world, **{field: odd}))
        assert (body["code"], body["field"]) == ("invalid", named)
    client.force_login(personas.front_desk)
    for route in ("changed_hours", "list_waitlist"):
        body = refused(client.get(url(route), {"location": odd}))
        assert (body["code"], body["field"]) == ("invalid", "location")


def test_an_id_past_a_bigint_in_the_path_is_not_found_with_a_code(client, world, personas):
    client.force_login(personas.front_desk)
    for appointment_id in (BIGINT_PAST, HUGE):
        answer = client.get(f"/api/appointments/{appointment_id}")
        assert refused(answer, 404)["code"] == "not_found"
        answer = post(client, f"/api/appointments/{appointment_id}/cancel", {})
        assert refused(answer, 404)["code"] == "not_found"


def test_a_search_limit_past_a_bigint_is_refused(client, world):
    body = refused(search(client, world, limit=str(BIGINT_PAST)))
    assert (body["code"], body["field"]) == ("invalid", "limit")


# --- Bodies that are not JSON, and refusals that had no code ---------------------------


def test_a_body_that_is_not_json_is_refused_with_a_code(client, world, personas):
    client.force_login(personas.front_desk)
    multipart = client.post(url("create_appointment"), booking(world))  # multipart/form-data
    assert refused(multipart, 400)["code"] == "not_json"
    form = client.post(
        url("create_appointment"),
        "patient=1&service=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert refused(form, 400)["code"] == "not_json"
    garbage = client.post(url("create_appointment"), "{", content_type="application/json")
    assert refused(garbage, 400)["code"] == "not_json"
    a_list = client.post(url("create_appointment"), "[1, 2]", content_type="application/json")
    assert refused(a_list)["code"] == "invalid"
    assert not Appointment.objects.exists()


def test_every_refusal_carries_a_code(client, world, personas):
    signed_out = post(client, url("create_appointment"), booking(world))
    assert refused(signed_out, 401)["code"] == "sign_in_required"
    client.force_login(personas.patient_b.user)
    not_theirs = client.get(url("get_appointment", appointment_id=book(world, at(10, 10)).pk))
    assert refused(not_theirs, 404)["code"] == "not_found"
    client.force_login(personas.front_desk)
    unknown = client.get(url("get_appointment", appointment_id=999_999))
    assert refused(unknown, 404)["code"] == "not_found"
    short_key = post(
        client,
        url("create_hold"),
        booking(world, start=at(10, 11).isoformat()),
        HTTP_IDEMPOTENCY_KEY="short",
    )
    assert (refused(short_key)["code"], refused(short_key)["field"]) == (
        "invalid",
        "Idempotency-Key",
    )


def test_a_signed_in_post_without_the_csrf_token_is_refused_with_a_code(world, personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.front_desk)
    answer = post(client, url("create_appointment"), booking(world))
    assert refused(answer, 403)["code"] == "csrf_failed"
    assert not Appointment.objects.exists()
