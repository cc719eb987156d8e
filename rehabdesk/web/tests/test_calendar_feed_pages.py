"""Calendar feeds through the pages: a practitioner subscribes from their own page and
their calendar program fetches the address without signing in; a new address or
turning it off makes the old one a bare 404; the secret never reaches the log or a
later page; a patient subscribes from the portal; the manager turns a practitioner's
feed off; a location's closures are public."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from rehabdesk.core.log_filters import RedactSecretPaths
from rehabdesk.scheduling.choices import FeedKind
from rehabdesk.scheduling.selectors import feed_live
from rehabdesk.scheduling.services import appointment_book, calendar_feed_create
from rehabdesk.scheduling.testing import build_booking_world, weekday_at
from rehabdesk.testing.factors import staff_device
from rehabdesk.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db

ADDRESS = re.compile(r'value="(https?://[^"]+/feeds/[A-Za-z0-9_-]{43}\.ics)"')


@pytest.fixture
def world(personas):
    world = build_booking_world(personas)
    world.personas = personas
    return world


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def book(world, hour, **request):
    return appointment_book(
        request=world.request(weekday_at(hour), **request), actor=None, now=timezone.now()
    )


def turn_on(client, route):
    """POST "Turn on" and read the address off the answer: its path."""
    response = client.post(reverse(route), {"action": "new"})
    assert response.status_code == 200
    found = ADDRESS.search(response.content.decode())
    assert found, "the address is shown on the answer"
    return urlsplit(found.group(1)).path


def fetch(path):
    return Client().get(path)  # a calendar program: nobody signed in


def test_a_practitioner_subscribes_and_their_calendar_reads_the_feed(world):
    book(world, 10)
    physio = signed_in(world.physio.user)
    assert "Subscribe in your calendar" in physio.get(reverse("my-day")).content.decode()
    path = turn_on(physio, "my-calendar-feed")
    secret = path.removeprefix("/feeds/").removesuffix(".ics")
    # Shown once: the page after says the feed is on, without the address.
    page = physio.get(reverse("my-calendar-feed")).content.decode()
    assert "Your calendar feed is on" in page
    assert secret not in page
    response = fetch(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    [event] = Calendar.from_ical(response.content).events
    assert event["SUMMARY"] == "Appointment — A.A."


def test_a_new_address_or_turning_off_leaves_the_old_one_a_bare_404(world):
    physio = signed_in(world.physio.user)
    first = turn_on(physio, "my-calendar-feed")
    second = turn_on(physio, "my-calendar-feed")
    unknown = fetch("/feeds/" + "A" * 43 + ".ics")
    replaced = fetch(first)
    assert fetch(second).status_code == 200
    assert physio.post(reverse("my-calendar-feed"), {"action": "off"}).status_code == 302
    turned_off = fetch(second)
    for response in (unknown, replaced, turned_off):
        assert response.status_code == 404
        assert response.content == b"Not found.\n"
        assert response["Content-Type"] == "text/plain"
        assert "no-store" in response["Cache-Control"]
    assert feed_live(owner_id=world.physio.user_id, kind=FeedKind.PRACTITIONER) is None
    assert fetch("/feeds/not-a-secret.ics").status_code == 404


def test_the_secret_never_reaches_the_log(world, caplog):
    physio = signed_in(world.physio.user)
    path = turn_on(physio, "my-calendar-feed")
    secret = path.removeprefix("/feeds/").removesuffix(".ics")
    physio.post(reverse("my-calendar-feed"), {"action": "off"})
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert fetch(path).status_code == 404
    assert "Not Found: /feeds/[redacted].ics" in caplog.text
    assert secret not in caplog.text
    # The development server's request line, and the public closures feed left alone.
    record = logging.LogRecord(
        "django.server", logging.INFO, "", 0, '"%s" %s %s', (f"GET {path} HTTP/1.1", 404, 11), None
    )
    RedactSecretPaths().filter(record)
    assert record.getMessage() == '"GET /feeds/[redacted].ics HTTP/1.1" 404 11'
    public = logging.LogRecord("x", logging.INFO, "", 0, "/feeds/closures/pickering.ics", (), None)
    RedactSecretPaths().filter(public)
    assert public.getMessage() == "/feeds/closures/pickering.ics"


def test_a_choice_the_page_does_not_offer_is_refused_and_changes_nothing(world):
    physio = signed_in(world.physio.user)
    response = physio.post(reverse("my-calendar-feed"), {"action": "everything"})
    assert response.status_code == 400
    assert "Choose one of the buttons below." in response.content.decode()
    assert feed_live(owner_id=world.physio.user_id, kind=FeedKind.PRACTITIONER) is None


def test_a_patient_subscribes_from_the_portal_to_their_familys_visits(world):
    p = world.personas
    book(world, 10, patient=p.child)
    book(world, 11, patient=p.patient_b)
    guardian = signed_in(p.guardian.user)
    assert reverse("my-feed") in guardian.get(reverse("my-family")).content.decode()
    response = fetch(turn_on(guardian, "my-feed"))
    assert response.status_code == 200
    [event] = Calendar.from_ical(response.content).events
    assert event["SUMMARY"] == f"Follow-up with {world.physio.display_name} — Charlie"


def test_the_manager_turns_off_a_practitioners_feed_and_no_one_elses(world):
    p = world.personas
    path = turn_on(signed_in(world.physio.user), "my-calendar-feed")
    patients = calendar_feed_create(
        owner=p.guardian.user, kind=FeedKind.PATIENT, actor=None, now=timezone.now()
    )
    manager = signed_in(p.manager)
    listing = manager.get(reverse("calendar-feeds")).content.decode()
    assert world.physio.display_name in listing
    assert p.guardian.full_name not in listing
    assert path.removeprefix("/feeds/").removesuffix(".ics") not in listing
    assert signed_in(p.front_desk).get(reverse("calendar-feeds")).status_code == 404
    refused = manager.post(reverse("calendar-feed-turn-off", kwargs={"feed_id": patients.feed.pk}))
    assert refused.status_code == 404
    assert fetch(f"/feeds/{patients.secret}.ics").status_code == 200
    feed = feed_live(owner_id=world.physio.user_id, kind=FeedKind.PRACTITIONER)
    assert feed is not None
    done = manager.post(reverse("calendar-feed-turn-off", kwargs={"feed_id": feed.pk}))
    assert done.status_code == 302
    assert fetch(path).status_code == 404
    again = manager.post(
        reverse("calendar-feed-turn-off", kwargs={"feed_id": feed.pk}), follow=True
    )
    assert "already off" in again.content.decode()


def test_a_locations_closures_are_public_and_cacheable(world):
    response = fetch(reverse("closures-feed", kwargs={"slug": world.pickering.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert Calendar.from_ical(response.content)["X-WR-CALNAME"].endswith("Pickering: closures")
    assert fetch(reverse("closures-feed", kwargs={"slug": "nowhere"})).status_code == 404


def test_a_staff_session_before_its_second_factor_fetches_without_a_sign_in_redirect(world):
    # A redirect to the second step would copy the secret into its `?next=`.
    made = calendar_feed_create(
        owner=world.physio.user, kind=FeedKind.PRACTITIONER, actor=None, now=timezone.now()
    )
    staff_device(world.personas.front_desk)
    browser = Client()
    browser.post(
        reverse("sign-in"), {"username": world.personas.front_desk.email, "password": PASSWORD}
    )
    assert browser.get(reverse("desk-day")).status_code == 302  # half signed in
    response = browser.get(f"/feeds/{made.secret}.ics")
    assert response.status_code == 200
    assert made.secret not in response.get("Location", "")
