"""Parent process: prepare each database, run one child per database and dataset (and
one more on a throw-away copy for the cases that write), print the tables and write
bench/results/latest.json.

Missed targets are reported, not failed. A case that breaks is recorded as failed, with
why, beside every other case's results; the exit status is then non-zero.
"""

from __future__ import annotations

import argparse
import io
import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import psycopg

from bench.databases import (
    DATABASES,
    POSTGRES,
    POSTGRES_REQUIRED,
    POSTGRES_SERVER,
    REPO_DIR,
    child_env,
    ensure_exists,
    postgres_problem,
    throwaway_create,
    throwaway_drop,
)
from bench.datasets import DATASETS
from bench.pure import NO_DATABASE, PURE_CASE_NAMES, PURE_CASES, measure_pure
from bench.report import ChildReport, Failure, Result, format_failures, format_table, is_over

RESULTS_DIR = Path(__file__).resolve().parent / "results"
LATEST = RESULTS_DIR / "latest.json"


class BenchError(Exception):
    pass


def run_child(
    database: str, dataset: str, cases: Sequence[str], *, throwaway: bool = False
) -> ChildReport:
    command = [sys.executable, "-m", "bench.run_one", "--database", database]
    command += ["--dataset", dataset, *(f"--case={case}" for case in cases)]
    if throwaway:
        command.append("--throwaway")
    # Our own interpreter and module, with arguments from our own registries.
    finished = subprocess.run(  # noqa: S603
        command,
        cwd=REPO_DIR,
        env=child_env(database, dataset, throwaway=throwaway),
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    where = f"{database}/{dataset}{' (throw-away copy)' if throwaway else ''}"
    if finished.returncode != 0:
        raise BenchError(f"{where}: child exited {finished.returncode}")
    try:
        return cast(ChildReport, json.loads(finished.stdout))
    except json.JSONDecodeError as error:
        raise BenchError(f"{where}: unreadable child output ({error})") from None


def run_dataset(database: str, dataset: str, cases: Sequence[str]) -> ChildReport:
    """The dataset's cases; then, if some write, the same child on a throw-away copy."""
    ensure_exists(database, dataset)
    report = run_child(database, dataset, cases)
    writers = report["throwaway_cases"]
    if writers:
        throwaway_create(database, dataset)
        try:
            copy = run_child(database, dataset, writers, throwaway=True)
        finally:
            throwaway_drop(database, dataset)
        report["results"] += copy["results"]
        report["notes"] += copy["notes"]
        report["errors"] += copy["errors"]
    return report


def chosen_databases(wanted: Sequence[str]) -> list[str]:
    databases = list(wanted or DATABASES)
    if POSTGRES not in databases:
        return databases
    problem = postgres_problem()
    if problem is None:
        return databases
    if POSTGRES_REQUIRED:
        raise BenchError(
            f"PostgreSQL is required but does not answer at {POSTGRES_SERVER} ({problem})."
        )
    print(f"PostgreSQL skipped: nothing answers at {POSTGRES_SERVER} ({problem}).")
    return [database for database in databases if database != POSTGRES]


def main(argv: Sequence[str]) -> int:
    # Our lines and the children's stderr share a terminal or log; keep them in order.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--database", action="append", choices=DATABASES, default=[])
    parser.add_argument("--case", action="append", default=[], help="only this case")
    args = parser.parse_args(argv)

    results: list[Result] = []
    notes: list[str] = []
    failures: list[Failure] = []
    started = time.monotonic()
    # Pure cases need no database: timed here, first, while no child competes.
    for pure in PURE_CASES:
        if args.case and pure.name not in args.case:
            continue
        try:
            results += measure_pure(pure)
        except Exception as error:  # noqa: BLE001 - a broken case voids only itself
            why = f"{type(error).__name__}: {error}"
            failures.append(
                Failure(case=pure.name, dataset=pure.dataset, database=NO_DATABASE, error=why)
            )
        else:
            print(f"measured {pure.name} on {pure.dataset} (no database)")
    database_cases = [case for case in args.case if case not in PURE_CASE_NAMES]
    if args.case and not database_cases:
        databases: list[str] = []
    else:
        try:
            databases = chosen_databases(args.database)
        except BenchError as error:
            print(f"bench: {error}", file=sys.stderr)
            return 1
    for database in databases:
        for dataset in DATASETS:
            try:
                report = run_dataset(database, dataset, database_cases)
            except (BenchError, psycopg.Error, sqlite3.Error, OSError) as error:
                why = str(error).strip()
                failures.append(Failure(case=None, dataset=dataset, database=database, error=why))
                continue
            results += report["results"]
            notes += report["notes"]
            failures += report["errors"]

    if results:
        print()
        print(format_table(results))
        if notes:
            print()
            print("\n".join(notes))
        over = sum(is_over(result) for result in results)
        print(f"\n{len(results) - over} within target, {over} over.")
    if failures:
        print()
        print(format_failures(failures))
    print(f"Took {time.monotonic() - started:.0f} s.")
    RESULTS_DIR.mkdir(exist_ok=True)
    LATEST.write_text(json.dumps({"results": results, "failed": failures}, indent=2) + "\n")
    print(f"Wrote {LATEST.relative_to(REPO_DIR)}.")
    if failures:
        print(f"bench: {len(failures)} failed (see above).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
