"""Test helpers for the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from rehabdesk.audit import triggers


@contextmanager
def triggers_lifted(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Lift the append-only triggers for the block, for the test suite's flush only.

    Where the database can roll back DDL (SQLite and PostgreSQL can), the triggers are
    dropped and re-created inside one transaction around the block: no other
    connection ever sees the tables unguarded, and if the block fails the rollback
    restores the triggers. Elsewhere they are re-created on the way out.
    """
    if connection.features.can_rollback_ddl:
        with transaction.atomic(using=connection.alias):
            triggers.remove(connection)
            yield
            triggers.install(connection)
        return
    triggers.remove(connection)
    try:
        yield
    finally:
        triggers.install(connection)
