"""Who is a patient is itself health information: until the visitor has proved they
read an e-mail address, no booking page answers differently for an address, or a name
and date of birth, on file and one that is not. Each case runs from the same state
(rolled back after), with the clock stopped, and the pages are compared byte for byte
once the CSRF token and the random token of the hold are taken out. The same work is
done, too: as many database queries either way."""

from __future__ import annotations

import re
from collections.abc import Callable
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.online import services as online
from rehabdesk.scheduling.testing import NOW, build_booking_world
from rehabdesk.web.tests.test_online_pages import NEW, code_from_outbox, pick_first_time, prove
from rehabdesk.webhooks.testing import listener_clock_stopped

pytestmark = pytest.mark.django_db

KNOWN, UNKNOWN = "alice@persona.example", "nobody@example.com"


@pytest.fixture
def world(personas):
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield build_booking_world(personas)


def plain(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r"/book/hold/[\w-]+/", "/book/hold/TOKEN/", html)


def answer(response, typed: str = "") -> tuple[int, str, str]:
    """Status, where it leads and the page; what the visitor typed, shown back to them
    in the form, is taken out too."""
    html = plain(response.content.decode())
    if typed:
        html = html.replace(typed, "TYPED")
    return response.status_code, plain(response.get("Location", "")), html


def each(world, cases: dict[str, object], step: Callable[[Client, object], list]) -> dict:
    """What `step` answers for each case, each from the same state and rolled back (the
    webhooks listener's memory of "no endpoint" forgotten too)."""
    seen = {}
    for name, case in cases.items():
        with transaction.atomic(), listener_clock_stopped():
            client = Client()
            pick_first_time(client, world)
            with CaptureQueriesContext(connection) as queries:
                pages = step(client, case)
            seen[name] = (pages, len(queries))
            transaction.set_rollback(True)
    return seen


def test_asking_for_a_code_answers_every_address_alike(world):
    def send(client, email):
        sent = client.post(reverse("book-details"), {"action": "send", "email": email})
        page = client.get(sent["Location"])
        mail = OutboxMessage.objects.filter(kind="online_code", recipient=email).count()
        return [answer(sent), answer(page), mail]

    seen = each(world, {"known": KNOWN, "unknown": UNKNOWN}, send)
    assert seen["known"] == seen["unknown"]
    (sent, page, mail), _queries = seen["known"]
    assert sent[:2] == (302, reverse("book-details"))
    assert "Enter the six-digit code" in page[2]
    assert mail == 1  # a code to every address


def test_a_wrong_code_answers_every_address_alike(world):
    def wrong_code(client, email):
        client.post(reverse("book-details"), {"action": "send", "email": email})
        wrong = "000000" if code_from_outbox() != "000000" else "111111"
        return [
            answer(client.post(reverse("book-details"), {"action": "verify", "code": wrong}))
            for _ in range(online.CODE_ATTEMPTS + 1)  # past the lock, too
        ]

    seen = each(world, {"known": KNOWN, "unknown": UNKNOWN}, wrong_code)
    assert seen["known"] == seen["unknown"]
    pages, _queries = seen["known"]
    assert {status for status, _where, _html in pages} == {200}
    assert online.CODE_REFUSED in pages[-1][2]


def test_a_name_and_birth_date_on_file_under_another_address_is_answered_like_any(world, personas):
    alice = personas.patient_a
    on_file = {
        **NEW,
        "first_name": alice.first_name,
        "last_name": alice.last_name,
        "date_of_birth": alice.date_of_birth.isoformat(),
    }
    not_on_file = {**on_file, "date_of_birth": "1980-04-03"}

    def details(client, form):
        prove(client, "someone.new@example.com")
        held = client.post(reverse("book-new"), form)
        return [answer(held), answer(client.get(held["Location"]))]

    seen = each(world, {"on file": on_file, "not on file": not_on_file}, details)
    assert seen["on file"] == seen["not on file"]
    (held, review), _queries = seen["on file"]
    assert held[0] == 302
    assert "Review your booking" in review[2]


def test_rate_limits_answer_every_address_alike(world, monkeypatch):
    """Past the limit per address, the refusal is the same whether it is on file."""
    monkeypatch.setattr(
        online,
        "CODES_PER_EMAIL",
        online.Limit("code-email", 1, online.CODES_PER_EMAIL.per, "Too many codes."),
    )

    def twice(client, email):
        pages = []
        for _ in range(2):
            client.post(reverse("book-details"), {"action": "restart"})
            pages.append(
                answer(
                    client.post(reverse("book-details"), {"action": "send", "email": email}),
                    typed=email,
                )
            )
        return pages

    seen = each(world, {"known": KNOWN, "unknown": UNKNOWN}, twice)
    assert seen["known"] == seen["unknown"]
    (first, second), _queries = seen["known"]
    assert first[0] == 302
    assert second[0] == 429
    assert "Too many codes." in second[2]
