"""Which note each visit has, for the pages that link to it (a practitioner's day, the
patient page, the appointment page). Ids only: the notes' content is read through
access.notes, where the look is authorized and audited."""

from __future__ import annotations

from collections.abc import Iterable

from rehabdesk.care.choices import NoteState, NoteStatus
from rehabdesk.care.models import VisitNote


def visit_note_ids(*, appointment_ids: Iterable[int]) -> dict[int, int]:
    """The original note of each visit that has one, appointment id -> note id (its
    corrections point at it, so the original is the way in). One query, none when
    there are no visits."""
    wanted = set(appointment_ids)
    if not wanted:
        return {}
    return dict(
        VisitNote.objects.filter(appointment_id__in=wanted, corrects__isnull=True).values_list(
            "appointment_id", "pk"
        )
    )


def visit_notes_and_states(*, appointment_ids: Iterable[int]) -> dict[int, tuple[int, NoteState]]:
    """`visit_note_ids` and the note's state together, appointment id -> (note id,
    draft or signed), for visits that have a note: one query, none without visits."""
    wanted = set(appointment_ids)
    if not wanted:
        return {}
    rows = VisitNote.objects.filter(appointment_id__in=wanted, corrects__isnull=True).values_list(
        "appointment_id", "pk", "status"
    )
    return {
        appointment_id: (pk, NoteState.SIGNED if status == NoteStatus.SIGNED else NoteState.DRAFT)
        for appointment_id, pk, status in rows
        if appointment_id is not None
    }
