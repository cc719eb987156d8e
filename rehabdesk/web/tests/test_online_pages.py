"""The online booking pages, driven with Django's test client: a new patient books and
confirms with the e-mailed code; a returning patient proves their address with a code;
the review refuses without consent; a time taken meanwhile offers alternatives."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rehabdesk.consents.models import ConsentRecord
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.online import services as online
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


def test_a_new_patient_books_and_confirms_with_the_emailed_code(client, world):
    assert world.follow_up.name in client.get(reverse("book-start")).content.decode()
    pick_first_time(client, world)
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
    verify = client.post(review, {"notice": "1", "consent": "yes"})
    assert verify.status_code == 302
    consent = ConsentRecord.objects.get(patient=held.patient)
    assert consent.notice.version == 1
    assert consent.channel == "online"
    message = OutboxMessage.objects.filter(kind="online_code").latest("pk")
    assert message.recipient == "nina@example.com"
    assert "Follow-up" not in message.subject
    held.refresh_from_db()
    assert held.status == AppointmentStatus.PENDING  # final only once confirmed
    done = client.post(verify["Location"], {"action": "verify", "code": code_from_outbox()})
    assert done.status_code == 302
    held.refresh_from_db()
    assert held.status == AppointmentStatus.BOOKED
    assert "You are booked" in client.get(done["Location"]).content.decode()


def test_someone_on_file_is_asked_to_book_as_a_returning_patient(client, world, personas):
    pick_first_time(client, world)
    response = client.post(reverse("book-new"), {**NEW, "email": "alice@persona.example"})
    assert response.status_code == 200
    assert "returning patient" in response.content.decode()
    # No second record, and the time is still held for nobody while they switch.
    assert Patient.objects.filter(email__iexact="alice@persona.example").count() == 1
    (held,) = Appointment.objects.filter(status=AppointmentStatus.PENDING)
    assert held.patient is None


def test_a_guardian_books_for_their_child_after_the_code(client, world, personas):
    pick_first_time(client, world)
    client.post(reverse("book-returning"), {"action": "send", "email": "grace@persona.example"})
    page = client.post(
        reverse("book-returning"), {"action": "verify", "code": code_from_outbox()}, follow=True
    ).content.decode()
    assert "Charlie" in page
    assert "Grace" in page
    response = client.post(
        reverse("book-returning"), {"action": "choose", "person": personas.child.pk}
    )
    assert response.status_code == 302
    client.post(response["Location"], {"notice": "1", "consent": "yes"})
    booked = Appointment.objects.get(patient=personas.child)
    assert booked.status == AppointmentStatus.BOOKED


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, world):
    pick_first_time(client, world)
    page = client.post(
        reverse("book-returning"), {"action": "send", "email": "nobody@example.com"}, follow=True
    ).content.decode()
    assert "If this address is on file" in page
    assert not OutboxMessage.objects.filter(kind="online_code").exists()


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


def test_rate_limits_answer_a_clear_message(client, world, monkeypatch):
    monkeypatch.setattr(
        online,
        "CODES_PER_EMAIL",
        online.Limit("code-email", 1, online.CODES_PER_EMAIL.per, "Too many codes."),
    )
    pick_first_time(client, world)
    client.post(reverse("book-returning"), {"action": "restart"})
    client.post(reverse("book-returning"), {"action": "send", "email": "alice@persona.example"})
    client.post(reverse("book-returning"), {"action": "restart"})
    response = client.post(
        reverse("book-returning"), {"action": "send", "email": "alice@persona.example"}
    )
    assert response.status_code == 429 or "Too many codes." in response.content.decode()


def test_the_privacy_notice_has_its_own_page(client):
    page = client.get(reverse("privacy-notice")).content.decode()
    assert "Version 1" in page
