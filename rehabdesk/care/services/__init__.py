"""Writes of the clinical record, one module per area; callers import from here:

- notes.py: a note started, its draft saved, signed, corrected, copied forward
- templates.py: a template's next version published, the clinic's snippets
- documents.py: a document (referral, imaging report, letter) filed on the record
"""

from rehabdesk.care.services.documents import document_upload
from rehabdesk.care.services.notes import (
    note_copy_forward,
    note_correct,
    note_digest,
    note_draft_save,
    note_sign,
    note_start,
)
from rehabdesk.care.services.templates import (
    definition_as_data,
    note_template_check,
    note_template_publish,
    snippet_check,
    snippet_save,
)

__all__ = [
    "definition_as_data",
    "document_upload",
    "note_copy_forward",
    "note_correct",
    "note_digest",
    "note_draft_save",
    "note_sign",
    "note_start",
    "note_template_check",
    "note_template_publish",
    "snippet_check",
    "snippet_save",
]
