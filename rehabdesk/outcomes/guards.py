"""The database's own refusal of rewriting a recorded outcome measure.

A result is a fact: the answers as given and the score computed from them. No UPDATE,
DELETE or TRUNCATE of `outcomes_measureresult`, by the ORM, raw SQL or a shell alike
(an IntegrityError); a score is recomputed from the stored answers, never edited.
`core.database` writes the triggers for each database.

BACKWARD COMPATIBLE ON PURPOSE: migrations import this module. Keep table, function
and trigger names hard-coded here and `install`/`remove` idempotent. A later migration
that alters this table must `remove` before and `install` after (SQLite rebuilds
altered tables).
"""

from __future__ import annotations

from rehabdesk.core import database
from rehabdesk.core.database import SchemaTarget

RESULTS_KEPT = database.AppendOnly(
    tables=("outcomes_measureresult",),
    message="a recorded outcome measure never changes",
    function="outcomes_refuse_rewrite",
)
GUARDS = (RESULTS_KEPT,)


def install(target: SchemaTarget) -> None:
    """Create the guards (again); safe to repeat."""
    database.install_guards(target, GUARDS)


def remove(target: SchemaTarget) -> None:
    """Drop the guards; safe when they are already gone."""
    database.remove_guards(target, GUARDS)
