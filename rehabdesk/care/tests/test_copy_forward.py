"""Copy forward fills a draft's objective findings that are still empty from the
patient's latest signed note of the same discipline — its amendment when amended,
never one entered in error, nor another discipline's — and leaves what is written."""

from __future__ import annotations

import pytest

from rehabdesk.care.choices import NoteRelation
from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.care.models import VisitNote
from rehabdesk.care.services import (
    note_copy_forward,
    note_correct,
    note_draft_save,
    note_sign,
    note_start,
)
from rehabdesk.care.testing import note_write
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db
ROM = [{"joint": "Knee flexion, left", "active": 110}]
FIRST = {"complaint": "Knee", "plan": "Quads", "rom": ROM, "palpation": "Tender joint line"}


@pytest.fixture
def first(personas, templates, visit):
    return note_write(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=visit(at(9, 10)),
        content=FIRST,
        now=at(9, 11),
    )


@pytest.fixture
def second(personas, templates, visit, first):
    return note_start(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=visit(at(11, 10)),
        now=at(11, 10, 30),
    )


def copy(personas, note):
    return note_copy_forward(actor=personas.physio.user, note=note, now=at(11, 10, 31))


def test_it_fills_the_empty_copy_forward_fields_and_moves_the_revision_on(personas, second):
    copied = copy(personas, second)
    assert copied.content == {"rom": ROM, "palpation": "Tender joint line"}
    row = VisitNote.objects.get(pk=second.pk)
    assert (row.content, row.revision) == (copied.content, 1)


def test_it_keeps_what_is_written_already(personas, second):
    note_draft_save(
        actor=personas.physio.user,
        note=second,
        content={"palpation": "Less tender"},
        revision=0,
        now=at(11, 10, 30),
    )
    copied = copy(personas, second)
    assert copied.content == {"rom": ROM, "palpation": "Less tender"}
    assert copied.revision == 2


def test_it_copies_the_amendment_in_force(personas, first, second):
    amendment = note_correct(
        actor=personas.physio.user,
        note=first,
        relation=NoteRelation.AMENDS,
        reason="Wrong knee",
        now=at(10, 9),
    )
    amended = {**FIRST, "rom": [{"joint": "Knee flexion, right", "active": 110}]}
    note_draft_save(
        actor=personas.physio.user, note=amendment, content=amended, revision=0, now=at(10, 9)
    )
    note_sign(actor=personas.physio.user, note=amendment, now=at(10, 9))
    assert copy(personas, second).content["rom"][0]["joint"] == "Knee flexion, right"


def test_a_note_entered_in_error_is_passed_over(personas, first, second):
    note_correct(
        actor=personas.physio.user,
        note=first,
        relation=NoteRelation.ENTERED_IN_ERROR,
        reason="Wrong patient",
        now=at(10, 9),
    )
    assert copy(personas, second).content == {}


def test_another_disciplines_note_is_not_copied(personas, templates, world, visit):
    note_write(
        actor=personas.massage_therapist.user,
        template=templates["massage"],
        appointment=visit(at(9, 13), practitioner=world.massage_therapist, service=world.massage),
        content={"response": "Good"},
        now=at(9, 14),
    )
    draft = note_start(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=visit(at(11, 10)),
        now=at(11, 10, 30),
    )
    assert copy(personas, draft).content == {}


def test_a_signed_note_or_another_authors_draft_is_refused(personas, first, second):
    with pytest.raises(CareError) as signed:
        copy(personas, first)
    assert signed.value.code == CareErrorCode.SIGNED
    with pytest.raises(CareError) as not_theirs:
        note_copy_forward(actor=personas.massage_therapist.user, note=second, now=at(11, 11))
    assert not_theirs.value.code == CareErrorCode.NOT_AUTHOR
