"""The database's own refusal of rewriting a discharged plan.

A treatment plan, once discharged (its `discharge_reason` set, with the summary and the
time, in the one UPDATE that discharges it), never changes again, and no plan is ever
deleted. `core.database.FinalOnceSet` writes the triggers for each database, so the
ORM, raw SQL and a shell are refused alike (an IntegrityError).

The plan's goals, courses and measures are refused by the services after discharge
(`plans.services`); every change to them also raises the plan's `revision` in the same
transaction, and that UPDATE of the plan's row is what this guard refuses — so a
service that forgot to look would still roll back.

BACKWARD COMPATIBLE ON PURPOSE: migrations import this module. Keep table, column,
function and trigger names hard-coded here and `install`/`remove` idempotent. A later
migration that alters this table must `remove` before and `install` after (SQLite
rebuilds altered tables).
"""

from __future__ import annotations

from rehabdesk.core import database
from rehabdesk.core.database import SchemaTarget

PLANS_DISCHARGED = database.FinalOnceSet(
    table="plans_treatmentplan",
    column="discharge_reason",
    message="a discharged treatment plan never changes",
    function="plans_plan_refuse_rewrite",
    prefix="plans_plan",
)
GUARDS = (PLANS_DISCHARGED,)


def install(target: SchemaTarget) -> None:
    """Create the guards (again); safe to repeat."""
    database.install_guards(target, GUARDS)


def remove(target: SchemaTarget) -> None:
    """Drop the guards; safe when they are already gone."""
    database.remove_guards(target, GUARDS)
