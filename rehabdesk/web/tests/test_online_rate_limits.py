"""The online booking pages answer a rate limit with 429 Too Many Requests and say why,
on the page the visitor was on, and nothing is held or sent."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.online import services as online
from rehabdesk.online.models import OneTimeCode
from rehabdesk.online.testing import code_sent_to
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import build_booking_world
from rehabdesk.web.tests.test_online_pages import NEW, pick_first_time

pytestmark = pytest.mark.django_db

TEST_CLIENT_IP = "127.0.0.1"  # Django's test client


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def use_up(limit: online.Limit, subject: str) -> None:
    for _ in range(limit.times):
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
        reverse("book-returning"), {"action": "send", "email": "alice@persona.example"}
    )
    assert response.status_code == 429
    assert online.CODES_PER_EMAIL.message in response.content.decode()
    assert not OneTimeCode.objects.exists()


def test_a_wrong_code_is_a_form_error_not_a_refused_request(client, world):
    pick_first_time(client, world)
    client.post(reverse("book-returning"), {"action": "send", "email": "alice@persona.example"})
    wrong = "000000" if code_sent_to("alice@persona.example") != "000000" else "111111"
    response = client.post(reverse("book-returning"), {"action": "verify", "code": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()


def test_another_code_past_the_limit_answers_429_on_the_code_page(client, world):
    pick_first_time(client, world)
    review = client.post(reverse("book-new"), NEW)["Location"]
    verify = client.post(review, {"notice": "1", "consent": "yes"})["Location"]
    use_up(online.CODES_PER_EMAIL, NEW["email"])
    response = client.post(verify, {"action": "resend"})
    assert response.status_code == 429
    assert online.CODES_PER_EMAIL.message in response.content.decode()
    assert OneTimeCode.objects.count() == 1  # the first, sent with the consent
