"""The database's own refusal of rewriting the safety record.

A red-flag review, once the practitioner has decided it, is part of the clinical
record: its row never changes again. A cleared alert stands as cleared. No alert and
no review is ever deleted. `core.database.FinalOnceSet` writes the triggers for each
database, so the ORM, raw SQL and a shell are refused alike (an IntegrityError).

BACKWARD COMPATIBLE ON PURPOSE: migrations import this module. Keep table, column,
function and trigger names hard-coded here and `install`/`remove` idempotent. A later
migration that alters these tables must `remove` before and `install` after (SQLite
rebuilds altered tables).
"""

from __future__ import annotations

from rehabdesk.core import database
from rehabdesk.core.database import SchemaTarget

REVIEWS_SETTLED = database.FinalOnceSet(
    table="safety_redflagreview",
    column="decision",
    message="a decided red-flag review never changes",
    function="safety_review_refuse_rewrite",
    prefix="safety_review",
)
ALERTS_SETTLED = database.FinalOnceSet(
    table="safety_alert",
    column="cleared_reason",
    message="a cleared safety alert never changes",
    function="safety_alert_refuse_rewrite",
    prefix="safety_alert",
)
GUARDS = (REVIEWS_SETTLED, ALERTS_SETTLED)


def install(target: SchemaTarget) -> None:
    """Create the guards (again); safe to repeat."""
    database.install_guards(target, GUARDS)


def remove(target: SchemaTarget) -> None:
    """Drop the guards; safe when they are already gone."""
    database.remove_guards(target, GUARDS)
