"""A FinalOnceSet guard lets a row change until its column is set, then never again,
and never lets a row go, on either database. A table made for the test."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from rehabdesk.core import database

pytestmark = pytest.mark.django_db

DECIDED = database.FinalOnceSet(
    table="core_test_verdict",
    column="verdict",
    message="a verdict never changes",
    function="core_verdict_refuse",
    prefix="core_verdict",
)


def sql(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


def refused(statement: str) -> bool:
    try:
        with transaction.atomic():
            sql(statement)
    except IntegrityError as error:
        return "a verdict never changes" in str(error)
    return False


@pytest.fixture
def verdicts() -> None:
    sql("CREATE TABLE core_test_verdict (id integer PRIMARY KEY, verdict varchar(20), note text)")
    sql("INSERT INTO core_test_verdict (id, verdict, note) VALUES (1, '', 'open')")
    database.install_guards(connection, [DECIDED])


def test_a_row_changes_until_its_column_is_set_then_never(verdicts):
    sql("UPDATE core_test_verdict SET note = 'looked at' WHERE id = 1")
    sql("UPDATE core_test_verdict SET verdict = 'cleared' WHERE id = 1")
    assert refused("UPDATE core_test_verdict SET note = 'changed' WHERE id = 1")
    assert refused("UPDATE core_test_verdict SET verdict = '' WHERE id = 1")
    assert refused("DELETE FROM core_test_verdict WHERE id = 1")
    if database.has_truncate():
        assert refused("TRUNCATE core_test_verdict")
    assert database.missing_guards([DECIDED]) == []


def test_no_row_is_deleted_even_before_it_is_set(verdicts):
    assert refused("DELETE FROM core_test_verdict WHERE id = 1")
    database.remove_guards(connection, [DECIDED])
    database.remove_guards(connection, [DECIDED])
    sql("DELETE FROM core_test_verdict WHERE id = 1")
