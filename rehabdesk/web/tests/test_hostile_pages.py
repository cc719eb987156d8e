"""Hostile or odd input to the pages answers 404 or a form error, never a 500: dates
near year 1 or 9999 in a schedule's address or a finder's query, times with offsets
PostgreSQL does not take, ids past a bigint, a 50,000-character patient search."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import build_booking_world

pytestmark = pytest.mark.django_db

ODD_DAYS = ["0001-01-01", "0001-01-02", "9999-12-31", "9999-12-27", "1999-12-31", "2200-01-01"]
BIGINT_PAST = 2**63


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


@pytest.fixture
def desk(client, personas):
    client.force_login(personas.front_desk)
    return client


# --- Schedules -------------------------------------------------------------------------


@pytest.mark.parametrize("day", ODD_DAYS)
def test_a_schedule_of_a_day_out_of_range_is_not_found(desk, world, day):
    for name in ("schedule-day", "schedule-sheet"):
        page = desk.get(reverse(name, kwargs={"location": world.pickering.slug, "day": day}))
        assert page.status_code == 404, name
    week = desk.get(
        reverse("schedule-week", kwargs={"practitioner_id": world.physio.pk, "day": day})
    )
    assert week.status_code == 404


def test_the_first_and_last_days_in_range_are_drawn(desk, world):
    for day in ("2000-01-01", "2199-12-31"):
        page = desk.get(
            reverse("schedule-day", kwargs={"location": world.pickering.slug, "day": day})
        )
        assert page.status_code == 200
        week = desk.get(
            reverse("schedule-week", kwargs={"practitioner_id": world.physio.pk, "day": day})
        )
        assert week.status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_jumping_to_a_day_out_of_range_goes_to_today(desk, world, day):
    answer = desk.get(reverse("schedule-today"), {"location": world.pickering.slug, "day": day})
    assert answer.status_code == 302
    assert day not in answer["Location"]
    assert desk.get(answer["Location"]).status_code == 200


def test_a_week_of_a_practitioner_past_a_bigint_is_not_found(desk, world):
    path = f"/staff/practitioners/{BIGINT_PAST}/week/2027-03-10/"
    assert desk.get(path).status_code == 404


# --- The patient search -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["x" * 50_000, "a " * 25_000, "one two three four five six seven", "x" * 101],
)
def test_a_patient_search_too_long_is_a_form_error(desk, world, text):
    page = desk.get(reverse("patient-search"), {"q": text})
    assert page.status_code == 200
    assert page.context["form"].errors["q"]
    assert page.context["results"] == []


def test_a_patient_search_of_six_words_or_100_characters_searches(desk, world):
    for text in ("a b c d e f", "x" * 100):
        page = desk.get(reverse("patient-search"), {"q": text})
        assert page.status_code == 200
        assert not page.context["form"].errors
        assert page.context["searched"]


# --- The desk's finder --------------------------------------------------------------------


def finder(world, **params) -> str:
    query = {"service": world.follow_up.pk} | params
    return reverse("patient-book", args=[world.patient.pk]) + "?" + urlencode(query)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2200-01-01"])
def test_a_finder_from_a_day_out_of_range_is_a_form_error(desk, world, day):
    page = desk.get(finder(world, start=day))
    assert page.status_code == 200
    assert page.context["form"].errors["start"]


ODD_STARTS = [
    "9999-12-31T10:00:00+00:00",
    "0001-01-01T00:00:00+05:00",
    "2027-03-10T10:00:00+23:59",
    "2027-03-10T10:00:00-18:00",
]


@pytest.mark.parametrize("start", ODD_STARTS)
def test_a_picked_time_out_of_range_is_refused(desk, world, start):
    pick = f"{start}|{world.physio.pk}|{world.pickering.pk}"
    page = desk.get(finder(world, start="2027-03-10", pick=pick))
    assert page.status_code == 200
    assert "Confirm booking" not in page.text
    booked = desk.post(
        reverse("patient-book", args=[world.patient.pk]),
        {
            "practitioner": world.physio.pk,
            "location": world.pickering.pk,
            "service": world.follow_up.pk,
            "start": start,
            "key": "a-key-of-some-length",
        },
    )
    assert booked.status_code == 302
    assert not Appointment.objects.exists()


# --- Booking online -----------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_online_times_from_a_day_out_of_range_start_from_today(client, world, day):
    query = {"service": world.follow_up.pk, "location": world.pickering.pk, "week": day}
    page = client.get(reverse("book-times") + "?" + urlencode(query))
    assert page.status_code == 200
    assert 'type="submit" name="pick"' in page.text


@pytest.mark.parametrize("start", ODD_STARTS)
def test_an_online_pick_out_of_range_is_refused(client, world, start):
    pick = f"{start}|{world.physio.pk}|{world.pickering.pk}"
    answer = client.post(
        reverse("book-times"),
        {"service": world.follow_up.pk, "location": world.pickering.pk, "pick": pick},
    )
    assert answer.status_code == 302
    assert answer["Location"] != reverse("book-details")
    assert not Appointment.objects.exists()


# --- Ids past a bigint in addresses ---------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/staff/patients/{}/",
        "/staff/patients/{}/book/",
        "/staff/patients/{}/series/",
        "/staff/appointments/{}/",
        "/staff/hours/{}/",
    ],
)
def test_an_id_past_a_bigint_in_a_staff_address_is_not_found(client, personas, path):
    client.force_login(personas.manager)
    assert client.get(path.format(BIGINT_PAST)).status_code == 404


@pytest.mark.parametrize("path", ["/my/people/{}/", "/my/appointments/{}/"])
def test_an_id_past_a_bigint_in_a_patient_address_is_not_found(client, personas, path):
    client.force_login(personas.guardian.user)
    assert client.get(path.format(BIGINT_PAST)).status_code == 404
