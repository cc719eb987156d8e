"""Reads of the clinical record, each with its related rows fetched up front and a fixed
number of queries; callers import from here:

- notes.py: one note, the state of visits' notes, drafts to sign, overdue counts, a
  patient's entries with their corrections
- editor.py: a visit's note, the signature a draft will carry (the note editor's pages)
- templates.py: the templates to write on, the one a visit suggests, the snippets
- visits.py: which note each visit has (the pages' links)
- documents.py: a patient's documents, one document
"""

from rehabdesk.care.selectors.documents import document_by_id, documents_of
from rehabdesk.care.selectors.editor import (
    Signer,
    note_entry,
    note_of_visit,
    registration_for_signing,
    signer_of,
)
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
from rehabdesk.care.selectors.templates import snippets_for, template_for_visit, templates_for
from rehabdesk.care.selectors.visits import visit_note_ids, visit_notes_and_states

__all__ = [
    "ChartEntry",
    "OverdueNotes",
    "Signer",
    "document_by_id",
    "documents_of",
    "last_signed_note",
    "note_by_id",
    "note_entry",
    "note_of_visit",
    "note_states",
    "notes_to_sign",
    "overdue_note_counts",
    "patient_notes",
    "registration_for_signing",
    "signer_of",
    "snippets_for",
    "template_for_visit",
    "templates_for",
    "visit_note_ids",
    "visit_notes_and_states",
]
