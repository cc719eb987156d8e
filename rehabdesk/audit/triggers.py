"""The audit tables are append-only, in the database itself.

The application may INSERT and SELECT audit rows; UPDATE, DELETE (and TRUNCATE, where
the database has it) are refused by the database, whatever code path asks: the ORM, a
QuerySet, raw SQL or a shell. The refusal reaches Django as an IntegrityError, a
django.db.DatabaseError. This module says which tables and in what words;
`core.database.AppendOnly` writes the triggers for each database.

BACKWARD COMPATIBLE ON PURPOSE: migration 0002_append_only imports this module, and
old migrations run forever. Keep `install` and `remove` callable with a schema editor
or a connection, keep the table, function and trigger names as they are (never read
them from the current models), and keep both functions idempotent.

A later migration that alters these tables must call `remove` before and `install`
after: on SQLite Django rebuilds an altered table (which drops its triggers), and on
PostgreSQL filling a new NOT NULL column is an UPDATE, which the triggers refuse.
"""

from __future__ import annotations

from rehabdesk.core import database
from rehabdesk.core.database import SchemaTarget

TABLES = ("audit_auditevent", "audit_auditeventpatient")
MESSAGE = "audit rows are append-only"
APPEND_ONLY = database.AppendOnly(tables=TABLES, message=MESSAGE, function="audit_refuse_rewrite")


# Each event chains a hash of the one before it (chain.py), linked by the database as
# the row goes in. Installed by migration 0004 (`install_chain`), after the table gained
# its columns; the same backward-compatibility rules hold.
CHAIN = database.HashChain(
    table="audit_auditevent",
    content="content_hash",
    chain="chain_hash",
    function="audit_chain_link",
    lock_space=25007,
)


def install_chain(target: SchemaTarget) -> None:
    """Create the chain's trigger (PostgreSQL; nothing on SQLite); safe to repeat."""
    database.install_guards(target, [CHAIN])


def remove_chain(target: SchemaTarget) -> None:
    """Drop the chain's trigger; safe when it is already gone."""
    database.remove_guards(target, [CHAIN])


def install(target: SchemaTarget) -> None:
    """Create the triggers (again); safe to repeat."""
    database.install_guards(target, [APPEND_ONLY])


def remove(target: SchemaTarget) -> None:
    """Drop the triggers; safe when they are already gone."""
    database.remove_guards(target, [APPEND_ONLY])
