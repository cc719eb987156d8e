"""The desk's waitlist page: who waits for what and since when, with the offers made;
a time the patient asked for offered after a confirmation; a patient taken off the list
after a confirmation. Every patient named is one audited look.

The clock is fixed at Monday 2027-03-08 11:00 in Toronto."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from rehabdesk.audit.models import AuditEvent
from rehabdesk.scheduling.choices import CancelledBy, DayPart, OfferStatus, WaitlistStatus
from rehabdesk.scheduling.models import WaitlistOffer
from rehabdesk.scheduling.services import (
    Wish,
    appointment_book,
    appointment_cancel,
    freed_time_process,
    waitlist_add,
)
from rehabdesk.scheduling.testing import at, build_booking_world

pytestmark = pytest.mark.django_db

VIEW_NOW = at(8, 11)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: VIEW_NOW)


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def wait(world, patient, *, service=None, locations=None, weekdays=(), parts=(), minutes=0):
    return waitlist_add(
        wish=Wish(
            patient=patient,
            service=service or world.follow_up,
            practitioner=None,
            locations=locations or [world.pickering],
            weekdays=weekdays,
            day_parts=parts,
            valid_until=at(30, 0).date(),
        ),
        actor=None,
        now=at(1, 9) + timedelta(minutes=minutes),
    )


@pytest.fixture
def waiting(world, personas):
    """Alice waits for a follow-up on Wednesday mornings (since March 1); Bob for a
    massage at Milton; Grace was offered a freed time on Tuesday at 14:00."""
    alice = wait(world, personas.patient_a, weekdays=[2], parts=[DayPart.MORNING])
    bob = wait(world, personas.patient_b, service=world.massage, locations=[world.milton])
    grace = wait(world, personas.guardian, minutes=5)
    freed = appointment_book(
        request=world.request(at(9, 14), patient=personas.child), actor=None, now=at(8, 8)
    )
    appointment_cancel(appointment=freed, actor=None, now=at(8, 10), by=CancelledBy.CLINIC)
    freed_time_process(now=at(8, 10))
    return {"alice": alice, "bob": bob, "grace": grace}


def test_the_desk_sees_who_waits_at_its_location_with_the_offers_made(
    client, personas, world, waiting
):
    client.force_login(personas.front_desk)
    response = client.get(reverse("waitlist"))
    assert response.status_code == 200
    assert response.context["location"] == personas.pickering  # the clerk's home
    rows = response.context["rows"]
    assert [(entry.pk, wish) for entry, wish in rows] == [
        (waiting["alice"].pk, "Wed; morning (before noon)"),
        (waiting["grace"].pk, "Any day"),
    ]
    page = response.text
    assert "Alice Anders" in page
    assert "Bob Brown" not in page
    assert "Mar 1, 2027" in page  # waiting since
    # Grace's offer: the time held, with whom, and that it is open.
    assert "Tue Mar 9, 2:00 PM with Priya Physio" in page
    assert reverse("waitlist-offer", args=[waiting["alice"].pk]) in page
    # Grace has a time on offer: no second offer, but she can be removed.
    assert reverse("waitlist-offer", args=[waiting["grace"].pk]) not in page
    assert reverse("waitlist-remove", args=[waiting["grace"].pk]) in page


def test_the_list_filters_by_location_and_service(client, personas, world, waiting):
    client.force_login(personas.manager)
    everywhere = client.get(reverse("waitlist") + "?location=")
    assert len(everywhere.context["rows"]) == 3
    milton = client.get(reverse("waitlist") + "?location=milton")
    assert [e.pk for e, _ in milton.context["rows"]] == [waiting["bob"].pk]
    massage = client.get(reverse("waitlist") + f"?location=&service={world.massage.pk}")
    assert [e.pk for e, _ in massage.context["rows"]] == [waiting["bob"].pk]
    # Nonsense filters are a form error and the whole list, never an error page.
    odd = client.get(reverse("waitlist") + "?location=nowhere&service=abc")
    assert odd.status_code == 200
    assert odd.context["form"].errors
    assert len(odd.context["rows"]) == 3


def test_the_list_is_one_audited_look_at_the_patients_named(client, personas, world, waiting):
    client.force_login(personas.front_desk)
    before = AuditEvent.objects.count()
    client.get(reverse("waitlist"))
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert (event.action, event.object_type) == ("view", "web.waitlist")
    assert set(event.patient_links.values_list("patient_id", flat=True)) == {
        personas.patient_a.pk,
        personas.guardian.pk,
    }


def test_the_list_reads_in_a_fixed_number_of_queries(client, personas, world, waiting):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas.front_desk)
    url = reverse("waitlist") + "?location="
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    wait(world, personas.child, minutes=9)
    wait(world, personas.patient_b, minutes=10, locations=[world.pickering, world.milton])
    with CaptureQueriesContext(connection) as after:
        assert len(client.get(url).context["rows"]) == 5
    assert len(after) == len(before)


def test_the_desk_offers_a_time_the_patient_asked_for_after_confirming(
    client, personas, world, waiting
):
    client.force_login(personas.front_desk)
    url = reverse("waitlist-offer", args=[waiting["alice"].pk])
    page = client.get(url)
    assert page.status_code == 200
    times = [t for day in page.context["days"] for t in day.times]
    # Only Wednesday mornings, in Toronto time.
    assert times
    assert {(t.start.weekday(), t.start.hour < 12) for t in times} == {(2, True)}
    first = times[0]
    confirm = client.get(url, {"pick": first.value})
    assert confirm.status_code == 200
    assert "Offer this time to Alice Anders?" in confirm.text
    assert not WaitlistOffer.objects.filter(entry=waiting["alice"]).exists()  # nothing yet
    done = client.post(url, {"pick": first.value}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("waitlist")
    assert "Offered to Alice Anders" in done.text
    offer = WaitlistOffer.objects.get(entry=waiting["alice"])
    assert offer.status == OfferStatus.OPEN
    assert offer.appointment.start == first.start


def test_a_refused_offer_is_shown_with_the_times_again(client, personas, world, waiting):
    client.force_login(personas.front_desk)
    url = reverse("waitlist-offer", args=[waiting["alice"].pk])
    # A Tuesday afternoon: free, but not what Alice asked for.
    tuesday = f"{at(9, 15).isoformat()}|{world.physio.pk}|{world.pickering.pk}"
    response = client.post(url, {"pick": tuesday})
    assert response.status_code == 200
    assert "Alice Anders did not ask for that time" in response.text
    assert response.context["days"]
    assert not WaitlistOffer.objects.filter(entry=waiting["alice"]).exists()
    # A time that does not read goes back to the list.
    assert client.post(url, {"pick": "soon"}).url == url


def test_the_desk_removes_a_patient_after_confirming(client, personas, world, waiting):
    client.force_login(personas.front_desk)
    url = reverse("waitlist-remove", args=[waiting["grace"].pk])
    confirm = client.get(url)
    assert "Take Grace" in confirm.text
    assert "A time is on offer to them" in confirm.text
    waiting["grace"].refresh_from_db()
    assert waiting["grace"].status == WaitlistStatus.OFFERED  # nothing yet
    done = client.post(url, follow=True)
    assert "is off the waitlist for Follow-up" in done.text
    waiting["grace"].refresh_from_db()
    assert waiting["grace"].status == WaitlistStatus.WITHDRAWN
    assert WaitlistOffer.objects.get(entry=waiting["grace"]).status == OfferStatus.WITHDRAWN
    again = client.post(url, follow=True)
    assert "no longer on the waitlist" in again.text


@pytest.mark.parametrize("persona", ["physio", "patient_a", "outsider"])
def test_only_the_desk_and_managers_use_the_waitlist_page(
    client, personas, world, waiting, persona
):
    client.force_login(personas.user(persona))
    entry = waiting["alice"]
    assert client.get(reverse("waitlist")).status_code == 404
    assert client.get(reverse("waitlist-offer", args=[entry.pk])).status_code == 404
    assert client.post(reverse("waitlist-remove", args=[entry.pk])).status_code == 404
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING


def test_the_waitlist_is_in_the_desk_s_menu(client, personas):
    client.force_login(personas.front_desk)
    assert f'href="{reverse("waitlist")}"' in client.get(reverse("desk-day")).text


def test_a_patient_with_a_time_on_offer_is_offered_nothing_more(client, personas, world, waiting):
    client.force_login(personas.front_desk)
    url = reverse("waitlist-offer", args=[waiting["grace"].pk])
    pick = f"{at(10, 9).isoformat()}|{world.physio.pk}|{world.pickering.pk}"
    page = client.get(url, {"pick": pick})
    assert page.status_code == 200
    assert "A time is already on offer to Grace Green" in page.text
    assert "Offer the time" not in page.text
    refused = client.post(url, {"pick": pick})
    assert "is not waiting now" in refused.text
    assert WaitlistOffer.objects.filter(entry=waiting["grace"]).count() == 1
