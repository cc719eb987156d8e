"""An entry without a visit — a phone consult, a letter, a missed appointment — started
by a practitioner in the patient's care on the general entry (or another template)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.care.models import VisitNote
from rehabdesk.web.tests.note_world import note_world

pytestmark = pytest.mark.django_db


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_it_offers_the_general_entry_first(personas):
    nw = note_world(personas)
    response = nw.client().get(reverse("note-new", args=[personas.patient_a.pk]))
    assert response.status_code == 200
    choices = list(response.context["form"].fields["template"].choices)
    assert choices[0][1] == "General entry"
    assert "Phone or video consult" in response.text


def test_it_starts_a_phone_consult_at_the_time_given(personas):
    nw = note_world(personas)
    general = nw.template("general-entry")
    when = timezone.now() - timedelta(hours=2)
    response = nw.client().post(
        reverse("note-new", args=[personas.patient_a.pk]),
        {"kind": "phone", "template": general.pk, "encounter_at": local(when)},
    )
    note = VisitNote.objects.get()
    assert response["Location"] == reverse("note-edit", args=[note.pk])
    assert (note.kind, note.appointment, note.template) == ("phone", None, general)
    assert abs(note.encounter_at - when) < timedelta(minutes=1)


def test_it_refuses_a_time_still_to_come(personas):
    nw = note_world(personas)
    response = nw.client().post(
        reverse("note-new", args=[personas.patient_a.pk]),
        {
            "kind": "letter",
            "template": nw.template("general-entry").pk,
            "encounter_at": local(timezone.now() + timedelta(days=1)),
        },
    )
    assert response.status_code == 200
    assert "not a future time" in response.text
    assert not VisitNote.objects.exists()


def test_it_refuses_a_template_it_did_not_offer(personas):
    nw = note_world(personas)
    response = nw.client().post(
        reverse("note-new", args=[personas.patient_a.pk]),
        {"kind": "phone", "template": "999999", "encounter_at": local(timezone.now())},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not VisitNote.objects.exists()


@pytest.mark.parametrize("persona", ["front_desk", "massage_therapist", "manager", "patient_a"])
def test_it_answers_404_to_anyone_outside_the_patients_care(personas, persona):
    nw = note_world(personas)
    response = nw.client(persona).get(reverse("note-new", args=[personas.patient_a.pk]))
    assert response.status_code == 404
