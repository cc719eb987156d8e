"""Parent process: prepare each database, run one child per database and dataset,
print the table and write bench/results/latest.json.

Missed targets are reported, not failed: the exit status is non-zero only on errors.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
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
)
from bench.datasets import DATASETS
from bench.report import Result, format_table, is_over

RESULTS_DIR = Path(__file__).resolve().parent / "results"
LATEST = RESULTS_DIR / "latest.json"


class BenchError(Exception):
    pass


def run_child(database: str, dataset: str, cases: Sequence[str]) -> list[Result]:
    command = [sys.executable, "-m", "bench.run_one", "--database", database]
    command += ["--dataset", dataset, *(f"--case={case}" for case in cases)]
    # Our own interpreter and module, with arguments from our own registries.
    finished = subprocess.run(  # noqa: S603
        command,
        cwd=REPO_DIR,
        env=child_env(database, dataset),
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        raise BenchError(f"{database}/{dataset}: child exited {finished.returncode}")
    try:
        return cast(list[Result], json.loads(finished.stdout))
    except json.JSONDecodeError as error:
        raise BenchError(f"{database}/{dataset}: unreadable child output ({error})") from None


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
    errors: list[str] = []
    try:
        databases = chosen_databases(args.database)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    for database in databases:
        for dataset in DATASETS:
            try:
                ensure_exists(database, dataset)
                results += run_child(database, dataset, args.case)
            except (BenchError, psycopg.Error, OSError) as error:
                errors.append(str(error).strip())

    if results:
        print()
        print(format_table(results))
        over = sum(is_over(result) for result in results)
        print(f"\n{len(results) - over} within target, {over} over.")
    if errors:
        for problem in errors:
            print(f"bench: {problem}", file=sys.stderr)
        print(f"bench: {LATEST.name} not written.", file=sys.stderr)
        return 1
    RESULTS_DIR.mkdir(exist_ok=True)
    LATEST.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Wrote {LATEST.relative_to(REPO_DIR)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
