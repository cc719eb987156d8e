"""A physiotherapist writes a SOAP note for their visit: started on the visit's
template, saved as they type (each save one revision on), signed with their name,
designation and registration number, and the signature's hash covers what was signed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.care.choices import NoteKind, NoteStatus
from rehabdesk.care.models import VisitNote
from rehabdesk.care.selectors import note_by_id
from rehabdesk.care.services import note_digest, note_draft_save, note_sign, note_start
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db

SOAP_CONTENT = {
    "complaint": "Right shoulder pain reaching overhead",
    "pain_now": 4,
    "body_chart": [{"region": "shoulder_right_front", "mark": "pain"}],
    "rom": [{"joint": "Shoulder flexion, right", "active": 120}],
    "plan": "Mobility and rotator cuff loading; review in a week",
}


@pytest.fixture
def content():
    from rehabdesk.care import body_chart

    region = body_chart.REGION_CODES and sorted(body_chart.REGION_CODES)[0]
    mark = sorted(body_chart.MARK_CODES)[0]
    return {**SOAP_CONTENT, "body_chart": [{"region": region, "mark": mark}]}


def test_it_starts_the_visits_note_as_an_empty_draft(personas, templates, visit):
    appointment = visit()
    note = note_start(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=appointment,
        now=at(9, 10, 30),
    )
    assert (note.status, note.kind, note.revision, note.content) == ("draft", "visit", 0, {})
    assert (note.patient, note.author, note.encounter_at) == (
        personas.patient_a,
        personas.physio,
        appointment.start,
    )
    assert note.discipline.slug == "physiotherapy"
    assert AuditEvent.objects.filter(object_type="care.visitnote", action="create").count() == 1


def test_each_save_moves_the_revision_on_and_keeps_the_content_cleaned(
    personas, templates, visit, content
):
    note = note_start(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=visit(),
        now=at(9, 10, 30),
    )
    saved = note_draft_save(
        actor=personas.physio.user,
        note=note,
        content={**content, "complaint": "  Right shoulder pain  ", "palpation": ""},
        revision=0,
        now=at(9, 10, 40),
    )
    saved = note_draft_save(
        actor=personas.physio.user, note=saved, content=content, revision=1, now=at(9, 10, 41)
    )
    row = VisitNote.objects.get(pk=note.pk)
    assert (row.revision, row.updated_at, row.content) == (2, at(9, 10, 41), content)
    assert saved.revision == 2
    assert "palpation" not in row.content


def test_a_draft_saves_an_incomplete_note(personas, templates, visit):
    note = note_start(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=visit(),
        now=at(9, 10, 30),
    )
    saved = note_draft_save(
        actor=personas.physio.user,
        note=note,
        content={"pain_now": 3},
        revision=0,
        now=at(9, 10, 31),
    )
    assert saved.content == {"pain_now": 3}


def test_it_signs_with_the_authors_name_designation_and_registration(
    personas, templates, visit, content
):
    note = note_start(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=visit(),
        now=at(9, 10, 30),
    )
    note_draft_save(
        actor=personas.physio.user, note=note, content=content, revision=0, now=at(9, 10, 50)
    )
    signed = note_sign(actor=personas.physio.user, note=note_by_id(note_id=note.pk), now=at(9, 11))
    row = VisitNote.objects.get(pk=note.pk)
    assert row.status == NoteStatus.SIGNED
    assert (row.signer_name, row.signer_designation, row.signer_registration) == (
        "Priya Physio",
        "PT",
        "PERSONA-PT-1",
    )
    assert (row.signed_at, row.late_entry) == (at(9, 11), False)
    assert row.content_sha256 == note_digest(row) == signed.content_sha256
    assert len(row.content_sha256) == 64
    assert AuditEvent.objects.filter(
        object_type="care.visitnote", object_id=str(note.pk), summary="clinical note signed"
    ).exists()


def test_the_hash_changes_with_any_covered_part(personas, templates, visit, content):
    note = note_start(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=visit(),
        now=at(9, 10, 30),
    )
    before = note_digest(note)
    note.content = {"plan": "x"}
    assert note_digest(note) != before
    note.content = {}
    note.encounter_at += timedelta(minutes=1)
    assert note_digest(note) != before


def test_a_note_first_written_after_the_deadline_is_a_late_entry(personas, templates, visit):
    appointment = visit()
    late = appointment.start + timedelta(hours=24, minutes=1)
    note = note_start(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=appointment,
        now=late,
    )
    note = note_draft_save(
        actor=personas.physio.user,
        note=note,
        content={"complaint": "Knee", "plan": "Review"},
        revision=0,
        now=late,
    )
    signed = note_sign(actor=personas.physio.user, note=note, now=late + timedelta(minutes=5))
    assert signed.late_entry
    assert VisitNote.objects.get(pk=note.pk).late_entry


def test_written_in_time_and_signed_later_is_not_a_late_entry(personas, templates, visit):
    appointment = visit()
    note = note_start(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=appointment,
        now=appointment.start + timedelta(hours=1),
    )
    note = note_draft_save(
        actor=personas.physio.user,
        note=note,
        content={"complaint": "Knee", "plan": "Review"},
        revision=0,
        now=appointment.start + timedelta(hours=1),
    )
    signed = note_sign(
        actor=personas.physio.user, note=note, now=appointment.start + timedelta(days=3)
    )
    assert not signed.late_entry


def test_a_phone_consult_stands_alone(personas, templates, now):
    note = note_start(
        actor=personas.physio.user,
        template=templates["general"],
        patient=personas.patient_a,
        kind=NoteKind.PHONE,
        encounter_at=now - timedelta(hours=1),
        now=now,
    )
    assert (note.appointment, note.kind, note.discipline.slug) == (None, "phone", "physiotherapy")
    note = note_draft_save(
        actor=personas.physio.user,
        note=note,
        content={"entry": "Advised ice"},
        revision=0,
        now=now,
    )
    signed = note_sign(actor=personas.physio.user, note=note, now=now)
    assert signed.signer_designation == "PT"
