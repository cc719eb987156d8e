"""Saving a draft: the script's JSON ({revision, content} -> {revision, saved_at}) and
a plain form without JavaScript; a stale tab, a signed note, another practitioner, bad
JSON and a note too long each get a clear refusal, and nothing is half-saved."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from rehabdesk.audit.models import AuditEvent
from rehabdesk.care.content import CONTENT_MAX_CHARS
from rehabdesk.care.models import VisitNote
from rehabdesk.patients.services import care_assignment_add
from rehabdesk.scheduling.testing import at
from rehabdesk.web.tests.note_world import note_world

pytestmark = pytest.mark.django_db


def save(client, note, body):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(
        reverse("note-save", args=[note.pk]), data=data, content_type="application/json"
    )


def test_it_saves_the_scripts_json_and_answers_the_new_revision(personas):
    nw = note_world(personas)
    note = nw.draft()
    content = {"progress": "Stairs easier", "pain_now": 2, "rom": [{"joint": "Knee"}]}
    response = save(nw.client(), note, {"revision": 0, "content": content})
    assert response.status_code == 200
    answer = response.json()
    assert answer["revision"] == 1
    assert answer["saved_label"].endswith(("AM", "PM"))
    note.refresh_from_db()
    assert (note.revision, note.content) == (1, content)


def test_it_answers_a_stale_tab_409_with_the_servers_revision(personas):
    nw = note_world(personas)
    note = nw.draft({"progress": "Newer words"})
    response = save(nw.client(), note, {"revision": 0, "content": {"progress": "Older"}})
    assert response.status_code == 409
    assert response.json()["error"] == "stale_draft"
    assert response.json()["revision"] == 1
    note.refresh_from_db()
    assert note.content == {"progress": "Newer words"}


def test_it_refuses_to_change_a_signed_note(personas):
    nw = note_world(personas)
    note = nw.signed()
    response = save(nw.client(), note, {"revision": note.revision, "content": {"progress": "x"}})
    assert response.status_code == 409
    assert response.json()["error"] == "signed"
    assert "never changes" in response.json()["message"]


def test_it_refuses_a_colleague_in_the_patients_care_who_is_not_the_author(personas):
    """The colleague may read the signed note, never change it; a draft they never see."""
    nw = note_world(personas)
    note = nw.draft({"progress": "Mine"})
    care_assignment_add(
        actor=personas.front_desk,
        patient=personas.patient_a,
        practitioner=personas.massage_therapist,
        reason="Massage too",
    )
    colleague = nw.client("massage_therapist")
    assert save(colleague, note, {"revision": 1, "content": {}}).status_code == 404
    signed = nw.signed(visit=nw.visit(at(10, 10)))
    response = save(colleague, signed, {"revision": signed.revision, "content": {}})
    assert (response.status_code, response.json()["error"]) == (403, "not_author")
    note.refresh_from_db()
    assert note.content == {"progress": "Mine"}


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", {"content": {}}, {"revision": "1", "content": {}}, {"revision": 0}],
)
def test_it_answers_400_to_a_body_it_cannot_read(personas, body):
    nw = note_world(personas)
    note = nw.draft()
    response = save(nw.client(), note, body)
    assert response.status_code == 400
    assert response.json()["error"] == "not_json"


def test_it_refuses_content_of_the_wrong_shape_naming_the_field(personas):
    nw = note_world(personas)
    note = nw.draft()
    response = save(nw.client(), note, {"revision": 0, "content": {"pain_now": 14}})
    assert response.status_code == 422
    assert response.json()["field"] == "pain_now"
    note.refresh_from_db()
    assert (note.revision, note.content) == (0, {})


def test_it_refuses_a_field_too_long_and_a_note_too_long(personas):
    nw = note_world(personas)
    note = nw.draft()
    client = nw.client()
    long_field = save(client, note, {"revision": 0, "content": {"progress": "x" * 10_001}})
    assert (long_field.status_code, long_field.json()["error"]) == (422, "too_long")
    assert long_field.json()["field"] == "progress"
    # Every prose field within its own limit, the note past its most in all (a quote
    # mark counts twice, escaped, in the note's JSON).
    content = {f.code: '"' * f.max_length for f in note.template.parsed.fields if f.kind == "text"}
    assert sum(map(len, content.values())) < CONTENT_MAX_CHARS
    long_note = save(client, note, {"revision": 0, "content": content})
    assert (long_note.status_code, long_note.json()["error"]) == (422, "too_long")
    huge = save(client, note, {"revision": 0, "content": {"progress": "z" * 300_000}})
    assert huge.status_code == 413
    note.refresh_from_db()
    assert (note.revision, note.content) == (0, {})


def test_it_saves_a_plain_form_without_javascript(personas):
    nw = note_world(personas)
    note = nw.draft()
    response = nw.client().post(
        reverse("note-save", args=[note.pk]),
        {
            "revision": "0",
            "progress": "Typed without the script",
            "pain_now": "4",
            "rom-0-joint": "Knee",
            "rom-0-side": "left",
            "rom-0-active": "115",
            "rom-1-joint": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("note-edit", args=[note.pk])
    note.refresh_from_db()
    assert note.content == {
        "progress": "Typed without the script",
        "pain_now": 4,
        "rom": [{"joint": "Knee", "side": "left", "active": 115}],
    }


def test_a_plain_form_refused_comes_back_with_what_was_typed(personas):
    nw = note_world(personas)
    note = nw.draft()
    response = nw.client().post(
        reverse("note-save", args=[note.pk]),
        {"revision": "0", "progress": "Keep these words", "rom-0-active": "lots"},
    )
    assert response.status_code == 200
    assert "Keep these words</textarea>" in response.text
    assert 'value="lots"' in response.text
    assert "a number expected" in response.text
    note.refresh_from_db()
    assert note.revision == 0


def test_a_plain_form_from_a_stale_page_is_answered_409(personas):
    nw = note_world(personas)
    note = nw.draft({"progress": "Newer"})
    response = nw.client().post(
        reverse("note-save", args=[note.pk]), {"revision": "0", "progress": "Older"}
    )
    assert response.status_code == 409
    assert "saved meanwhile" in response.text


def test_a_plain_form_saved_to_sign_goes_to_the_signing_page(personas):
    nw = note_world(personas)
    note = nw.draft()
    response = nw.client().post(
        reverse("note-save", args=[note.pk]), {"revision": "0", "progress": "Done", "sign": "1"}
    )
    assert response["Location"] == reverse("note-sign", args=[note.pk])


@pytest.mark.parametrize("persona", ["front_desk", "massage_therapist", "manager"])
def test_it_answers_404_to_anyone_outside_the_patients_care(personas, persona):
    nw = note_world(personas)
    note = nw.draft()
    response = save(nw.client(persona), note, {"revision": 0, "content": {"progress": "x"}})
    assert response.status_code == 404
    assert VisitNote.objects.get(pk=note.pk).revision == 0


def test_each_save_is_on_file_without_its_content(personas):
    nw = note_world(personas)
    note = nw.draft()
    before = AuditEvent.objects.count()
    save(nw.client(), note, {"revision": 0, "content": {"progress": "Secret words"}})
    summaries = list(AuditEvent.objects.order_by("pk")[before:].values_list("summary", flat=True))
    assert "clinical note draft saved" in summaries
    assert not any("Secret" in s for s in summaries)
