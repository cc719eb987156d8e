"""Where each dataset lives on each database, and the environment a child runs in.

Free of Django: the parent process prepares databases before any child sets it up.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path

import psycopg
from psycopg import sql

from bench.datasets import storage_name

REPO_DIR = Path(__file__).resolve().parent.parent
# A var dir of its own, so the bench's static files and databases never touch `make run`'s.
VAR_DIR = REPO_DIR / "var" / "bench"

SQLITE = "sqlite"
POSTGRES = "postgres"
DATABASES = (SQLITE, POSTGRES)

POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
POSTGRES_REQUIRED = os.environ.get("REHABDESK_REQUIRE_POSTGRES") == "1"

# Only ever protects the throw-away bench sessions.
BENCH_SECRET_KEY = "bench-only-key-protects-nothing-" + "b" * 32  # noqa: S105
# Real secrets the bench has no use for; a *_FILE would also override the bench key.
_DROPPED_ENV = ("SECRET_KEY_FILE", "EMAIL_HOST_PASSWORD", "EMAIL_HOST_PASSWORD_FILE")


def sqlite_path(dataset: str) -> Path:
    return VAR_DIR / f"{storage_name(dataset)}.sqlite3"


def postgres_name(dataset: str) -> str:
    return "rehabdesk_bench_" + storage_name(dataset).replace("-", "_")


def database_url(database: str, dataset: str, *, throwaway: bool = False) -> str:
    if database == SQLITE:
        return f"sqlite:///{_throwaway_path(dataset) if throwaway else sqlite_path(dataset)}"
    name = _throwaway_name(dataset) if throwaway else postgres_name(dataset)
    return f"{POSTGRES_SERVER}/{name}"


# -- throw-away copies: cases that write (booking) run on a copy, never on the dataset --

THROWAWAY_SUFFIX = "scratch"


def _throwaway_path(dataset: str) -> Path:
    return VAR_DIR / f"{storage_name(dataset)}-{THROWAWAY_SUFFIX}.sqlite3"


def _throwaway_name(dataset: str) -> str:
    return f"{postgres_name(dataset)}_{THROWAWAY_SUFFIX}"


def _admin() -> psycopg.Connection:
    # CREATE and DROP DATABASE cannot run inside a transaction.
    return psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=3)


def throwaway_create(database: str, dataset: str) -> None:
    """A fresh copy of the dataset (replacing one a crashed run left behind). Nothing
    may be connected to the dataset meanwhile: its child and server have ended."""
    throwaway_drop(database, dataset)
    if database == SQLITE:
        # The backup API copies a consistent snapshot, whatever the WAL file holds.
        source = sqlite3.connect(sqlite_path(dataset))
        target = sqlite3.connect(_throwaway_path(dataset))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    create = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
        sql.Identifier(_throwaway_name(dataset)), sql.Identifier(postgres_name(dataset))
    )
    with _admin() as connection:
        if connection.info.server_version >= 150000:
            # Copying the files beats writing a large database through the WAL.
            create += sql.SQL(" STRATEGY FILE_COPY")
        for attempt in range(20):
            try:
                connection.execute(create)
                return
            except psycopg.errors.ObjectInUse:
                # A backend of the child that just ended may still be saying goodbye.
                if attempt == 19:
                    raise
                time.sleep(0.5)


def throwaway_drop(database: str, dataset: str) -> None:
    if database == SQLITE:
        path = _throwaway_path(dataset)
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        return
    with _admin() as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(_throwaway_name(dataset))
            )
        )


def postgres_problem() -> str | None:
    """None if the server answers, else why not (first line of the error)."""
    try:
        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]
    return None


def ensure_exists(database: str, dataset: str) -> None:
    """Make room for the dataset; filling it is the child's job (migrate + build)."""
    if database == SQLITE:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return
    name = postgres_name(dataset)
    with _admin() as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if found is None:
            # Another bench run may create it in between; theirs will do.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def child_env(database: str, dataset: str, *, throwaway: bool = False) -> dict[str, str]:
    """Production settings (DEBUG off), made usable in-process and over plain http."""
    env = {key: value for key, value in os.environ.items() if key not in _DROPPED_ENV}
    env.update(
        DJANGO_SETTINGS_MODULE="rehabdesk.settings",
        DATABASE_URL=database_url(database, dataset, throwaway=throwaway),
        DEBUG="0",
        SECRET_KEY=BENCH_SECRET_KEY,
        ALLOWED_HOSTS="testserver,localhost,127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        REHABDESK_VAR_DIR=str(VAR_DIR),
    )
    return env
