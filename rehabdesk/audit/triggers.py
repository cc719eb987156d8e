"""Database triggers that make the audit tables append-only.

The application may INSERT and SELECT audit rows; UPDATE, DELETE (and on PostgreSQL
TRUNCATE) are refused by the database itself, whatever code path asks: the ORM, a
QuerySet, raw SQL or a shell. The refusal reaches Django as an IntegrityError, a
django.db.DatabaseError.

BACKWARD COMPATIBLE ON PURPOSE: migration 0002_append_only imports this module, and
old migrations run forever. Keep `install` and `remove` callable with a schema editor
or a connection, keep the table names here hard-coded (never read them from the
current models), and keep both functions idempotent.

A later migration that alters these tables must call `remove` before and `install`
after: on SQLite Django rebuilds an altered table (which drops its triggers), and on
PostgreSQL filling a new NOT NULL column is an UPDATE, which the triggers refuse.
"""

from __future__ import annotations

from rehabdesk.core.migration_helpers import SchemaTarget, run_vendor_sql

TABLES = ("audit_auditevent", "audit_auditeventpatient")
MESSAGE = "audit rows are append-only"
_FUNCTION = "audit_refuse_rewrite"


def install(target: SchemaTarget) -> None:
    """Create the triggers (again); safe to repeat."""
    run_vendor_sql(target, lambda vendor: _remove_sql(vendor) + _install_sql(vendor))


def remove(target: SchemaTarget) -> None:
    """Drop the triggers; safe when they are already gone."""
    run_vendor_sql(target, _remove_sql)


def _install_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            for table in TABLES
            for verb in ("UPDATE", "DELETE")
        ]
    if vendor == "postgresql":
        # restrict_violation (class 23) reaches Django as an IntegrityError, as
        # SQLite's RAISE(ABORT) does.
        function = (
            f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME "
            "USING ERRCODE = 'restrict_violation'; END $$"
        )
        return [function] + [
            statement
            for table in TABLES
            for statement in (
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {_FUNCTION}()",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()",
            )
        ]
    raise NotImplementedError(f"No append-only triggers for {vendor}.")


def _remove_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_{verb.lower()}"
            for table in TABLES
            for verb in ("UPDATE", "DELETE")
        ]
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_{name} ON {table}"
            for table in TABLES
            for name in ("append_only", "no_truncate")
        ] + [f"DROP FUNCTION IF EXISTS {_FUNCTION}()"]
    raise NotImplementedError(f"No append-only triggers for {vendor}.")
