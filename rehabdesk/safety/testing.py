"""Test helpers for the safety record."""

from __future__ import annotations

from contextlib import AbstractContextManager

from django.db.backends.base.base import BaseDatabaseWrapper

from rehabdesk.core import database
from rehabdesk.safety import guards


def guards_lifted(connection: BaseDatabaseWrapper) -> AbstractContextManager[None]:
    """Lift the settled-row triggers for the block, for the test suite's flush only
    (`core.database.guards_lifted`: one transaction, the guards back before it ends)."""
    return database.guards_lifted(connection, guards.GUARDS)
