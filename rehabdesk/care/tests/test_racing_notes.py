"""Two windows on one note at once: of two saves carrying the same revision one is
kept and the other refused as stale; a save queued behind the signature is refused as
signed, the signed row as signed; two starts of one visit's note give one note and
NOTE_EXISTS — never a lost write, never two notes, never a server error.

Real transactions on real connections: the first stays open, holding the row
(PostgreSQL) or the write lock (SQLite), until the second is queued behind it."""

from __future__ import annotations

import pytest

from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.care.models import VisitNote
from rehabdesk.care.selectors import note_by_id
from rehabdesk.care.services import note_digest, note_draft_save, note_sign, note_start
from rehabdesk.scheduling.testing import at
from rehabdesk.testing.races import first_then_second

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
WRITTEN = {"complaint": "Tennis elbow", "plan": "Eccentric loading"}


@pytest.fixture
def draft(personas, templates, visit):
    return note_start(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=visit(),
        now=at(9, 10, 30),
    )


def save(personas, note_id, content, revision=0):
    return lambda: note_draft_save(
        actor=personas.physio.user,
        note=note_by_id(note_id=note_id),
        content=content,
        revision=revision,
        now=at(9, 10, 40),
    )


def test_of_two_saves_of_one_revision_the_first_is_kept_the_second_refused(personas, draft):
    second = first_then_second(
        save(personas, draft.pk, WRITTEN), save(personas, draft.pk, {"complaint": "Other tab"})
    )
    assert isinstance(second, CareError)
    assert second.code == CareErrorCode.STALE_DRAFT
    row = VisitNote.objects.get(pk=draft.pk)
    assert (row.content, row.revision) == (WRITTEN, 1)


def test_a_save_queued_behind_the_signature_is_refused_as_signed(personas, draft):
    save(personas, draft.pk, WRITTEN)()

    def sign():
        return note_sign(
            actor=personas.physio.user, note=note_by_id(note_id=draft.pk), now=at(9, 11)
        )

    second = first_then_second(sign, save(personas, draft.pk, {"complaint": "Late"}, 1))
    assert isinstance(second, CareError)
    assert second.code == CareErrorCode.SIGNED
    row = VisitNote.objects.get(pk=draft.pk)
    assert (row.status, row.content, row.content_sha256) == ("signed", WRITTEN, note_digest(row))


def test_two_starts_of_one_visits_note_give_one_note(personas, templates, visit):
    appointment = visit()

    def start():
        return note_start(
            actor=personas.physio.user,
            template=templates["physio"],
            appointment=appointment,
            now=at(9, 10, 30),
        )

    second = first_then_second(start, start)
    assert isinstance(second, CareError)
    assert second.code == CareErrorCode.NOTE_EXISTS
    assert VisitNote.objects.filter(appointment=appointment).count() == 1
