"""Reads of the clinical record, each with its related rows fetched up front and a fixed
number of queries; callers import from here:

- notes.py: one note, the state of visits' notes, drafts to sign, overdue counts, a
  patient's entries with their corrections
"""

from rehabdesk.care.selectors.notes import (
    ChartEntry,
    OverdueNotes,
    last_signed_note,
    note_by_id,
    note_states,
    notes_to_sign,
    overdue_note_counts,
    patient_notes,
)

__all__ = [
    "ChartEntry",
    "OverdueNotes",
    "last_signed_note",
    "note_by_id",
    "note_states",
    "notes_to_sign",
    "overdue_note_counts",
    "patient_notes",
]
