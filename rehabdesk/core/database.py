"""The one place that knows which database Rehabdesk runs on.

Rehabdesk runs on SQLite, the embedded default (one clinic, `make run`), and on
PostgreSQL, production and CI. Both keep the same promises — no double booking, an
audit trail nobody rewrites, a configuration stamp the database replaces itself — by
different means; docs/decisions/0005-database-seam.md says what each guarantees. Every
mechanism that differs is written here, once per database, and offered to the apps in
words that fit both. Apps describe what they need and never ask where they run:

- Guards the database enforces whatever asks (the ORM, raw SQL, a shell), described by
  the app (`AppendOnly`, `FinalOnceSet`, `NoOverlap`, `Restamp`, `HashChain`) and created by
  `install_guards` and `remove_guards` from a migration's schema editor or a
  connection, idempotently.
  `guards_lifted` takes them down around the test suite's flush; `missing_guards` tells
  tests what a migration lost.
- A queue for writers in each other's way (`queue_behind`), and which refusals mean
  another transaction got there first (`lost_race`).
- A list parameter of hand-written SQL (`in_list`, for core/sql.py).
- Questions whose answer differs: `has_truncate`, `serializes_writers`,
  `skips_locked_rows`; and `catch_up_statistics` for the bench.

A database other than these two gets NotImplementedError from each of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

POSTGRESQL = "postgresql"
SQLITE = "sqlite"
# What a migration's RunPython gets (a schema editor), or a connection (tests, commands).
SchemaTarget = BaseDatabaseSchemaEditor | BaseDatabaseWrapper
# PostgreSQL's SQLSTATE when it breaks a deadlock by aborting one of the transactions.
DEADLOCK_DETECTED = "40P01"


def _vendor(wrapper: BaseDatabaseWrapper = connection) -> str:
    if wrapper.vendor not in (POSTGRESQL, SQLITE):
        raise NotImplementedError(f"Rehabdesk runs on SQLite or PostgreSQL, not {wrapper.vendor}.")
    return wrapper.vendor


# Guards ---------------------------------------------------------------------------------


class Guard(Protocol):
    """A rule the database enforces, as the SQL that creates and drops it on each
    database and the names of what it creates there."""

    def create_sql(self, vendor: str) -> list[str]: ...

    def drop_sql(self, vendor: str) -> list[str]: ...

    def names(self, vendor: str) -> list[str]: ...


@dataclass(frozen=True)
class AppendOnly:
    """Rows of these tables are written once and never changed: INSERT and SELECT only.
    UPDATE and DELETE are refused row by row, and TRUNCATE where the database has it,
    as an IntegrityError saying `message`.

    PostgreSQL: a trigger function, `function`, raising restrict_violation (class 23, an
    IntegrityError) and naming the statement and table refused; a row trigger
    `<name>_append_only` and a statement trigger `<name>_no_truncate` per table.
    SQLite: triggers `<name>_no_update` and `<name>_no_delete` per table, RAISE(ABORT).
    `<name>` is the table's own name unless `prefixes` gives one per table.
    """

    tables: tuple[str, ...]
    message: str
    function: str
    prefixes: tuple[str, ...] = ()

    def _named(self) -> list[tuple[str, str]]:
        return list(zip(self.tables, self.prefixes or self.tables, strict=True))

    def create_sql(self, vendor: str) -> list[str]:
        if vendor == POSTGRESQL:
            function = (
                f"CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{self.message}: % on % refused', "
                "TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation'; END $$"
            )
            return [function] + [
                statement
                for table, name in self._named()
                for statement in (
                    f"CREATE TRIGGER {name}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {self.function}()",
                    f"CREATE TRIGGER {name}_no_truncate BEFORE TRUNCATE ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {self.function}()",
                )
            ]
        return [
            f"CREATE TRIGGER {name}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{self.message}'); END"
            for table, name in self._named()
            for verb in ("UPDATE", "DELETE")
        ]

    def drop_sql(self, vendor: str) -> list[str]:
        if vendor == POSTGRESQL:
            return [
                f"DROP TRIGGER IF EXISTS {name}_{trigger} ON {table}"
                for table, name in self._named()
                for trigger in ("append_only", "no_truncate")
            ] + [f"DROP FUNCTION IF EXISTS {self.function}()"]
        return [f"DROP TRIGGER IF EXISTS {name}" for name in self.names(vendor)]

    def names(self, vendor: str) -> list[str]:
        if vendor == POSTGRESQL:
            return [self.function] + [
                f"{name}_{trigger}"
                for _, name in self._named()
                for trigger in ("append_only", "no_truncate")
            ]
        return [f"{name}_no_{verb}" for _, name in self._named() for verb in ("update", "delete")]


@dataclass(frozen=True)
class NoOverlap:
    """Two active rows of `table` with the same `owner` may not overlap in time, over
    half-open [`start`, `end`) ranges (one may end when the next begins). A row is
    active when its `active` column is true or, given `active_values`, one of them, and
    — given `unless`, a text column — that column is empty: a row where it says why is
    an exception made on purpose, left out. Rows without an owner (NULL) are never
    compared. A conflict is an IntegrityError.

    PostgreSQL: an exclusion constraint named `constraint` (btree_gist, over
    tstzrange). An insert that conflicts with a row not yet committed waits for that
    transaction, then fails or goes through.
    SQLite: BEFORE INSERT and UPDATE triggers `<triggers>_insert`/`_update` that look
    for an overlapping active row and RAISE(ABORT, `message`); one writer at a time,
    so they cannot race. They look back one day on an (owner, start) index (datetimes
    are UTC text in one fixed format, so text order is time order): a row may last at
    most a day, and a longer one is refused with `too_long`.
    """

    table: str
    owner: str
    start: str
    end: str
    active: str
    active_values: tuple[str, ...]
    message: str
    too_long: str
    constraint: str
    triggers: str
    unless: str = ""

    def _active(self, row: str) -> str:
        if not self.active_values:
            active = f"{row}{_quoted(self.active)}"
        else:
            values = ", ".join(f"'{value}'" for value in self.active_values)
            active = f"{row}{_quoted(self.active)} IN ({values})"
        return f"{active} AND {row}{_quoted(self.unless)} = ''" if self.unless else active

    def create_sql(self, vendor: str) -> list[str]:
        # Quoted: a column may be named like a keyword (an appointment's "end").
        start, end, owner = _quoted(self.start), _quoted(self.end), _quoted(self.owner)
        if vendor == POSTGRESQL:
            return [
                "CREATE EXTENSION IF NOT EXISTS btree_gist",
                f"ALTER TABLE {self.table} ADD CONSTRAINT {self.constraint} "
                f"EXCLUDE USING gist ({owner} WITH =, "
                f"tstzrange({start}, {end}, '[)') WITH &&) "
                f"WHERE ({self._active('')})",
            ]
        too_long = (
            f"SELECT RAISE(ABORT, '{self.too_long}') "
            f"WHERE julianday(NEW.{end}) - julianday(NEW.{start}) > 1"
        )

        def overlap(other_than_itself: str) -> str:
            return (
                f"SELECT RAISE(ABORT, '{self.message}') FROM {self.table} AS other "  # noqa: S608 - the app's constants only
                f"WHERE other.{owner} = NEW.{owner} AND {self._active('other.')} "
                f"{other_than_itself}AND other.{start} > datetime(NEW.{start}, '-1 day') "
                f"AND other.{start} < NEW.{end} AND NEW.{start} < other.{end} LIMIT 1"
            )

        when = f"ON {self.table} WHEN {self._active('NEW.')}"
        return [
            f"CREATE TRIGGER {self.triggers}_insert BEFORE INSERT {when} "
            f"BEGIN {too_long}; {overlap('')}; END",
            f"CREATE TRIGGER {self.triggers}_update BEFORE UPDATE {when} "
            f"BEGIN {too_long}; {overlap('AND other.id != NEW.id ')}; END",
        ]

    def drop_sql(self, vendor: str) -> list[str]:
        if vendor == POSTGRESQL:
            return [f"ALTER TABLE {self.table} DROP CONSTRAINT IF EXISTS {self.constraint}"]
        return [f"DROP TRIGGER IF EXISTS {name}" for name in self.names(vendor)]

    def names(self, vendor: str) -> list[str]:
        if vendor == POSTGRESQL:
            return [self.constraint]
        return [f"{self.triggers}_insert", f"{self.triggers}_update"]


@dataclass(frozen=True)
class FinalOnceSet:
    """Rows of `table` may change until `column` is set (no longer ''), then never
    again; no row is ever deleted (nor the table truncated). For records that are
    decided once and then stand: a red-flag review once the practitioner decided it.
    Refusals are IntegrityErrors saying `message`.

    PostgreSQL: a trigger function, `function`, raising restrict_violation for an
    UPDATE of a row whose `column` was set, any DELETE and TRUNCATE; a row trigger
    `<prefix>_settled` and a statement trigger `<prefix>_no_truncate`.
    SQLite: triggers `<prefix>_settled_no_update` (when the old row's `column` is set)
    and `<prefix>_no_delete`, RAISE(ABORT).
    """

    table: str
    column: str
    message: str
    function: str
    prefix: str

    def create_sql(self, vendor: str) -> list[str]:
        column = _quoted(self.column)
        if vendor == POSTGRESQL:
            return [
                f"CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN "
                f"IF TG_OP = 'UPDATE' THEN IF OLD.{column} = '' THEN RETURN NEW; END IF; END IF; "
                f"RAISE EXCEPTION '{self.message}: % on % refused', TG_OP, TG_TABLE_NAME "
                "USING ERRCODE = 'restrict_violation'; END $$",
                f"CREATE TRIGGER {self.prefix}_settled BEFORE UPDATE OR DELETE ON {self.table} "
                f"FOR EACH ROW EXECUTE FUNCTION {self.function}()",
                f"CREATE TRIGGER {self.prefix}_no_truncate BEFORE TRUNCATE ON {self.table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {self.function}()",
            ]
        return [
            f"CREATE TRIGGER {self.prefix}_settled_no_update BEFORE UPDATE ON {self.table} "
            f"WHEN OLD.{column} <> '' BEGIN SELECT RAISE(ABORT, '{self.message}'); END",
            f"CREATE TRIGGER {self.prefix}_no_delete BEFORE DELETE ON {self.table} "
            f"BEGIN SELECT RAISE(ABORT, '{self.message}'); END",
        ]

    def drop_sql(self, vendor: str) -> list[str]:
        if vendor == POSTGRESQL:
            return [
                f"DROP TRIGGER IF EXISTS {self.prefix}_settled ON {self.table}",
                f"DROP TRIGGER IF EXISTS {self.prefix}_no_truncate ON {self.table}",
                f"DROP FUNCTION IF EXISTS {self.function}()",
            ]
        return [f"DROP TRIGGER IF EXISTS {name}" for name in self.names(vendor)]

    def names(self, vendor: str) -> list[str]:
        if vendor == POSTGRESQL:
            return [self.function, f"{self.prefix}_settled", f"{self.prefix}_no_truncate"]
        return [f"{self.prefix}_settled_no_update", f"{self.prefix}_no_delete"]


def _quoted(column: str) -> str:
    return f'"{column}"'


@dataclass(frozen=True)
class Restamp:
    """Any change to these tables, by whatever route, replaces `column` in every row of
    `stamp_table` with a random number: inserts, updates, deletes, and TRUNCATE where
    the database has it. Random rather than counted, so a rolled-back change cannot
    hand the same number out again for different data.

    PostgreSQL: a trigger function, `function`, and one statement trigger per table,
    `<table>_restamp`. SQLite (no statement triggers): a row trigger per table and
    event, `<table>_restamp_insert`, `_update`, `_delete`.
    """

    tables: tuple[str, ...]
    stamp_table: str
    column: str
    function: str

    def create_sql(self, vendor: str) -> list[str]:
        if vendor == POSTGRESQL:
            return [
                f"CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger "  # noqa: S608 - the app's constants only
                f"LANGUAGE plpgsql AS $$ BEGIN UPDATE {self.stamp_table} "
                f"SET {self.column} = floor(random() * 4e18)::bigint; RETURN NULL; END $$",
                *(
                    f"CREATE TRIGGER {table}_restamp AFTER INSERT OR UPDATE OR DELETE OR "
                    f"TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {self.function}()"
                    for table in self.tables
                ),
            ]
        return [
            f"CREATE TRIGGER {table}_restamp_{event} AFTER {event.upper()} ON {table} "  # noqa: S608 - the app's constants only
            f"BEGIN UPDATE {self.stamp_table} SET {self.column} = random(); END"
            for table in self.tables
            for event in ("insert", "update", "delete")
        ]

    def drop_sql(self, vendor: str) -> list[str]:
        if vendor == POSTGRESQL:
            return [
                *(f"DROP TRIGGER IF EXISTS {table}_restamp ON {table}" for table in self.tables),
                f"DROP FUNCTION IF EXISTS {self.function}()",
            ]
        return [f"DROP TRIGGER IF EXISTS {name}" for name in self.names(vendor)]

    def names(self, vendor: str) -> list[str]:
        if vendor == POSTGRESQL:
            return [self.function] + [f"{table}_restamp" for table in self.tables]
        return [
            f"{table}_restamp_{event}"
            for table in self.tables
            for event in ("insert", "update", "delete")
        ]


GENESIS = "0" * 64


@dataclass(frozen=True)
class HashChain:
    """Each row inserted into `table` is chained to the one before it: its `chain`
    column is the SHA-256 (hex) of the previous row's `chain` (GENESIS before the first
    row) followed by its own `content` (a hex digest the app computes), rows chained in
    id order. Two transactions never chain to the same row: the link is made while
    holding the chain, until the transaction ends.

    PostgreSQL: a BEFORE INSERT trigger `<table>_chain` runs `function`, which takes a
    transaction-scoped advisory lock (`lock_space`, 0), reads the last row (a fresh
    snapshot, so it sees what the previous holder committed), gives the row its id only
    now (so ids follow the chain) and sets `chain`, whatever the INSERT said.
    SQLite (no way for a trigger to set a column): nothing to create; the INSERT sets
    `chain` to `link_sql()`, one statement, while BEGIN IMMEDIATE runs one writer at a
    time. `rehabdesk_sha256` is registered on every SQLite connection (`sqlite_functions`).
    """

    table: str
    content: str
    chain: str
    function: str
    lock_space: int

    def create_sql(self, vendor: str) -> list[str]:
        if vendor != POSTGRESQL:
            return []
        return [
            f"CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger "  # noqa: S608 - the app's constants only
            "LANGUAGE plpgsql AS $$ DECLARE previous text; BEGIN "
            f"PERFORM pg_advisory_xact_lock({self.lock_space}, 0); "
            f"SELECT {self.chain} INTO previous FROM {self.table} ORDER BY id DESC LIMIT 1; "
            f"NEW.id := nextval(pg_get_serial_sequence('{self.table}', 'id')); "
            f"NEW.{self.chain} := encode(sha256(convert_to("
            f"coalesce(previous, '{GENESIS}') || NEW.{self.content}, 'UTF8')), 'hex'); "
            "RETURN NEW; END $$",
            f"CREATE TRIGGER {self.table}_chain BEFORE INSERT ON {self.table} "
            f"FOR EACH ROW EXECUTE FUNCTION {self.function}()",
        ]

    def drop_sql(self, vendor: str) -> list[str]:
        if vendor != POSTGRESQL:
            return []
        return [
            f"DROP TRIGGER IF EXISTS {self.table}_chain ON {self.table}",
            f"DROP FUNCTION IF EXISTS {self.function}()",
        ]

    def names(self, vendor: str) -> list[str]:
        return [self.function, f"{self.table}_chain"] if vendor == POSTGRESQL else []

    def link_sql(self, content: str) -> tuple[str, list[str]]:
        """What the INSERT gives `chain`, as SQL and its parameters: on SQLite the link
        itself, computed by the database in the same statement; on PostgreSQL a
        placeholder the trigger replaces."""
        if _vendor() == POSTGRESQL:
            return "%s", [""]
        return (
            f"rehabdesk_sha256(coalesce((SELECT {self.chain} FROM {self.table} "  # noqa: S608 - the app's constants only
            "ORDER BY id DESC LIMIT 1), %s) || %s)",
            [GENESIS, content],
        )


def sha256_hex(text: str | None) -> str | None:
    """SHA-256 of UTF-8 text, as hex: PostgreSQL's encode(sha256(...), 'hex')."""
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


def sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Give a new SQLite connection the functions the guards use (`connection_created`;
    wired in core.apps): rehabdesk_sha256(text)."""
    if connection.vendor == SQLITE:
        connection.connection.create_function("rehabdesk_sha256", 1, sha256_hex, deterministic=True)


def install_guards(target: SchemaTarget, guards: Sequence[Guard]) -> None:
    """Create the guards (again): what exists of them is dropped first, so it is safe
    to repeat. Old migrations call this forever through the apps' `install`: keep what
    it creates, names included, as it is."""
    _run(target, lambda vendor: _dropping(guards, vendor) + _creating(guards, vendor))


def remove_guards(target: SchemaTarget, guards: Sequence[Guard]) -> None:
    """Drop the guards; safe when they are already gone."""
    _run(target, lambda vendor: _dropping(guards, vendor))


def _creating(guards: Sequence[Guard], vendor: str) -> list[str]:
    return [statement for guard in guards for statement in guard.create_sql(vendor)]


def _dropping(guards: Sequence[Guard], vendor: str) -> list[str]:
    return [statement for guard in guards for statement in guard.drop_sql(vendor)]


@contextmanager
def guards_lifted(wrapper: BaseDatabaseWrapper, guards: Sequence[Guard]) -> Iterator[None]:
    """Drop the guards, run the block, put them back — for the test suite's flush only.

    All in one transaction (both databases roll back DDL): no other connection ever
    sees the tables unguarded, and a block that fails rolls back to the guards in place.
    """
    with transaction.atomic(using=wrapper.alias):
        remove_guards(wrapper, guards)
        yield
        install_guards(wrapper, guards)


def missing_guards(guards: Sequence[Guard], wrapper: BaseDatabaseWrapper = connection) -> list[str]:
    """The names of what the guards create (triggers, constraints, functions) that the
    database lacks: SQLite drops a table's triggers when a migration rebuilds it."""
    vendor = _vendor(wrapper)
    with wrapper.cursor() as cursor:
        if vendor == POSTGRESQL:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                "UNION SELECT conname FROM pg_constraint "
                "UNION SELECT proname FROM pg_proc "
                "WHERE pronamespace = current_schema()::regnamespace"
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
    return [name for guard in guards for name in guard.names(vendor) if name not in present]


