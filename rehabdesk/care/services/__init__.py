"""Writes of the clinical record, one module per area (docs/algorithms/clinical-notes.md)."""

from .templates import (
    definition_as_data,
    note_template_check,
    note_template_publish,
    snippet_check,
    snippet_save,
)

__all__ = [
    "definition_as_data",
    "note_template_check",
    "note_template_publish",
    "snippet_check",
    "snippet_save",
]
