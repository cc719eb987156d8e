"""`make test`: every test, on every database that answers.

1. Tests that need no database, once.
2. Database tests (and browser tests) on SQLite.
3. Database tests again on PostgreSQL: DATABASE_URL when it names one, else
   127.0.0.1:5432 database `test`. When none answers, one line says so and the run is
   skipped, unless REHABDESK_REQUIRE_POSTGRES=1 makes that a failure.

Extra arguments are passed to every pytest run (e.g. `-k registration`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_POSTGRES_URL


def postgres_answers(url: str) -> str | None:
    """None if a connection succeeds, else why not."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]
    return None


def pytest(label: str, marker: str, database_url: str, extra: list[str]) -> int:
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [sys.executable, "-m", "pytest", "-m", marker, *extra]
    print(f"\n=== {label}: pytest -m '{marker}' ===", flush=True)
    started = time.monotonic()
    code = subprocess.call(command, env=env)  # noqa: S603 - our own interpreter and args
    print(f"=== {label}: exit {code} in {time.monotonic() - started:.0f} s ===", flush=True)
    return code


def main(extra: list[str]) -> int:
    runs = [
        ("no database", "not db and not browser", "sqlite:///:memory:"),
        ("SQLite", "db or browser", "sqlite:///:memory:"),
    ]
    url = postgres_url()
    problem = postgres_answers(url)
    if problem is None:
        runs.append(("PostgreSQL", "db", url))
    elif os.environ.get("REHABDESK_REQUIRE_POSTGRES") == "1":
        print(f"PostgreSQL is required but does not answer at {url}: {problem}", flush=True)
        return 1
    else:
        print(f"PostgreSQL run skipped: nothing answers at {url} ({problem}).", flush=True)
    failed = [label for label, marker, db in runs if pytest(label, marker, db, extra) != 0]
    if failed:
        print(f"\nFAILED: {', '.join(failed)}", flush=True)
        return 1
    print(f"\nAll test runs passed: {', '.join(label for label, _, _ in runs)}.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
