"""Test helpers for the audit trail."""

from __future__ import annotations

from contextlib import AbstractContextManager

from django.db.backends.base.base import BaseDatabaseWrapper

from rehabdesk.audit import triggers
from rehabdesk.core import database


def triggers_lifted(connection: BaseDatabaseWrapper) -> AbstractContextManager[None]:
    """Lift the append-only triggers for the block, for the test suite's flush only:
    dropped and re-created inside one transaction around the block, so no other
    connection ever sees the tables unguarded, and a failing block rolls back to the
    triggers in place (`core.database.guards_lifted`)."""
    return database.guards_lifted(connection, [triggers.APPEND_ONLY])
