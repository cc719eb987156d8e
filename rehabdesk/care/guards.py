"""The database's own refusal of rewriting the clinical record.

A signed note never changes: once its `content_sha256` is set (at signing), any UPDATE
of the row is refused; no note is ever deleted, draft or signed. A document, once
stored, is never changed or deleted. `core.database` writes the triggers for each
database, so the ORM, raw SQL and a shell are refused alike (an IntegrityError).

BACKWARD COMPATIBLE ON PURPOSE: migrations import this module. Keep table, column,
function and trigger names hard-coded here and `install`/`remove` idempotent. A later
migration that alters these tables must `remove` before and `install` after (SQLite
rebuilds altered tables).
"""

from __future__ import annotations

from rehabdesk.core import database
from rehabdesk.core.database import SchemaTarget

NOTES_SIGNED = database.FinalOnceSet(
    table="care_visitnote",
    column="content_sha256",
    message="a signed note never changes",
    function="care_note_refuse_rewrite",
    prefix="care_note",
)
DOCUMENTS_KEPT = database.AppendOnly(
    tables=("care_document",),
    message="a stored document never changes",
    function="care_document_refuse_rewrite",
)
GUARDS = (NOTES_SIGNED, DOCUMENTS_KEPT)


def install(target: SchemaTarget) -> None:
    """Create the guards (again); safe to repeat."""
    database.install_guards(target, GUARDS)


def remove(target: SchemaTarget) -> None:
    """Drop the guards; safe when they are already gone."""
    database.remove_guards(target, GUARDS)
