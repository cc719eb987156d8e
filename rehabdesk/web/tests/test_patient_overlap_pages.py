"""Booking or moving a caller into a time they are already booked for: the page says
so, and only the front desk is offered to book the overlap on purpose — a checkbox and
the reason, which goes on file."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import build_booking_world, weekday_at

pytestmark = pytest.mark.django_db

REASON = "Physio straight into massage, same visit"


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


@pytest.fixture
def massage(world) -> Appointment:
    """Patient A's massage at Pickering, 10:00 to 11:00 in a few days."""
    request = world.request(
        weekday_at(10),
        service=world.massage,
        practitioner=world.massage_therapist,
        channel=Channel.PHONE,
    )
    return appointment_book(request=request, actor=None, now=timezone.now())


def picked(world, hour: int, minute: int = 0, **extra) -> dict:
    return {
        "practitioner": world.physio.pk,
        "location": world.pickering.pk,
        "service": world.follow_up.pk,
        "start": weekday_at(hour, minute).isoformat(),
        "key": "overlap-key-0001",
    } | extra


def book_url(world) -> str:
    return reverse("patient-book", args=[world.patient.pk])


def test_the_desk_is_told_and_may_book_the_overlap_on_purpose(client, personas, world, massage):
    client.force_login(personas.front_desk)
    refused = client.post(book_url(world), picked(world, 10, 30))
    assert refused.status_code == 200
    assert "already has a booking then" in refused.text
    assert 'name="overlap"' in refused.text
    assert 'name="overlap_reason"' in refused.text
    assert Appointment.objects.count() == 1
    no_reason = client.post(book_url(world), picked(world, 10, 30, overlap="on"))
    assert no_reason.status_code == 200
    assert "Say why" in no_reason.text
    assert Appointment.objects.count() == 1
    booked = client.post(
        book_url(world), picked(world, 10, 30, overlap="on", overlap_reason=REASON)
    )
    assert booked.status_code == 302
    paired = Appointment.objects.exclude(pk=massage.pk).get()
    assert paired.overlap_reason == REASON
    assert REASON in paired.events.get().detail


def test_a_practitioner_is_told_but_not_offered_the_overlap(client, personas, world, massage):
    client.force_login(personas.physio.user)
    refused = client.post(book_url(world), picked(world, 10, 30))
    assert "already has a booking then" in refused.text
    assert 'name="overlap"' not in refused.text
    # Sending the box anyway changes nothing: the pages offer it to the desk only.
    again = client.post(book_url(world), picked(world, 10, 30, overlap="on", overlap_reason=REASON))
    assert "already has a booking then" in again.text
    assert Appointment.objects.count() == 1


def test_the_desk_may_move_a_visit_onto_another_on_purpose(client, personas, world, massage):
    follow_up = appointment_book(
        request=world.request(weekday_at(14), channel=Channel.PHONE),
        actor=None,
        now=timezone.now(),
    )
    client.force_login(personas.front_desk)
    url = reverse("appointment-reschedule", args=[follow_up.pk])
    move = picked(world, 10, 15)
    refused = client.post(url, move)
    assert "already has a booking then" in refused.text
    assert Appointment.objects.get(pk=follow_up.pk).start == weekday_at(14)
    moved = client.post(url, move | {"overlap": "on", "overlap_reason": REASON})
    assert moved.status_code == 302
    row = Appointment.objects.get(pk=follow_up.pk)
    assert (row.start, row.overlap_reason) == (weekday_at(10, 15), REASON)
