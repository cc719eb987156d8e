"""The editor: the author's draft with a widget per kind of field, the snippets and the
revision the page was written on; a signed note, or a colleague's draft, read only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.models import AuditEvent
from rehabdesk.care.choices import NoteRelation
from rehabdesk.care.models import Snippet, VisitNote
from rehabdesk.care.services import note_correct, note_draft_save, note_sign
from rehabdesk.patients.services import care_assignment_add
from rehabdesk.web.tests.note_world import SIGNABLE, note_world

pytestmark = pytest.mark.django_db

# The session and user; the note with its patient, author, template and visit; roles,
# practitioner and care (access); the look's audit event and its patient link; the
# snippets; the clinic's name and the menu's permissions (every page's); the visit's
# outcome measures (the care check of their accessor, the results); whether the
# patient's lockbox withholds this visit's notes (access/lockbox.py, one).
EDITOR_QUERIES = 15


def test_it_shows_the_draft_in_its_templates_sections_and_widgets(personas):
    nw = note_world(personas)
    note = nw.draft(
        {
            "progress": "Better on stairs",
            "pain_now": 3,
            "symptom_map": [{"region": "knee_left", "mark": "pain"}],
            "rom": [{"joint": "Knee", "side": "left", "active": 120}],
        }
    )
    response = nw.client().get(reverse("note-edit", args=[note.pk]))
    page = response.text
    assert response.status_code == 200
    assert response.templates[0].name == "web/care/note_edit.html"
    for title in ("Subjective", "Objective", "Assessment", "Plan"):
        assert f"<h2>{title}</h2>" in page
    assert 'name="progress"' in page
    assert "Better on stairs</textarea>" in page
    assert '<option value="3" selected>3</option>' in page
    assert 'name="rom-0-joint" value="Knee"' in page
    assert 'name="rom-1-joint" value=""' in page  # one empty row to write in
    assert 'data-region="knee_left"' in page
    assert "Pain: Left knee" in page
    assert f'data-revision="{note.revision}"' in page
    assert 'name="revision" value="1"' in page
    assert reverse("note-save", args=[note.pk]) in page
    assert 'role="status" aria-live="polite"' in page


def test_it_says_when_the_draft_was_saved_with_its_day_unless_today(personas):
    nw = note_world(personas)
    note = nw.draft({"progress": "Better on stairs"})
    client = nw.client()
    today = client.get(reverse("note-edit", args=[note.pk])).text
    VisitNote.objects.filter(pk=note.pk).update(updated_at=note.updated_at - timedelta(days=3))
    earlier = client.get(reverse("note-edit", args=[note.pk])).text
    three_days_ago = timezone.localtime(note.updated_at - timedelta(days=3))

    assert f"Saved {timezone.localtime(note.updated_at):%-I:%M %p}<" in today
    assert f"Saved {three_days_ago:%b %-d}, " in earlier


def test_it_gives_the_page_the_clinics_snippets(personas):
    nw = note_world(personas)
    Snippet.objects.all().delete()
    Snippet.objects.create(shortcut="hep", text="Home exercise program reviewed.")
    Snippet.objects.create(shortcut="old", text="Retired wording.", active=False)
    response = nw.client().get(reverse("note-edit", args=[nw.draft().pk]))
    assert json.loads(_json_script(response.text)) == {"hep": "Home exercise program reviewed."}


def _json_script(page: str) -> str:
    start = page.index('<script id="note-snippets" type="application/json">')
    body = page[start:].split(">", 1)[1]
    return body.split("</script>", 1)[0]


def test_it_reads_a_signed_note_with_its_signature_and_no_form(personas):
    nw = note_world(personas)
    note = nw.signed()
    response = nw.client().get(reverse("note-edit", args=[note.pk]))
    page = response.text
    assert response.templates[0].name == "web/care/note_read.html"
    assert SIGNABLE["progress"] in page
    assert "registration no. PERSONA-PT-1" in page
    assert 'id="note-form"' not in page
    assert reverse("note-correct", args=[note.pk]) in page


def test_it_strikes_through_an_original_amended_since(personas):
    nw = note_world(personas)
    note = nw.signed()
    amendment = note_correct(
        actor=nw.physio,
        note=note,
        relation=NoteRelation.AMENDS,
        reason="Wrong knee",
        now=timezone.now(),
    )
    amendment = note_draft_save(
        actor=nw.physio,
        note=amendment,
        content={**SIGNABLE, "progress": "Right knee pain eased."},
        revision=0,
        now=timezone.now(),
    )
    note_sign(actor=nw.physio, note=amendment, now=timezone.now())
    page = nw.client().get(reverse("note-edit", args=[note.pk])).text
    struck = page.split('<del class="note-struck">', 1)[1].split("</del>", 1)[0]
    assert SIGNABLE["progress"] in struck
    assert "Wrong knee" in page
    assert reverse("note-edit", args=[amendment.pk]) in page


def test_it_keeps_a_draft_from_a_colleague_in_the_patients_care(personas):
    """A draft is not yet part of the record: only its author opens it."""
    nw = note_world(personas)
    note = nw.draft({"progress": "Draft words"})
    care_assignment_add(
        actor=personas.front_desk,
        patient=personas.patient_a,
        practitioner=personas.massage_therapist,
        reason="Massage too",
    )
    response = nw.client("massage_therapist").get(reverse("note-edit", args=[note.pk]))
    assert response.status_code == 404
    assert "Draft words" not in response.text


def test_it_shows_a_colleague_the_signed_note_read_only(personas):
    nw = note_world(personas)
    note = nw.signed()
    care_assignment_add(
        actor=personas.front_desk,
        patient=personas.patient_a,
        practitioner=personas.massage_therapist,
        reason="Massage too",
    )
    response = nw.client("massage_therapist").get(reverse("note-edit", args=[note.pk]))
    assert response.templates[0].name == "web/care/note_read.html"
    assert SIGNABLE["progress"] in response.text


@pytest.mark.parametrize("persona", ["front_desk", "massage_therapist", "manager", "patient_a"])
def test_it_answers_404_to_anyone_outside_the_patients_care(personas, persona):
    nw = note_world(personas)
    note = nw.draft({"progress": "Private words"})
    response = nw.client(persona).get(reverse("note-edit", args=[note.pk]))
    assert response.status_code == 404
    assert "Private words" not in response.text


def test_it_puts_the_look_on_file_once(personas):
    nw = note_world(personas)
    note = nw.draft()
    before = AuditEvent.objects.count()
    nw.client().get(reverse("note-edit", args=[note.pk]))
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert (event.action, event.outcome) == ("view", "success")
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]


def test_it_reads_the_editor_in_a_fixed_number_of_queries(personas, django_assert_num_queries):
    nw = note_world(personas)
    note = nw.draft({"progress": "Better", "rom": [{"joint": "Knee"}] * 5})
    client = nw.client()
    client.get(reverse("note-edit", args=[note.pk]))  # the session and roles, read once
    with django_assert_num_queries(EDITOR_QUERIES):
        client.get(reverse("note-edit", args=[note.pk]))
