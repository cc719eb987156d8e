"""A guardian's first page in the portal is the family's: everyone's upcoming visits
together, soonest first, each named, each with its link to move or cancel it; one
audited view of the people shown, in a fixed number of queries. A patient on their own
keeps their own page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.manage_links import manage_token
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import appointment_cancel, freed_time_process
from rehabdesk.scheduling.testing import build_booking_world, weekday_at
from rehabdesk.web.tests.test_portal_pages import book, visited

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def visits_listed(html: str) -> list[str]:
    """The family page's visit cards as text, in page order."""
    cards = re.findall(r'<li class="visit">(.*?)</li>', html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card)).strip() for card in cards]


def test_a_guardian_sees_everyone_s_upcoming_visits_in_time_order(client, personas, world):
    childs_later = book(world, weekday_at(15), personas.child)
    own = book(world, weekday_at(11), personas.guardian)
    childs_sooner = book(world, weekday_at(9, after_days=1), personas.child)
    visited(world, personas.child, weekday_at(10, after_days=-7))  # past: not listed
    cancelled = book(world, weekday_at(13), personas.child)
    appointment_cancel(appointment=cancelled, actor=None, now=timezone.now())
    book(world, weekday_at(14), personas.patient_a)  # someone else's
    client.force_login(personas.user("guardian"))

    page = client.get(reverse("my-family"))

    assert page.status_code == 200
    html = page.text
    cards = visits_listed(html)
    assert len(cards) == 3, cards
    assert [card.split()[0] for card in cards] == ["Charlie", "You", "Charlie"]
    for card, visit in zip(cards, (childs_sooner, own, childs_later), strict=True):
        local = visit.start.astimezone(visit.location.zone)
        assert f"{local:%A, %B} {local.day}, {local.year}" in card
        assert local.strftime("%-I:%M %p") in card
        assert "Follow-up with Priya Physio, Pickering" in card
    links = re.findall(r'<li class="visit">.*?href="(/my/appointments/\d+/)"', html, re.S)
    assert links == [
        reverse("my-appointment", args=[v.pk]) for v in (childs_sooner, own, childs_later)
    ]
    assert "Alice" not in html
    # The tabs: the family's page is the one shown; each person is a link away.
    assert re.search(r'href="/my/"\s+aria-current="page">Everyone<', html)
    assert reverse("my-person", args=[personas.child.pk]) in html
    # One view event, linking everyone the page names.
    event = AuditEvent.objects.filter(object_type="web.my_portal").latest("pk")
    assert event.action == AuditAction.VIEW
    assert set(event.patient_links.values_list("patient_id", flat=True)) == {
        personas.guardian.pk,
        personas.child.pk,
    }


def test_the_family_page_says_when_nobody_has_a_visit(client, personas, world):
    client.force_login(personas.user("guardian"))
    html = client.get(reverse("my-family")).text
    assert "Everyone's upcoming visits" in html
    assert "Nobody has a visit booked." in html


def test_a_time_held_from_the_waitlist_for_a_child_shows_on_the_family_page(
    client, personas, world
):
    taken = book(world, weekday_at(10), world.other_patient)
    client.force_login(personas.user("guardian"))
    client.post(
        reverse("my-waitlist-join", args=[personas.child.pk]),
        {
            "service": world.follow_up.pk,
            "locations": [world.pickering.pk],
            "valid_until": (timezone.localdate() + timedelta(days=20)).isoformat(),
        },
    )
    appointment_cancel(appointment=taken, actor=None, now=timezone.now())
    freed_time_process(now=timezone.now())
    hold = Appointment.objects.get(patient=personas.child, status=AppointmentStatus.PENDING)
    html = client.get(reverse("my-family")).text
    assert "Times held from the waitlist" in html
    assert "a time is held for Charlie" in html
    assert reverse("my-appointment", args=[hold.pk]) in html


def test_a_patient_without_a_family_keeps_their_own_first_page(client, personas, world):
    mine = book(world, weekday_at(10), personas.patient_a)
    client.force_login(personas.user("patient_a"))
    html = client.get(reverse("my-family")).text
    assert "Everyone" not in html
    assert "Upcoming appointments" in html
    assert reverse("my-appointment", args=[mine.pk]) in html


def test_the_family_page_reads_in_a_fixed_number_of_queries(
    client, personas, world, django_assert_num_queries
):
    client.force_login(personas.user("guardian"))
    url = reverse("my-family")
    client.get(url)
    with django_assert_num_queries(13) as few:  # 12 + the clinic's name for the header
        client.get(url)
    for hour in (9, 10, 11):
        book(world, weekday_at(hour), personas.child)
    book(world, weekday_at(14), personas.guardian)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_guardian_s_pages_for_a_child_s_booking_name_the_child(client, personas, world):
    childs = book(world, weekday_at(15), personas.child)
    own = book(world, weekday_at(11), personas.guardian)
    client.force_login(personas.user("guardian"))
    for route, heading in (
        ("my-appointment", "<h1>Charlie's appointment</h1>"),
        ("my-appointment-move", "<h1>Move Charlie's appointment</h1>"),
        ("my-appointment-cancel", "<h1>Cancel Charlie's appointment?</h1>"),
    ):
        html = client.get(reverse(route, args=[childs.pk])).content.decode()
        assert heading.replace("'", "&#x27;") in html, route
    assert "<h1>Your appointment</h1>" in client.get(reverse("my-appointment", args=[own.pk])).text
    # Through the e-mailed link, which went to the guardian: the child has no address.
    client.logout()
    link = client.get(reverse("manage-booking", args=[manage_token(childs)])).text
    assert "<h1>Charlie&#x27;s appointment</h1>" in link
    theirs = client.get(reverse("manage-booking", args=[manage_token(own)])).text
    assert "<h1>Your appointment</h1>" in theirs
