"""The online booking pages, driven with Django's test client: every visitor proves
their e-mail address with a code before anyone is matched; a new patient then gives
their details, a returning one chooses who it is for; the review refuses without
consent; a time taken meanwhile offers alternatives. Who is on file is not told by any
page before the code (test_online_same_answer.py)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rehabdesk.consents.models import ConsentRecord
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import build_booking_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def code_from_outbox() -> str:
    body = OutboxMessage.objects.filter(kind="online_code").latest("pk").body_text
    found = re.search(r"\b(\d{6})\b", body)
    assert found
    return found.group(1)


def prove(client, email: str):
    """Step 5's first part: ask for a code for `email` and enter it; the answer (a
    redirect to who the appointment is for)."""
    sent = client.post(reverse("book-details"), {"action": "send", "email": email})
    assert sent.status_code == 302, sent.content.decode()
    return client.post(reverse("book-details"), {"action": "verify", "code": code_from_outbox()})


def pick_first_time(client, world) -> str:
    query = f"?service={world.follow_up.pk}&location={world.pickering.pk}&practitioner=&visit=new"
    page = client.get(reverse("book-times") + query)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="submit" name="pick"' in html  # each time a button that chooses it
    found = re.search(r'name="pick" value="([^"]+)"', html)
    assert found
    value = found.group(1)
    response = client.post(
        reverse("book-times"),
        {"service": world.follow_up.pk, "location": world.pickering.pk, "pick": value},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("book-details")
    return value


NEW = {
    "first_name": "Nina",
    "last_name": "Newcomer",
    "date_of_birth": "1991-05-06",
    "email": "nina@example.com",
    "phone": "905-555-0199",
}


def test_a_new_patient_proves_their_address_then_gives_their_details_and_books(client, world):
    assert world.follow_up.name in client.get(reverse("book-start")).content.decode()
    pick_first_time(client, world)
    assert client.get(reverse("book-new"))["Location"] == reverse("book-details")  # code first
    # Nobody may be booked for with this address: straight on to their details.
    assert client.get(prove(client, NEW["email"])["Location"])["Location"] == reverse("book-new")
    form = client.get(reverse("book-new")).content.decode()
    assert 'name="email"' not in form  # the address is the one proved
    assert NEW["email"] in form
    response = client.post(reverse("book-new"), NEW)
    assert response.status_code == 302
    review = response["Location"]
    assert "nina" not in review.lower()  # no personal detail in the address
    held = Appointment.objects.get(patient__email="nina@example.com")
    assert held.status == AppointmentStatus.PENDING
    page = client.get(review).content.decode()
    assert "Cancellation policy" in page
    assert "privacy notice" in page.lower()
    refused = client.post(review, {"notice": "1"})
    assert refused.status_code == 200
    assert "tick the box" in refused.content.decode()
    done = client.post(review, {"notice": "1", "consent": "yes"})
    assert done.status_code == 302
    consent = ConsentRecord.objects.get(patient=held.patient)
    assert consent.notice.version == 1
    assert consent.channel == "online"
    held.refresh_from_db()
    assert held.status == AppointmentStatus.BOOKED  # the address was proved already
    assert OutboxMessage.objects.filter(kind="online_code").count() == 1
    assert "You are booked" in client.get(done["Location"]).content.decode()


def test_someone_on_file_who_says_they_are_new_is_booked_on_their_record(client, world, personas):
    pick_first_time(client, world)
    prove(client, "alice@persona.example")
    alice = {**NEW, "first_name": "ALICE", "last_name": "anders", "date_of_birth": "1980-04-02"}
    response = client.post(reverse("book-new"), alice)
    assert response.status_code == 302
    assert Patient.objects.filter(email__iexact="alice@persona.example").count() == 1
    (held,) = Appointment.objects.filter(status=AppointmentStatus.PENDING)
    assert held.patient == personas.patient_a


def test_a_guardian_books_for_their_child_after_the_code(client, world, personas):
    pick_first_time(client, world)
    chooser = prove(client, "grace@persona.example")
    page = client.get(chooser["Location"]).content.decode()
    assert "Charlie" in page
    assert "Grace" in page
    response = client.post(reverse("book-returning"), {"person": personas.child.pk})
    assert response.status_code == 302
    client.post(response["Location"], {"notice": "1", "consent": "yes"})
    booked = Appointment.objects.get(patient=personas.child)
    assert booked.status == AppointmentStatus.BOOKED


def test_who_it_is_for_is_asked_only_after_the_code(client, world, personas):
    pick_first_time(client, world)
    for name in ("book-new", "book-returning"):
        assert client.get(reverse(name))["Location"] == reverse("book-details")
        refused = client.post(reverse(name), {**NEW, "person": personas.patient_a.pk})
        assert refused["Location"] == reverse("book-details")
    client.post(reverse("book-details"), {"action": "send", "email": "alice@persona.example"})
    wrong = "000000" if code_from_outbox() != "000000" else "111111"
    client.post(reverse("book-details"), {"action": "verify", "code": wrong})
    assert client.get(reverse("book-returning"))["Location"] == reverse("book-details")
    assert not Appointment.objects.filter(patient__isnull=False).exists()


def test_an_address_nobody_may_be_booked_for_goes_on_to_the_details(client, world):
    pick_first_time(client, world)
    prove(client, "nobody@example.com")
    assert client.get(reverse("book-returning"))["Location"] == reverse("book-new")


def test_a_chosen_time_is_held_at_once_and_offered_to_nobody_else(client, world, personas):
    value = pick_first_time(client, world)
    (held,) = Appointment.objects.filter(status=AppointmentStatus.PENDING)
    assert held.patient is None
    other = type(client)()
    response = other.post(
        reverse("book-times"),
        {"service": world.follow_up.pk, "location": world.pickering.pk, "pick": value},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "just taken" in html
    assert 'name="pick"' in html  # the nearest alternatives, to choose from
    # The first visitor's details put them on the very same hold.
    prove(client, NEW["email"])
    assert client.post(reverse("book-new"), NEW).status_code == 302
    held.refresh_from_db()
    assert held.patient is not None
    assert held.patient.email == NEW["email"]


def test_choosing_another_time_gives_back_the_first(client, world):
    pick_first_time(client, world)
    first = Appointment.objects.get(status=AppointmentStatus.PENDING)
    pick_first_time(client, world)  # the first is free again, so it is first again
    first.refresh_from_db()
    assert first.status == AppointmentStatus.CANCELLED
    assert Appointment.objects.filter(status=AppointmentStatus.PENDING).count() == 1


def test_the_privacy_notice_has_its_own_page(client):
    page = client.get(reverse("privacy-notice")).content.decode()
    assert "Version 1" in page
