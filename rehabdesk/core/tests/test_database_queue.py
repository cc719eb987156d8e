"""Writers in each other's way queue, on either database, and a write refused because
another transaction got there first is told apart from a fault.

Each transaction runs in its own thread with its own connection (SQLite tests use a
file, so the connections are really separate), in a transactional test: the test's own
transaction would otherwise hold SQLite's write lock throughout.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import (
    DatabaseError,
    IntegrityError,
    OperationalError,
    connection,
    connections,
    transaction,
)

from rehabdesk.core import database

# The keys a transaction queues behind: (space, key) pairs, as the booking service
# names practitioners (space 1) and rooms (space 2).
KEYS = "SELECT 1, %s UNION ALL SELECT 2, %s"
WAIT = 10  # seconds before a test that should not wait this long gives up


def together(*works: Callable[[], str]) -> list[str]:
    """Run each work in its own thread and connection, all at once; their results."""

    def in_own_connection(work: Callable[[], str]) -> Callable[[], str]:
        def run() -> str:
            try:
                return work()
            finally:
                connections.close_all()

        return run

    with ThreadPoolExecutor(max_workers=len(works)) as pool:
        futures = [pool.submit(in_own_connection(work)) for work in works]
        return [future.result(timeout=WAIT * 2) for future in futures]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transaction_queuing_behind_a_key_goes_on_only_once_the_one_before_has_ended() -> None:
    first_queued = threading.Event()
    moments: dict[str, float] = {}

    def first() -> str:
        with transaction.atomic():
            database.queue_behind(KEYS, [7, 8])
            first_queued.set()
            time.sleep(0.3)
            moments["first ends"] = time.monotonic()
        return "first"

    def second() -> str:
        assert first_queued.wait(WAIT)
        with transaction.atomic():
            # Shares only the room: waits all the same.
            database.queue_behind(KEYS, [9, 8])
            moments["second goes on"] = time.monotonic()
        return "second"

    assert together(first, second) == ["first", "second"]
    assert moments["second goes on"] > moments["first ends"]


@pytest.mark.skipif(database.serializes_writers(), reason="one writer at a time by design")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_transactions_queuing_behind_other_keys_go_on_together():
    """Another practitioner and other rooms, or the same number in another space (a
    practitioner 8 and a room 8), never wait for each other."""
    first_queued = threading.Event()
    second_done = threading.Event()

    def first() -> str:
        with transaction.atomic():
            database.queue_behind(KEYS, [7, 8])
            first_queued.set()
            return "second finished first" if second_done.wait(WAIT) else "second waited"

    def second() -> str:
        assert first_queued.wait(WAIT)
        with transaction.atomic():
            database.queue_behind(KEYS, [8, 7])
        second_done.set()
        return "second"

    assert together(first, second) == ["second finished first", "second"]


@pytest.mark.skipif(database.serializes_writers(), reason="one writer at a time cannot deadlock")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_two_transactions_waiting_for_each_other_one_lost_the_race():
    """Keys taken in one call are taken in order; two calls each can still cross, as a
    series booking several times in one transaction can. The database then aborts one
    (on PostgreSQL after `deadlock_timeout`), and that is a lost race, not a fault."""
    both_hold_one = threading.Barrier(2, timeout=WAIT)

    def crossing(mine: int, theirs: int) -> Callable[[], str]:
        def work() -> str:
            try:
                with transaction.atomic():
                    database.queue_behind("SELECT 1, %s", [mine])
                    both_hold_one.wait()
                    database.queue_behind("SELECT 1, %s", [theirs])
            except DatabaseError as error:
                return "lost the race" if database.lost_race(error) else f"failed: {error}"
            return "done"

        return work

    assert sorted(together(crossing(1, 2), crossing(2, 1))) == ["done", "lost the race"]


@pytest.mark.django_db
def test_a_write_a_key_refuses_is_a_lost_race():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE seat (id integer PRIMARY KEY)")
        cursor.execute("INSERT INTO seat (id) VALUES (1)")
        with pytest.raises(IntegrityError) as refused, transaction.atomic():
            cursor.execute("INSERT INTO seat (id) VALUES (1)")
    assert database.lost_race(refused.value)


@pytest.mark.django_db
def test_other_database_errors_are_faults():
    with (
        pytest.raises(DatabaseError) as failed,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT * FROM no_such_table")
    assert not database.lost_race(failed.value)
    assert not database.lost_race(OperationalError("database is locked"))
