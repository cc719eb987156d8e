"""Reads of the clinical record, one module per area."""

from .visits import visit_note_ids

__all__ = ["visit_note_ids"]
