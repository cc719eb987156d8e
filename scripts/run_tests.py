"""`make test`: every test, on every database that answers.

1. Tests that need no database, once.
2. Database tests and browser tests on SQLite.
3. Database tests again on PostgreSQL: DATABASE_URL when it names one, else
   127.0.0.1:5432 database `test`. When none answers, one line says so and the run is
   skipped, unless REHABDESK_REQUIRE_POSTGRES=1 makes that a failure.

Browser tests run once, in the SQLite run: they check pages in a real browser (layout,
keyboard, axe) through the same services the page and database tests run on both
databases, and what differs between the databases (locks, constraints, triggers,
transactions under concurrency) is what those database tests exercise. Running the
browser tests twice cost CI about six minutes of its thirty. The two database runs go
side by side, each writing its output to var/ and the output printed whole when it
ends: a machine with two cores does both in the time of the longer one, and without
the browser tests the PostgreSQL run takes about as long as the SQLite one. Extra
arguments are passed to every pytest run (e.g. `-k registration`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"
LOGS = Path(__file__).resolve().parent.parent / "var"


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


def command(marker: str, extra: list[str]) -> list[str]:
    return [sys.executable, "-m", "pytest", "-m", marker, *extra]


def pytest(label: str, marker: str, database_url: str, extra: list[str]) -> int:
    """One run, its output straight to ours."""
    env = {**os.environ, "DATABASE_URL": database_url}
    print(f"\n=== {label}: pytest -m '{marker}' ===", flush=True)
    started = time.monotonic()
    code = subprocess.call(command(marker, extra), env=env)  # noqa: S603 - our own interpreter
    print(f"=== {label}: exit {code} in {time.monotonic() - started:.0f} s ===", flush=True)
    return code


def side_by_side(runs: list[tuple[str, str, str]], extra: list[str]) -> list[str]:
    """The database runs at once, each into its own log; the labels of those that failed."""
    LOGS.mkdir(exist_ok=True)
    started = time.monotonic()
    running = []
    for label, marker, database_url in runs:
        log = LOGS / f"test-{label.lower().replace(' ', '-')}.log"
        env = {**os.environ, "DATABASE_URL": database_url}
        print(f"=== {label}: pytest -m '{marker}', output in {log} ===", flush=True)
        with log.open("w") as out:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and args
                command(marker, extra), env=env, stdout=out, stderr=subprocess.STDOUT
            )
        running.append((label, log, process))
    failed = []
    for label, log, process in running:
        code = process.wait()
        print(f"\n=== {label} ===\n{log.read_text()}", flush=True)
        print(f"=== {label}: exit {code}, {time.monotonic() - started:.0f} s ===", flush=True)
        if code != 0:
            failed.append(label)
    return failed


def main(extra: list[str]) -> int:
    runs = [("SQLite", "db or browser", "sqlite:///:memory:")]
    url = postgres_url()
    problem = postgres_answers(url)
    if problem is None:
        runs.append(("PostgreSQL", "db and not browser", url))
    elif os.environ.get("REHABDESK_REQUIRE_POSTGRES") == "1":
        print(f"PostgreSQL is required but does not answer at {url}: {problem}", flush=True)
        return 1
    else:
        print(f"PostgreSQL run skipped: nothing answers at {url} ({problem}).", flush=True)
    failed = []
    if pytest("no database", "not db and not browser", "sqlite:///:memory:", extra) != 0:
        failed.append("no database")
    failed += side_by_side(runs, extra)
    if failed:
        print(f"\nFAILED: {', '.join(failed)}", flush=True)
        return 1
    labels = ["no database", *(label for label, _, _ in runs)]
    print(f"\nAll test runs passed: {', '.join(labels)}.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
