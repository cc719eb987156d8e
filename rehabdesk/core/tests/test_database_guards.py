"""A guard the app describes is what the database enforces, on either database: put in
place again and again without piling up, taken away safely when already gone, and
lifted for a block only with its return guaranteed.

A ledger table made for the test, not an app's: the seam knows no app."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from rehabdesk.core import database

pytestmark = pytest.mark.django_db

LEDGER = database.AppendOnly(
    tables=("core_test_ledger",), message="ledger rows are written once", function="core_refuse"
)


def sql(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


def note() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM core_test_ledger WHERE id = 1")
        return str(cursor.fetchone()[0])


def refused(statement: str) -> bool:
    try:
        with transaction.atomic():
            sql(statement)
    except IntegrityError as error:
        return "ledger rows are written once" in str(error)
    return False


@pytest.fixture
def ledger() -> None:
    # Created inside the test's transaction: both databases roll it back.
    sql("CREATE TABLE core_test_ledger (id integer PRIMARY KEY, note varchar(20))")
    sql("INSERT INTO core_test_ledger (id, note) VALUES (1, 'paid')")


def test_an_append_only_table_takes_inserts_and_refuses_every_other_change(ledger):
    database.install_guards(connection, [LEDGER])
    sql("INSERT INTO core_test_ledger (id, note) VALUES (2, 'refunded')")
    assert refused("UPDATE core_test_ledger SET note = 'unpaid' WHERE id = 1")
    assert refused("DELETE FROM core_test_ledger WHERE id = 1")
    if database.has_truncate():
        assert refused("TRUNCATE core_test_ledger")
    assert note() == "paid"
    assert database.missing_guards([LEDGER]) == []


def test_guards_installed_twice_are_there_once_and_removed_twice_are_gone(ledger):
    database.install_guards(connection, [LEDGER])
    database.install_guards(connection, [LEDGER])
    assert database.missing_guards([LEDGER]) == []
    assert refused("DELETE FROM core_test_ledger WHERE id = 1")
    database.remove_guards(connection, [LEDGER])
    database.remove_guards(connection, [LEDGER])
    assert database.missing_guards([LEDGER])
    assert not refused("UPDATE core_test_ledger SET note = 'unpaid' WHERE id = 1")
    assert note() == "unpaid"


def test_lifted_guards_come_back_after_the_block_even_when_it_fails(ledger):
    database.install_guards(connection, [LEDGER])
    with database.guards_lifted(connection, [LEDGER]):
        assert database.missing_guards([LEDGER])
        assert not refused("UPDATE core_test_ledger SET note = 'settled' WHERE id = 1")
    assert database.missing_guards([LEDGER]) == []
    assert refused("UPDATE core_test_ledger SET note = 'unpaid' WHERE id = 1")
    with pytest.raises(RuntimeError), database.guards_lifted(connection, [LEDGER]):
        raise RuntimeError("the flush failed")
    assert database.missing_guards([LEDGER]) == []
    assert note() == "settled"


@pytest.mark.skipif(not database.has_insert_or_replace(), reason="REPLACE is SQLite's")
@pytest.mark.parametrize(
    "statement",
    [
        "INSERT OR REPLACE INTO core_test_ledger (id, note) VALUES (1, 'unpaid')",
        "REPLACE INTO core_test_ledger (id, note) VALUES (1, 'unpaid')",
    ],
)
def test_sqlite_replace_cannot_rewrite_an_append_only_row(ledger, statement):
    """REPLACE deletes the row it replaces; with recursive triggers on (settings'
    init_command) that delete meets the guard's DELETE trigger."""
    database.install_guards(connection, [LEDGER])
    assert refused(statement)
    assert note() == "paid"
