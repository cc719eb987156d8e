"""Only the visit's own practitioner starts its note, once, for a visit that took place
(a no-show gets the record of a missed appointment), on a current template of the
visit's discipline; a standalone entry names its patient and a time not yet to come."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

import pytest
from django.db.models import QuerySet

from rehabdesk.care.choices import NoteKind
from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.care.models import VisitNote
from rehabdesk.care.services import note_start
from rehabdesk.care.testing import SOAP, template_create
from rehabdesk.scheduling.services import appointment_cancel, appointment_mark_noshow
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


def refused(**kwargs) -> StrEnum:
    with pytest.raises(CareError) as refusal:
        note_start(now=at(9, 11), **kwargs)
    assert not VisitNote.objects.exists()
    return refusal.value.code


def test_another_practitioners_visit_is_refused(personas, templates, visit):
    code = refused(
        actor=personas.massage_therapist.user, template=templates["massage"], appointment=visit()
    )
    assert code == CareErrorCode.NOT_THEIR_VISIT


def test_the_front_desk_writes_no_note(personas, templates, visit):
    code = refused(actor=personas.front_desk, template=templates["physio"], appointment=visit())
    assert code == CareErrorCode.NOT_AUTHOR


def test_a_cancelled_visit_gets_no_note(personas, templates, visit):
    appointment = appointment_cancel(appointment=visit(), actor=personas.front_desk, now=NOW)
    code = refused(
        actor=personas.physio.user, template=templates["physio"], appointment=appointment
    )
    assert code == CareErrorCode.VISIT_NOT_HELD


def test_a_no_show_gets_the_record_of_a_missed_appointment_not_a_visit_note(
    personas, templates, visit
):
    appointment = appointment_mark_noshow(
        appointment=visit(), actor=personas.front_desk, now=at(9, 10, 20)
    )
    code = refused(
        actor=personas.physio.user, template=templates["physio"], appointment=appointment
    )
    assert code == CareErrorCode.VISIT_NOT_HELD
    missed = note_start(
        actor=personas.physio.user,
        template=templates["general"],
        appointment=appointment,
        kind=NoteKind.MISSED,
        now=at(9, 11),
    )
    assert (missed.kind, missed.appointment) == (NoteKind.MISSED, appointment)


def test_a_retired_template_version_is_refused(personas, visit):
    old = template_create(
        code="physio-old", discipline="physiotherapy", definition=SOAP, current=False, now=NOW
    )
    code = refused(actor=personas.physio.user, template=old, appointment=visit())
    assert code == CareErrorCode.TEMPLATE_RETIRED


def test_another_disciplines_template_is_refused(personas, templates, visit):
    code = refused(actor=personas.physio.user, template=templates["massage"], appointment=visit())
    assert code == CareErrorCode.WRONG_DISCIPLINE


def test_a_template_for_any_discipline_is_taken(personas, templates, visit):
    note = note_start(
        actor=personas.physio.user, template=templates["general"], appointment=visit(), now=NOW
    )
    assert note.discipline.slug == "physiotherapy"  # the service's


def test_a_visit_has_one_note(personas, templates, visit):
    appointment = visit()
    note_start(
        actor=personas.physio.user, template=templates["physio"], appointment=appointment, now=NOW
    )
    with pytest.raises(CareError) as twice:
        note_start(
            actor=personas.physio.user,
            template=templates["physio"],
            appointment=appointment,
            now=NOW,
        )
    assert twice.value.code == CareErrorCode.NOTE_EXISTS
    assert VisitNote.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"patient": None}, "patient"),
        ({"kind": NoteKind.VISIT}, "kind"),
        ({"encounter_at": None}, "encounter_at"),
        ({"encounter_at": at(9, 11, 1)}, "encounter_at"),  # later than now
    ],
)
def test_a_standalone_entry_names_its_patient_kind_and_a_past_time(
    personas, templates, changes, field
):
    values = {
        "actor": personas.physio.user,
        "template": templates["general"],
        "patient": personas.patient_a,
        "kind": NoteKind.PHONE,
        "encounter_at": at(9, 11) - timedelta(hours=2),
        **changes,
    }
    with pytest.raises(CareError) as refusal:
        note_start(now=at(9, 11), **values)
    assert (refusal.value.code, refusal.value.field) == (CareErrorCode.INVALID, field)
    assert not VisitNote.objects.exists()


def test_two_windows_starting_the_same_visits_note_meet_the_databases_constraint(
    personas, templates, visit, monkeypatch
):
    """The second start passes the service's check (as in a race) and the partial
    unique constraint refuses it: the same answer, the first note untouched."""
    appointment = visit()
    first = note_start(
        actor=personas.physio.user, template=templates["physio"], appointment=appointment, now=NOW
    )
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    with pytest.raises(CareError) as twice:
        note_start(
            actor=personas.physio.user,
            template=templates["physio"],
            appointment=appointment,
            now=NOW,
        )
    monkeypatch.undo()
    assert twice.value.code == CareErrorCode.NOTE_EXISTS
    assert list(VisitNote.objects.values_list("pk", flat=True)) == [first.pk]
