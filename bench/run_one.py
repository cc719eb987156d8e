"""Child process: one database, one dataset. Prints a JSON list of results on stdout.

The parent sets DATABASE_URL and the rest of the environment (bench/databases.py);
everything else this process says goes to stderr so stdout stays parseable.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Sequence

import django
from django.core.management import call_command
from django.utils import timezone

from bench.databases import DATABASES
from bench.datasets import DATASETS, prepare
from bench.report import Result


def run(database: str, dataset: str, only: Sequence[str]) -> list[Result]:
    django.setup()
    # Cases import models, which needs Django set up first.
    from bench.cases import CASES
    from bench.measure import measure

    unknown = sorted(set(only) - {case.name for case in CASES})
    if unknown:
        raise SystemExit(f"unknown case(s): {', '.join(unknown)}")
    cases = [c for c in CASES if c.dataset == dataset and (not only or c.name in only)]
    if not cases:
        return []
    started = time.monotonic()
    built = prepare(dataset, today=timezone.localdate())
    # DEBUG is off, so {% static %} needs the manifest collectstatic writes.
    call_command("collectstatic", interactive=False, verbosity=0)
    how = "built" if built else "reused"
    print(f"[{database}] dataset {dataset} {how} in {time.monotonic() - started:.1f} s")
    results = []
    for case in cases:
        results.append(measure(case, database=database))
        print(f"[{database}] measured {case.name}")
    return results


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_one")
    parser.add_argument("--database", choices=DATABASES, required=True)
    parser.add_argument("--dataset", choices=sorted(DATASETS), required=True)
    parser.add_argument("--case", action="append", default=[], help="only this case")
    args = parser.parse_args(argv)
    with contextlib.redirect_stdout(sys.stderr):
        results = run(args.database, args.dataset, args.case)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
