"""Managing a booking from the e-mailed link, without signing in: see it, cancel or
move it within the policy; a forged, expired or another patient's link gets one plain
refusal that reveals nothing."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.choices import AppointmentStatus, CancelledBy, Channel
from rehabdesk.scheduling.manage_links import SALT, manage_token
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import appointment_book, appointment_cancel
from rehabdesk.scheduling.testing import build_booking_world, weekday_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def book(world, start: datetime, **kwargs) -> Appointment:
    return appointment_book(
        request=world.request(start, channel=Channel.ONLINE, **kwargs),
        actor=None,
        now=timezone.now(),
    )


def link_in_email(appointment: Appointment, kind: str = "booking_confirmation") -> str:
    message = OutboxMessage.objects.filter(kind=kind, related_id=str(appointment.pk)).latest("pk")
    found = re.search(r"https?://[^/\s]+(/manage/[^/\s]+/)", message.body_text)
    assert found, "the e-mail carries a manage link"
    assert found.group(1) in message.body_html
    return found.group(1)


def test_the_confirmation_email_links_to_a_page_showing_the_booking(client, world):
    booked = book(world, weekday_at(10))
    page = client.get(link_in_email(booked))
    assert page.status_code == 200
    text = page.content.decode()
    assert world.follow_up.name in text
    assert world.physio.display_name in text
    assert "Move to another time" in text
    assert "Cancel this appointment" in text
    assert "no-store" in page["Cache-Control"]  # nor kept by the browser or a proxy
    viewed = AuditEvent.objects.filter(summary="appointment (manage link)").get()
    assert viewed.action == AuditAction.VIEW
    assert viewed.object_id == str(booked.pk)


def test_the_patient_cancels_from_the_link_without_signing_in(client, world):
    booked = book(world, weekday_at(10))
    link = link_in_email(booked)
    confirm = client.get(link + "cancel/")
    assert "no fee" in confirm.content.decode()
    done = client.post(link + "cancel/")
    assert done.status_code == 302
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED
    assert booked.cancelled_by == CancelledBy.PATIENT
    assert booked.fee_due is None
    after = client.get(link).content.decode()
    assert "This appointment is cancelled." in after
    assert "Book again with" in after
    assert "Move to another time" not in after
    assert link_in_email(booked, "booking_cancelled")


def test_the_patient_moves_from_the_link_and_gets_a_new_email(client, world):
    booked = book(world, weekday_at(10))
    link = link_in_email(booked)
    page = client.get(link + "move/")
    assert page.status_code == 200
    values = re.findall(r'name="pick" id="[^"]+" value="([^"]+)"', page.content.decode())
    assert values
    # Another time, sooner or later: the page lists the first free times from now, and
    # from a Wednesday at 00:30 every one of them came before next Monday's visit.
    chosen = next(v for v in values if datetime.fromisoformat(v.split("|")[0]) != booked.start)
    moved = client.post(link + "move/", {"pick": chosen})
    assert moved.status_code == 302
    booked.refresh_from_db()
    assert booked.start == datetime.fromisoformat(chosen.split("|")[0])
    assert booked.status == AppointmentStatus.BOOKED
    assert link_in_email(booked, "booking_changed") != link


def test_a_time_taken_meanwhile_offers_the_nearest_instead(client, world):
    booked = book(world, weekday_at(10))
    link = link_in_email(booked)
    values = re.findall(r'name="pick" id="[^"]+" value="([^"]+)"', client.get(link + "move/").text)
    chosen = values[-1]
    book(world, datetime.fromisoformat(chosen.split("|")[0]), patient=world.other_patient)
    refused = client.post(link + "move/", {"pick": chosen})
    assert refused.status_code == 409
    assert "just taken" in refused.text
    assert 'name="pick"' in refused.text
    booked.refresh_from_db()
    assert booked.start == weekday_at(10)


def test_inside_the_notice_the_page_says_to_call_and_refuses_changes(client, world):
    booked = book(world, weekday_at(10))
    clinic = world.pickering.clinic
    clinic.cancellation_notice_hours = 24 * 30
    clinic.save()
    link = link_in_email(booked)
    page = client.get(link).text
    assert "can only be changed by phone" in page
    assert "Move to another time" not in page
    assert 'name="pick"' not in client.get(link + "move/").text
    client.post(link + "cancel/")
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED


def refusals(client, world) -> list[str]:
    booked = book(world, weekday_at(10))
    theirs = book(world, weekday_at(11), patient=world.other_patient)
    token = manage_token(booked)
    past = book(world, weekday_at(14))
    expired = signing.dumps(
        [past.pk, past.patient_id, int((timezone.now() - timedelta(minutes=1)).timestamp())],
        salt=SALT,
    )
    other = signing.dumps([theirs.pk, booked.patient_id, int(theirs.start.timestamp())], salt=SALT)
    pages = []
    for bad in (token[:-2] + "zz", expired, other, "not-a-token"):
        for suffix in ("", "cancel/", "move/"):
            response = client.get(reverse("manage-booking", args=[bad]) + suffix)
            assert response.status_code == 404
            pages.append(response.text)
    response = client.post(reverse("manage-booking-cancel", args=[other]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == AppointmentStatus.BOOKED
    return pages


def test_a_forged_expired_or_other_patients_link_is_refused_alike(client, world):
    pages = refusals(client, world)
    assert len(set(pages)) == 1, "every refusal reads the same"
    assert "This link does not work" in pages[0]
    for name in (world.patient.last_name, world.other_patient.last_name, world.physio.display_name):
        assert name not in pages[0]
    denied = AuditEvent.objects.filter(action=AuditAction.DENY, summary__contains="manage link")
    assert denied.count() == 13


def test_a_cancelled_booking_cannot_be_cancelled_twice(client, world):
    booked = book(world, weekday_at(10))
    link = link_in_email(booked)
    appointment_cancel(appointment=booked, actor=None, now=timezone.now())
    response = client.post(link + "cancel/", follow=True)
    assert "can no longer be changed" in response.text


def test_the_link_page_reads_in_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    booked = book(world, weekday_at(10))
    link = link_in_email(booked)
    client.get(link)
    # With the clinic's name for the header and the health form's status.
    with django_assert_num_queries(8):
        assert client.get(link).status_code == 200


# --- Waitlist offers ----------------------------------------------------------------------


def offered(world) -> Appointment:
    """A time freed by a cancellation and offered to the waiting patient."""
    from rehabdesk.scheduling.services import Wish, freed_time_process, waitlist_add

    taken = book(world, weekday_at(10), patient=world.other_patient)
    waitlist_add(
        wish=Wish(
            patient=world.patient,
            service=world.follow_up,
            practitioner=world.physio,
            locations=[world.pickering],
            weekdays=[],
            day_parts=[],
            valid_until=timezone.localdate() + timedelta(days=30),
        ),
        actor=None,
        now=timezone.now(),
    )
    appointment_cancel(appointment=taken, actor=None, now=timezone.now())
    freed_time_process(now=timezone.now())
    return Appointment.objects.get(patient=world.patient, status=AppointmentStatus.PENDING)


def test_a_waiting_patient_takes_the_offered_time_from_the_email(client, world):
    hold = offered(world)
    link = link_in_email(hold, "waitlist_offer")
    page = client.get(link).text
    assert "we are holding it for you" in page
    assert "Take this time" in page
    assert client.post(link + "offer/", {"answer": "accept"}).status_code == 302
    hold.refresh_from_db()
    assert hold.status == AppointmentStatus.BOOKED
    assert hold.waitlist_offer.status == "accepted"
    assert "Move to another time" in client.get(link).text


def test_a_waiting_patient_lets_the_offered_time_go(client, world):
    hold = offered(world)
    link = link_in_email(hold, "waitlist_offer")
    client.post(link + "offer/", {"answer": "decline"})
    hold.refresh_from_db()
    assert hold.status == AppointmentStatus.CANCELLED
    assert hold.waitlist_offer.status == "declined"
    ended = client.post(link + "offer/", {"answer": "accept"}, follow=True)
    assert "This offer has ended" in ended.text
    hold.refresh_from_db()
    assert hold.status == AppointmentStatus.CANCELLED


def test_the_patient_confirms_from_the_reminder_s_link_once(client, world):
    booked = book(world, weekday_at(10))
    link = link_in_email(booked)
    assert "I will be there" in client.get(link).text
    done = client.post(link + "confirm/")
    assert done.status_code == 302
    booked.refresh_from_db()
    assert booked.patient_confirmed_at is not None
    page = client.get(link).text
    assert "I will be there" not in page
    assert "Confirmed: you have told us you will be there." in page
    first = booked.patient_confirmed_at
    client.post(link + "confirm/")
    booked.refresh_from_db()
    assert booked.patient_confirmed_at == first


def test_a_cancelled_booking_cannot_be_confirmed(client, world):
    booked = book(world, weekday_at(10))
    link = link_in_email(booked)
    appointment_cancel(appointment=booked, actor=None, now=timezone.now())
    assert "I will be there" not in client.get(link).text
    client.post(link + "confirm/")
    booked.refresh_from_db()
    assert booked.patient_confirmed_at is None


def test_a_signed_in_patient_confirms_from_the_portal(client, world, personas):
    booked = book(world, weekday_at(10))
    client.force_login(personas.patient_a.user)
    url = reverse("my-appointment", args=[booked.pk])
    assert "I will be there" in client.get(url).text
    assert client.post(reverse("my-appointment-confirm", args=[booked.pk])).status_code == 302
    booked.refresh_from_db()
    assert booked.patient_confirmed_at is not None
