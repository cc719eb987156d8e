"""Test support for billing: the guards lifted for the suite's table flush only (never
in production)."""

from __future__ import annotations

from contextlib import AbstractContextManager

from django.db.backends.base.base import BaseDatabaseWrapper

from rehabdesk.billing import guards
from rehabdesk.core import database


def guards_lifted(connection: BaseDatabaseWrapper) -> AbstractContextManager[None]:
    """Drop billing's guards, run the block, put them back
    (`core.database.guards_lifted`: one transaction, the guards back before it ends)."""
    return database.guards_lifted(connection, guards.GUARDS)
