"""A practitioner's day moves between days (?day=YYYY-MM-DD, a bad one is a form error
and today) and links to their week; their menu has their week as "Schedule".

The clock is fixed at Monday 2027-03-08 11:00 in Toronto."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import at, build_booking_world

pytestmark = pytest.mark.django_db

VIEW_NOW = at(8, 11)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: VIEW_NOW)


@pytest.fixture
def world(personas):
    appointment_book(
        request=build_booking_world(personas).request(at(9, 10), patient=personas.patient_a),
        actor=None,
        now=at(1, 9),
    )
    return personas


def test_my_day_moves_to_another_day_and_back(client, world):
    client.force_login(world.physio.user)
    today = client.get(reverse("my-day"))
    assert today.context["day"] == date(2027, 3, 8)
    assert today.context["visits"] == []
    assert 'href="?day=2027-03-09"' in today.text
    assert 'href="?day=2027-03-07"' in today.text
    tomorrow = client.get(reverse("my-day"), {"day": "2027-03-09"})
    assert tomorrow.status_code == 200
    assert [v.appointment.patient for v in tomorrow.context["visits"]] == [world.patient_a]
    assert "Patients on Tuesday, March 9" in tomorrow.text
    assert f'href="{reverse("my-day")}">Today<' in tomorrow.text


def test_my_day_links_to_the_practitioner_s_week(client, world):
    client.force_login(world.physio.user)
    response = client.get(reverse("my-day"), {"day": "2027-03-10"})
    week = reverse("schedule-week", args=[world.physio.pk, "2027-03-10"])
    assert f'href="{week}">My week<' in response.text
    assert client.get(week).status_code == 200


@pytest.mark.parametrize("bad", ["tomorrow", "2027-02-30", "0001-01-01", "9999-12-31", ""])
def test_a_day_that_does_not_read_is_a_form_error_and_today(client, world, bad):
    client.force_login(world.physio.user)
    response = client.get(reverse("my-day"), {"day": bad})
    assert response.status_code == 200
    assert response.context["day"] == date(2027, 3, 8)
    if bad:
        assert response.context["form"].errors["day"]


def nav_links(page: str) -> dict[str, str]:
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', page, re.S)
    assert nav is not None
    return {
        text.strip(): href for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav[1])
    }


def test_a_practitioner_s_menu_has_their_week_as_schedule(client, world):
    client.force_login(world.physio.user)
    links = nav_links(client.get(reverse("my-day")).text)
    assert links["Schedule"] == reverse("schedule-week", args=[world.physio.pk, "2027-03-08"])
    assert "My day" in links


def test_the_desk_s_schedule_stays_the_location_schedule(client, world):
    client.force_login(world.front_desk)
    links = nav_links(client.get(reverse("desk-day")).text)
    assert links["Schedule"] == reverse("schedule-today")
    assert links["Waitlist"] == reverse("waitlist")