def _run(target: SchemaTarget, statements: Callable[[str], list[str]]) -> None:
    """Run, in order and once each, the statements for the target's database. No
    parameters, so PostgreSQL's own `%` stays as it is."""
    # A DatabaseWrapper has a `.connection` too (the driver's), so ask what it is.
    wrapper = target.connection if isinstance(target, BaseDatabaseSchemaEditor) else target
    with wrapper.cursor() as cursor:
        # Guards may share a statement (PostgreSQL's btree_gist extension).
        for statement in dict.fromkeys(statements(_vendor(wrapper))):
            cursor.execute(statement)


# Writers in each other's way -------------------------------------------------------------

# Advisory lock keys are two 32-bit integers; ids beyond 2^31 wrap around, and two ids
# sharing a lock only make their transactions wait needlessly. One call takes its locks
# in order, so two calls wanting overlapping keys never each hold what the other wants.
_ADVISORY_LOCKS = """
    SELECT pg_advisory_xact_lock(space, key) FROM (
        SELECT CAST(space AS integer) AS space, CAST(key %% 2147483648 AS integer) AS key
          FROM ({keys}) AS wanted (space, key)
    ) AS locks ORDER BY space, key
"""


def queue_behind(keys: str, params: Sequence[Any]) -> None:
    """Wait, inside the current transaction, until every other transaction that queued
    behind one of the same keys has ended, and make those that come later wait for
    this one: what this transaction reads next includes what they wrote.

    `keys` is a SELECT, the same on every database, with a `%s` for each of `params`,
    whose rows are (space, key) pairs of integers: the space says what the key counts
    (the booking service: 1 for practitioners, 2 for rooms and equipment), so ids of
    different things never share a place in the queue.

    PostgreSQL (READ COMMITTED, writers run at once): a transaction-scoped advisory lock
    per pair, taken in (space, key) order. SQLite: nothing to do; the transaction began
    with BEGIN IMMEDIATE and already runs alone.
    """
    if _vendor() == POSTGRESQL:
        with connection.cursor() as cursor:
            cursor.execute(_ADVISORY_LOCKS.replace("{keys}", keys), list(params))


