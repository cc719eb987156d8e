"""A production deployment on PostgreSQL where the migration owner and the runtime role
differ (docs/deployment.md, "Two database roles"): the owner owns the audit tables and
their triggers; the application connects as a runtime role that may SELECT and INSERT
and nothing else there. The runtime role cannot take the triggers down, switch them
off, replace their function, or change or remove an audit row.

Both roles are made in the test database's cluster (trust authentication on
127.0.0.1) and dropped afterwards; the runtime role's work runs through psycopg, on its
own connection, and is rolled back. PostgreSQL only."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection
from psycopg import errors

from rehabdesk.core import database

pytestmark = [
    pytest.mark.skipif(not database.has_roles(), reason="database roles are PostgreSQL's"),
    # The test's own transaction touches no audit table, so the roles' work never waits.
    pytest.mark.django_db,
]

TABLES = ("audit_auditevent", "audit_auditeventpatient")
FUNCTIONS = ("audit_refuse_rewrite()", "audit_chain_link()")
INSERT_EVENT = (
    "INSERT INTO audit_auditevent (occurred_at, actor_email, action, outcome, object_type,"
    " object_id, summary, request_id, content_hash, chain_hash)"
    " VALUES (now(), '', 'view', 'success', 'web.report', '', '', '', %s, '') "
    "RETURNING id, chain_hash"
)


def connect(settings: dict, user: str) -> psycopg.Connection:
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=user,
    )


@pytest.fixture
def roles(db) -> Iterator[tuple[dict, str]]:
    """(connection settings, the runtime role's name): the audit tables handed to a
    migration-owner role, and a runtime role granted what the application needs."""
    settings = connection.settings_dict  # the test database's, once the test has one
    owner, runtime = f"rd_owner_{os.getpid()}", f"rd_runtime_{os.getpid()}"
    admin = connect(settings, settings["USER"] or "postgres")
    admin.autocommit = True
    run = admin.execute
    try:
        run(f"CREATE ROLE {owner} NOLOGIN")
        run(f"CREATE ROLE {runtime} LOGIN")
        for table in TABLES:
            run(f"ALTER TABLE {table} OWNER TO {owner}")
            run(f"GRANT SELECT, INSERT ON {table} TO {runtime}")
            run(f"GRANT USAGE ON SEQUENCE {table}_id_seq TO {runtime}")
        for function in FUNCTIONS:
            run(f"ALTER FUNCTION {function} OWNER TO {owner}")
        run(f"GRANT USAGE ON SCHEMA public TO {runtime}")
        yield settings, runtime
    finally:
        user = settings["USER"] or "postgres"
        for role in (owner, runtime):
            run(f"REASSIGN OWNED BY {role} TO {user}")
            run(f"DROP OWNED BY {role}")
            run(f"DROP ROLE IF EXISTS {role}")
        admin.close()


REFUSED = {
    "update": "UPDATE audit_auditevent SET summary = 'rewritten'",
    "delete": "DELETE FROM audit_auditevent",
    "delete a link": "DELETE FROM audit_auditeventpatient",
    "truncate": "TRUNCATE audit_auditevent CASCADE",
    "drop the trigger": "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent",
    "drop the chain": "DROP TRIGGER audit_auditevent_chain ON audit_auditevent",
    "disable triggers": "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "replace the function": "CREATE OR REPLACE FUNCTION audit_refuse_rewrite() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    "drop the table": "DROP TABLE audit_auditeventpatient",
    "skip triggers": "SET session_replication_role = replica",
}


def test_the_runtime_role_inserts_and_reads_and_the_database_chains_its_rows(roles):
    settings, runtime = roles
    with connect(settings, runtime) as conn:
        event_id, chain_hash = conn.execute(INSERT_EVENT, ["a" * 64]).fetchone()
        conn.execute(
            "INSERT INTO audit_auditeventpatient (event_id, patient_id) VALUES (%s, 7)",
            [event_id],
        )
        assert len(chain_hash) == 64
        assert conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] >= 1
        conn.rollback()


@pytest.mark.parametrize("statement", REFUSED.values(), ids=REFUSED.keys())
def test_the_runtime_role_cannot_rewrite_the_trail_or_lift_its_guards(roles, statement):
    settings, runtime = roles
    with connect(settings, runtime) as conn:
        conn.execute(INSERT_EVENT, ["b" * 64])
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(statement)
        conn.rollback()
