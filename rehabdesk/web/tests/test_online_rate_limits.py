"""The online booking pages answer a rate limit with 429 Too Many Requests and say why,
on the page the visitor was on, and nothing is held or sent."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.online import services as online
from rehabdesk.online.models import OneTimeCode
from rehabdesk.online.testing import code_sent_to
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import build_booking_world
from rehabdesk.web.tests.test_online_pages import NEW, code_from_outbox, pick_first_time, prove

pytestmark = pytest.mark.django_db

TEST_CLIENT_IP = "127.0.0.1"  # Django's test client


@pytest.fixture
def world(personas):
    world = build_booking_world(personas)
    # The limits count in fixed hours (online.rate_limit_hit): the clock held, so that no
    # hour turns between the counts used up and the request that should be refused.
    with mock.patch("django.utils.timezone.now", return_value=timezone.now()):
        yield world


def use_up(limit: online.Limit, subject: str, *, used: int = 0) -> None:
    for _ in range(limit.times - used):
        online.rate_limit_hit(limit=limit, subject=subject, now=timezone.now())


def test_choosing_a_time_past_the_limit_answers_429_on_the_times_page(client, world):
    use_up(online.HOLDS_PER_IP, TEST_CLIENT_IP)
    query = {"service": world.follow_up.pk, "location": world.pickering.pk, "visit": "new"}
    page = client.get(reverse("book-times"), query).content.decode()
    found = re.search(r'name="pick" value="([^"]+)"', page)
    assert found
    response = client.post(reverse("book-times"), {**query, "pick": found.group(1)})
    assert response.status_code == 429
    assert online.HOLDS_PER_IP.message in response.content.decode()
    assert 'name="pick"' in response.content.decode()  # the times, to try later
    assert not Appointment.objects.exists()


def test_asking_for_a_code_past_the_limit_answers_429(client, world):
    pick_first_time(client, world)
    use_up(online.CODES_PER_EMAIL, "alice@persona.example")
    response = client.post(
        reverse("book-details"), {"action": "send", "email": "alice@persona.example"}
    )
    assert response.status_code == 429
    assert online.CODES_PER_EMAIL.message in response.content.decode()
    assert not OneTimeCode.objects.exists()


def test_another_code_past_the_limit_answers_429_on_the_code_page(client, world):
    pick_first_time(client, world)
    client.post(reverse("book-details"), {"action": "send", "email": NEW["email"]})
    use_up(online.CODES_PER_EMAIL, NEW["email"], used=1)
    response = client.post(reverse("book-details"), {"action": "resend"})
    assert response.status_code == 429
    assert online.CODES_PER_EMAIL.message in response.content.decode()
    assert 'name="code"' in response.content.decode()  # the first code still works
    assert OneTimeCode.objects.count() == 1


def test_a_wrong_code_is_a_form_error_not_a_refused_request(client, world):
    pick_first_time(client, world)
    client.post(reverse("book-details"), {"action": "send", "email": "alice@persona.example"})
    wrong = "000000" if code_sent_to("alice@persona.example") != "000000" else "111111"
    response = client.post(reverse("book-details"), {"action": "verify", "code": wrong})
    assert response.status_code == 200
    assert online.CODE_REFUSED in response.content.decode()


def test_trying_codes_past_the_limit_answers_429_even_with_the_right_one(client, world):
    pick_first_time(client, world)
    client.post(reverse("book-details"), {"action": "send", "email": "alice@persona.example"})
    use_up(online.CODE_CHECKS_PER_IP, TEST_CLIENT_IP)
    response = client.post(
        reverse("book-details"), {"action": "verify", "code": code_from_outbox()}
    )
    assert response.status_code == 429
    assert online.CODE_CHECKS_PER_IP.message in response.content.decode()
    assert client.get(reverse("book-returning"))["Location"] == reverse("book-details")


def test_details_past_the_limit_answer_429_and_hold_nothing_for_anyone(client, world):
    pick_first_time(client, world)
    prove(client, NEW["email"])
    use_up(online.DETAILS_PER_EMAIL, NEW["email"])
    response = client.post(reverse("book-new"), NEW)
    assert response.status_code == 429
    assert online.DETAILS_PER_EMAIL.message in response.content.decode()
    assert not Appointment.objects.filter(patient__isnull=False).exists()
