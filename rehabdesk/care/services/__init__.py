"""Writes of the clinical record, one module per area; callers import from here:

- notes.py: a note started, its draft saved, signed, corrected, copied forward
"""

from rehabdesk.care.services.notes import (
    note_copy_forward,
    note_correct,
    note_digest,
    note_draft_save,
    note_sign,
    note_start,
)

__all__ = [
    "note_copy_forward",
    "note_correct",
    "note_digest",
    "note_draft_save",
    "note_sign",
    "note_start",
]
