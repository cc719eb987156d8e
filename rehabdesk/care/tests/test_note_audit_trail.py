"""Every write of a note is on the audit trail — started, each draft save, signed,
corrected, copied forward — naming the kind of entry and the patient, never what was
written."""

from __future__ import annotations

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.care.choices import NoteRelation
from rehabdesk.care.services import (
    note_copy_forward,
    note_correct,
    note_draft_save,
    note_sign,
    note_start,
)
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db
SECRET = "Disclosed a confidential family matter"


def test_each_write_is_on_file_without_its_content(personas, templates, visit):
    actor = personas.physio.user
    note = note_start(
        actor=actor, template=templates["physio"], appointment=visit(), now=at(9, 10, 30)
    )
    content = {"complaint": SECRET, "plan": SECRET, "palpation": SECRET}
    note = note_draft_save(actor=actor, note=note, content=content, revision=0, now=at(9, 10, 40))
    note = note_copy_forward(actor=actor, note=note, now=at(9, 10, 45))
    note = note_sign(actor=actor, note=note, now=at(9, 11))
    note_correct(
        actor=actor, note=note, relation=NoteRelation.APPENDS, reason=SECRET, now=at(10, 9)
    )
    events = AuditEvent.objects.filter(object_type="care.visitnote").order_by("pk")
    assert [(e.action, e.summary) for e in events] == [
        ("create", "clinical note started (visit)"),
        ("change", "clinical note draft saved"),
        ("change", "clinical note draft: 0 findings copied forward"),
        ("change", "clinical note signed"),
        ("create", "clinical note correction started (addendum)"),
    ]
    for event in events:
        assert event.actor == actor
        assert list(event.patient_links.values_list("patient_id", flat=True)) == [
            personas.patient_a.pk
        ]
    assert not AuditEvent.objects.filter(summary__icontains="confidential").exists()
