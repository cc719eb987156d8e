"""Correcting a signed note: an amendment (a draft holding the note's content), an
addendum (an empty general entry) or "entered in error" (signed at once), each with a
reason; the original is kept as it was signed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rehabdesk.care.models import VisitNote
from rehabdesk.web.tests.note_world import SIGNABLE, note_world

pytestmark = pytest.mark.django_db


def correct(client, note, relation, reason="Wrong knee recorded"):
    return client.post(
        reverse("note-correct", args=[note.pk]), {"relation": relation, "reason": reason}
    )


def test_it_starts_an_amendment_holding_the_signed_content(personas):
    nw = note_world(personas)
    note = nw.signed()
    response = correct(nw.client(), note, "amends")
    amendment = VisitNote.objects.get(corrects=note)
    assert response["Location"] == reverse("note-edit", args=[amendment.pk])
    assert (amendment.status, amendment.content, amendment.reason) == (
        "draft",
        SIGNABLE,
        "Wrong knee recorded",
    )
    page = nw.client().get(response["Location"]).text
    assert "Wrong knee recorded" in page
    assert 'id="note-form"' in page
    note.refresh_from_db()
    assert (note.status, note.content) == ("signed", SIGNABLE)


def test_it_starts_an_addendum_on_the_general_entry(personas):
    nw = note_world(personas)
    note = nw.signed()
    correct(nw.client(), note, "appends", reason="Result of the X-ray")
    addendum = VisitNote.objects.get(corrects=note)
    assert (addendum.template.code, addendum.content) == ("general-entry", {})


def test_it_marks_a_note_entered_in_error_at_once(personas):
    nw = note_world(personas)
    note = nw.signed()
    response = correct(nw.client(), note, "entered_in_error", reason="Wrong patient")
    assert response["Location"] == reverse("note-edit", args=[note.pk])
    withdrawal = VisitNote.objects.get(corrects=note)
    assert withdrawal.status == "signed"
    page = nw.client().get(response["Location"]).text
    assert "Marked entered in error" in page


@pytest.mark.parametrize(
    ("reason", "message"), [("", "This field is required"), ("x" * 501, "at most 500")]
)
def test_it_asks_for_a_reason_of_at_most_500_characters(personas, reason, message):
    nw = note_world(personas)
    note = nw.signed()
    response = correct(nw.client(), note, "amends", reason=reason)
    assert response.status_code == 200
    assert message in response.text
    assert not VisitNote.objects.filter(corrects=note).exists()


def test_it_refuses_to_correct_a_draft(personas):
    nw = note_world(personas)
    note = nw.draft(SIGNABLE)
    client = nw.client()
    assert "not signed yet" in client.get(reverse("note-correct", args=[note.pk])).text
    response = correct(client, note, "amends")
    assert response.status_code == 200
    assert "not signed yet" in response.text
    assert not VisitNote.objects.filter(corrects=note).exists()


@pytest.mark.parametrize("persona", ["front_desk", "massage_therapist", "manager"])
def test_it_answers_404_to_anyone_outside_the_patients_care(personas, persona):
    nw = note_world(personas)
    note = nw.signed()
    assert correct(nw.client(persona), note, "amends").status_code == 404
    assert not VisitNote.objects.filter(corrects=note).exists()
