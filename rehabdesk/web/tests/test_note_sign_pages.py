"""Signing: one more look showing the name, designation and registration number the
note will carry; the rules a signature checks come back as the form's errors; once
signed the note is read only, and a second signing is refused plainly."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from rehabdesk.care.models import VisitNote
from rehabdesk.clinic.models import Registration
from rehabdesk.patients.services import care_assignment_add
from rehabdesk.web.tests.note_world import SIGNABLE, note_world

pytestmark = pytest.mark.django_db


def test_it_shows_who_will_sign_before_signing(personas):
    nw = note_world(personas)
    note = nw.draft(SIGNABLE)
    response = nw.client().get(reverse("note-sign", args=[note.pk]))
    assert response.status_code == 200
    signer = response.context["signer"]
    assert (signer.name, signer.designation, signer.registration) == (
        "Priya Physio",
        "PT",
        "PERSONA-PT-1",
    )
    assert "PERSONA-PT-1" in response.text
    assert SIGNABLE["impression"] in response.text
    assert "Sign the note" in response.text


def test_it_signs_and_shows_the_note_read_only(personas):
    nw = note_world(personas)
    note = nw.draft(SIGNABLE)
    client = nw.client()
    response = client.post(reverse("note-sign", args=[note.pk]))
    assert response["Location"] == reverse("note-edit", args=[note.pk])
    note.refresh_from_db()
    assert (note.status, note.signer_registration) == ("signed", "PERSONA-PT-1")
    page = client.get(response["Location"]).text
    assert "Signed. The note can no longer change." in page
    assert 'id="note-form"' not in page


def test_it_shows_what_signing_needs_as_the_forms_error(personas):
    nw = note_world(personas)
    note = nw.draft({"progress": "Only this"})
    response = nw.client().post(reverse("note-sign", args=[note.pk]))
    assert response.status_code == 200
    assert "needed before the note is signed" in response.text
    assert VisitNote.objects.get(pk=note.pk).status == "draft"


def test_it_sends_a_signed_note_back_to_its_reading(personas):
    nw = note_world(personas)
    note = nw.signed()
    client = nw.client()
    response = client.post(reverse("note-sign", args=[note.pk]), follow=True)
    assert "signed already" in response.text


def test_it_refuses_a_colleague_who_is_not_the_author(personas):
    nw = note_world(personas)
    note = nw.draft(SIGNABLE)
    care_assignment_add(
        actor=personas.front_desk,
        patient=personas.patient_a,
        practitioner=personas.massage_therapist,
        reason="Massage too",
    )
    client = nw.client("massage_therapist")
    assert client.get(reverse("note-sign", args=[note.pk])).status_code == 404
    assert client.post(reverse("note-sign", args=[note.pk])).status_code == 404
    assert VisitNote.objects.get(pk=note.pk).status == "draft"


@pytest.mark.parametrize("persona", ["front_desk", "massage_therapist", "manager"])
def test_it_answers_404_to_anyone_outside_the_patients_care(personas, persona):
    nw = note_world(personas)
    note = nw.draft(SIGNABLE)
    assert nw.client(persona).post(reverse("note-sign", args=[note.pk])).status_code == 404
    assert VisitNote.objects.get(pk=note.pk).status == "draft"


def test_it_says_so_before_signing_when_no_registration_is_in_force(personas):
    nw = note_world(personas)
    note = nw.draft(SIGNABLE)
    Registration.objects.filter(practitioner=personas.physio).update(valid_until=date(2020, 1, 1))
    client = nw.client()
    page = client.get(reverse("note-sign", args=[note.pk]))
    assert page.context["signer"] is None
    assert "cannot be signed until" in page.text
    refused = client.post(reverse("note-sign", args=[note.pk]))
    assert refused.status_code == 200
    assert "No registration in force" in refused.text
    assert VisitNote.objects.get(pk=note.pk).status == "draft"
