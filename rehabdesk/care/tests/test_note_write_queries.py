"""A draft save is the editor's every pause in typing: one UPDATE and the audit's two
inserts, nothing read; signing reads what its rules need, a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rehabdesk.care.selectors import note_by_id
from rehabdesk.care.services import note_draft_save, note_sign, note_start
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db
WRITTEN = {"complaint": "Plantar heel pain", "plan": "Calf loading"}


def statements(call) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [
        q["sql"].split()[0].upper()
        for q in captured.captured_queries
        if "SAVEPOINT" not in q["sql"]
    ]


@pytest.fixture
def draft(personas, templates, visit):
    note = note_start(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=visit(),
        now=at(9, 10, 30),
    )
    return note_by_id(note_id=note.pk)


def test_a_draft_save_reads_nothing(personas, draft):
    done = statements(
        lambda: note_draft_save(
            actor=personas.physio.user, note=draft, content=WRITTEN, revision=0, now=at(9, 10, 40)
        )
    )
    assert done == ["UPDATE", "INSERT", "INSERT"]


def test_signing_a_visits_note_takes_a_fixed_number_of_queries(personas, draft):
    note_draft_save(
        actor=personas.physio.user, note=draft, content=WRITTEN, revision=0, now=at(9, 10, 40)
    )
    done = statements(lambda: note_sign(actor=personas.physio.user, note=draft, now=at(9, 11)))
    # The row locked, the clinic's deadline, the colleges of the discipline, the
    # registrations; the signature written; the audit's two inserts.
    assert done == ["SELECT", "SELECT", "SELECT", "SELECT", "UPDATE", "INSERT", "INSERT"]