def lost_race(error: DatabaseError) -> bool:
    """Whether the database refused a write because another transaction got there
    first: a guard or a unique key refused it (an IntegrityError, on both databases),
    or — on PostgreSQL — two transactions waited for each other and this one was
    aborted to end the deadlock (40P01). Either way the answer is to try again or to
    say the time was just taken, not a server error."""
    if isinstance(error, IntegrityError):
        return True
    return getattr(error.__cause__, "sqlstate", None) == DEADLOCK_DETECTED


# Hand-written SQL ---------------------------------------------------------------------------


def in_list(values: Collection[Any], *, negated: bool) -> tuple[str, list[Any]]:
    """`IN` (or `NOT IN`) a list of values, as SQL to follow the compared expression
    and its parameters. PostgreSQL: one array parameter, `= ANY(%s)` or `<> ALL(%s)`,
    planned as the list is and half as costly to send (core/sql.py has the numbers).
    SQLite, which has no arrays: a placeholder per value; `IN ()` is valid there."""
    if _vendor() == POSTGRESQL:
        return ("<> ALL(%s)" if negated else "= ANY(%s)"), [list(values)]
    placeholders = ", ".join(["%s"] * len(values))
    return f"{'NOT IN' if negated else 'IN'} ({placeholders})", list(values)


