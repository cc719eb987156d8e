"""`make test`: every test, on every database that answers.

1. Database tests and browser tests on SQLite.
2. Database tests again on PostgreSQL: DATABASE_URL when it names one, else
   127.0.0.1:5432 database `test`. When none answers, one line says so and the run is
   skipped, unless REHABDESK_REQUIRE_POSTGRES=1 makes that a failure.
3. Tests that need no database, once, after the PostgreSQL run.

Browser tests run once, in the SQLite run: they check pages in a real browser (layout,
keyboard, axe) through the same services the page and database tests run on both
databases, and what differs between the databases (locks, constraints, triggers,
transactions under concurrency) is what those database tests exercise. Running the
browser tests twice cost CI about six minutes of its thirty. The two database runs go
side by side, each writing its output to var/, printed whole when all runs have
ended: a machine with two cores does both in the time of the longer one, and without
the browser tests the PostgreSQL run takes about as long as the SQLite one. The tests
that need no database (under two minutes) follow the PostgreSQL run, the shorter one,
rather than going before both: CI measured 18 minutes for PostgreSQL against 22 for
SQLite, so they fit in the difference. Extra arguments are passed to every pytest run
(e.g. `-k registration`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
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


Run = tuple[str, str, str]  # label, marker, DATABASE_URL


def one_after_another(runs: list[Run], extra: list[str]) -> list[tuple[str, Path, int, float]]:
    """The runs in turn, each into its own log: (label, log, exit code, seconds)."""
    done = []
    for label, marker, database_url in runs:
        log = LOGS / f"test-{label.lower().replace(' ', '-')}.log"
        env = {**os.environ, "DATABASE_URL": database_url}
        started = time.monotonic()
        with log.open("w") as out:
            code = subprocess.call(  # noqa: S603 - our own interpreter and args
                command(marker, extra), env=env, stdout=out, stderr=subprocess.STDOUT
            )
        done.append((label, log, code, time.monotonic() - started))
    return done


def side_by_side(slots: list[list[Run]], extra: list[str]) -> list[str]:
    """The slots at once, each slot's runs one after another; the labels of those that
    failed. Each run's output goes to its own log, printed whole when all have ended."""
    LOGS.mkdir(exist_ok=True)
    for slot in slots:
        for label, marker, _ in slot:
            print(f"=== {label}: pytest -m '{marker}' ===", flush=True)
    with ThreadPoolExecutor(max_workers=len(slots)) as pool:
        finished = [
            run
            for done in pool.map(lambda slot: one_after_another(slot, extra), slots)
            for run in done
        ]
    failed = []
    for label, log, code, seconds in finished:
        print(f"\n=== {label} ===\n{log.read_text()}", flush=True)
        print(f"=== {label}: exit {code}, {seconds:.0f} s ===", flush=True)
        if code != 0:
            failed.append(label)
    return failed


def main(extra: list[str]) -> int:
    started = time.monotonic()
    no_database: Run = ("no database", "not db and not browser", "sqlite:///:memory:")
    slots: list[list[Run]] = [[("SQLite", "db or browser", "sqlite:///:memory:")]]
    url = postgres_url()
    problem = postgres_answers(url)
    if problem is None:
        slots.append([("PostgreSQL", "db and not browser", url), no_database])
    elif os.environ.get("REHABDESK_REQUIRE_POSTGRES") == "1":
        print(f"PostgreSQL is required but does not answer at {url}: {problem}", flush=True)
        return 1
    else:
        print(f"PostgreSQL run skipped: nothing answers at {url} ({problem}).", flush=True)
        slots.append([no_database])
    failed = side_by_side(slots, extra)
    took = f"in {time.monotonic() - started:.0f} s"
    if failed:
        print(f"\nFAILED: {', '.join(failed)} ({took}).", flush=True)
        return 1
    labels = [label for slot in slots for label, _, _ in slot]
    print(f"\nAll test runs passed: {', '.join(labels)} ({took}).", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
