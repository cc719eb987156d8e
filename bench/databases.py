"""Where each dataset lives on each database, and the environment a child runs in.

Free of Django: the parent process prepares databases before any child sets it up.
"""

from __future__ import annotations

import contextlib
import os
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


def database_url(database: str, dataset: str) -> str:
    if database == SQLITE:
        return f"sqlite:///{sqlite_path(dataset)}"
    return f"{POSTGRES_SERVER}/{postgres_name(dataset)}"


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
    # CREATE DATABASE cannot run inside a transaction.
    with psycopg.connect(
        f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=3
    ) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if found is None:
            # Another bench run may create it in between; theirs will do.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def child_env(database: str, dataset: str) -> dict[str, str]:
    """Production settings (DEBUG off), made usable in-process and over plain http."""
    env = {key: value for key, value in os.environ.items() if key not in _DROPPED_ENV}
    env.update(
        DJANGO_SETTINGS_MODULE="rehabdesk.settings",
        DATABASE_URL=database_url(database, dataset),
        DEBUG="0",
        SECRET_KEY=BENCH_SECRET_KEY,
        ALLOWED_HOSTS="testserver,localhost,127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        REHABDESK_VAR_DIR=str(VAR_DIR),
    )
    return env
