"""The staff patient page: past visits newest first with how each ended (attended,
cancelled, no-show), ten at first and all on asking; deactivating is a step of its own
that needs a reason and a second, explicit click.

The clock is fixed at Monday 2027-03-08 11:00 in Toronto."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import CancelledBy
from rehabdesk.scheduling.services import (
    appointment_arrive,
    appointment_book,
    appointment_cancel,
    appointment_mark_noshow,
)
from rehabdesk.scheduling.testing import at, build_booking_world
from rehabdesk.web.staff.patient_bookings import PAST_SHOWN

pytestmark = pytest.mark.django_db

VIEW_NOW = at(8, 11)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: VIEW_NOW)


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def visit(world, patient, start):
    return appointment_book(
        request=world.request(start, patient=patient), actor=None, now=start - timedelta(days=7)
    )


@pytest.fixture
def history(world, personas):
    """Alice: attended on Mar 1, cancelled Mar 2, a no-show Mar 3, coming Mar 10."""
    alice = personas.patient_a
    attended = visit(world, alice, at(1, 9))
    appointment_arrive(appointment=attended, actor=None, now=at(1, 8, 55))
    cancelled = visit(world, alice, at(2, 9))
    appointment_cancel(appointment=cancelled, actor=None, now=at(1, 12))
    missed = visit(world, alice, at(3, 9))
    appointment_mark_noshow(appointment=missed, actor=None, now=at(3, 10))
    coming = visit(world, alice, at(10, 9))
    return {"attended": attended, "cancelled": cancelled, "missed": missed, "coming": coming}


def test_past_visits_are_listed_newest_first_with_how_each_ended(client, personas, world, history):
    client.force_login(personas.front_desk)
    response = client.get(reverse("patient-detail", args=[personas.patient_a.pk]))
    past = response.context["past"]
    assert [(a.pk, ended) for a, _, ended in past] == [
        (history["missed"].pk, "No-show"),
        (history["cancelled"].pk, "Cancelled"),
        (history["attended"].pk, "Attended"),
    ]
    page = response.text
    assert "Past visits" in page
    assert "Mar 3, 2027, 9:00 AM" in page  # Toronto time
    assert reverse("appointment-detail", args=[history["missed"].pk]) in page
    assert not response.context["more_past"]
    assert "Show all past visits" not in page
    # The coming visit is upcoming, not past.
    assert [a.pk for a, _ in response.context["upcoming"]] == [history["coming"].pk]


def test_ten_past_visits_at_first_and_all_on_asking(client, personas, world, history):
    for week in range(1, 10):
        visit(world, personas.patient_a, at(1, 14) - timedelta(weeks=week))
    client.force_login(personas.front_desk)
    url = reverse("patient-detail", args=[personas.patient_a.pk])
    first = client.get(url)
    assert len(first.context["past"]) == PAST_SHOWN
    assert first.context["more_past"]
    assert "?visits=all" in first.text
    every = client.get(url + "?visits=all")
    assert len(every.context["past"]) == 12
    assert not every.context["more_past"]
    assert "Show the latest only" in every.text


def test_a_late_cancellation_and_a_visit_never_checked_in_say_so(client, personas, world):
    late = visit(world, personas.patient_b, at(5, 9))
    appointment_cancel(appointment=late, actor=None, now=at(5, 8), by=CancelledBy.PATIENT)
    visit(world, personas.patient_b, at(4, 9))
    client.force_login(personas.front_desk)
    response = client.get(reverse("patient-detail", args=[personas.patient_b.pk]))
    assert [ended for _, _, ended in response.context["past"]] == [
        "Cancelled late",
        "Not checked in",
    ]


def test_deactivating_asks_for_a_confirmation_first(client, personas, world):
    client.force_login(personas.front_desk)
    patient = personas.patient_b
    record = client.get(reverse("patient-detail", args=[patient.pk]))
    deactivate = reverse("patient-deactivate", args=[patient.pk])
    assert f'href="{deactivate}"' in record.text
    assert f'action="{deactivate}"' not in record.text  # no one-click button on the record
    confirm = client.get(deactivate)
    assert confirm.status_code == 200
    assert "Deactivate Bob Brown?" in confirm.text
    assert Patient.objects.get(pk=patient.pk).active
    # The confirmation without a reason is a form error, and nothing changes.
    empty = client.post(deactivate, {"reason": ""})
    assert empty.status_code == 200
    assert empty.context["form"].errors["reason"]
    assert Patient.objects.get(pk=patient.pk).active
    done = client.post(deactivate, {"reason": "Moved away"}, follow=True)
    assert "Bob Brown is deactivated; the record is kept." in done.text
    assert not Patient.objects.get(pk=patient.pk).active
    # Already inactive: back to the record, nothing asked.
    again = client.get(deactivate, follow=True)
    assert "Bob Brown is already inactive." in again.text


@pytest.mark.parametrize("persona", ["physio", "massage_therapist", "patient_b"])
def test_only_those_who_keep_records_see_the_deactivation_step(client, personas, persona):
    client.force_login(personas.user(persona))
    assert (
        client.get(reverse("patient-deactivate", args=[personas.patient_b.pk])).status_code == 404
    )
    assert Patient.objects.get(pk=personas.patient_b.pk).active