# Questions whose answer differs ---------------------------------------------------------------


def has_truncate() -> bool:
    """Whether the database has TRUNCATE (SQLite empties a table with DELETE)."""
    return _vendor() == POSTGRESQL


def has_insert_or_replace() -> bool:
    """Whether INSERT OR REPLACE exists (SQLite's conflict clause: it deletes the row in
    the way, firing DELETE triggers only with recursive_triggers on)."""
    return _vendor() == SQLITE


def has_roles() -> bool:
    """Whether the database has roles of its own (PostgreSQL), so the role that owns
    the tables and triggers can differ from the one the application runs as."""
    return _vendor() == POSTGRESQL


def instants_as_text() -> bool:
    """Whether a DateTimeField is stored as text (SQLite) rather than a timestamp."""
    return _vendor() == SQLITE


def serializes_writers() -> bool:
    """Whether one transaction writes at a time (SQLite: BEGIN IMMEDIATE takes the
    write lock), so writers can neither race past a check nor deadlock."""
    return _vendor() == SQLITE


def skips_locked_rows() -> bool:
    """Whether SELECT … FOR UPDATE SKIP LOCKED can hand concurrent workers different
    rows (PostgreSQL). Where it cannot, one writer at a time makes it pointless."""
    return _vendor() == POSTGRESQL


def open_connections() -> int | None:
    """How many connections the database server holds open to this database, besides
    this one; None where there is no server to run out of them (SQLite: a file)."""
    if _vendor() == SQLITE:
        return None
    with connection.cursor() as cursor:
        # Inside a transaction the statistics are a snapshot taken at their first read.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND backend_type = 'client backend'"
            " AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def catch_up_statistics() -> None:
    """Give the query planner the statistics a live database has. PostgreSQL's
    autovacuum keeps them on a live database but has not yet looked at tables just
    filled: ANALYZE now. SQLite gathers none unless asked and Rehabdesk never asks, so
    nothing: statistics would plan the bench's queries unlike a clinic's."""
    if _vendor() == POSTGRESQL:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
