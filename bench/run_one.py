"""Child process: one database, one dataset. Prints a JSON ChildReport on stdout.

The parent sets DATABASE_URL and the rest of the environment (bench/databases.py);
everything else this process says goes to stderr so stdout stays parseable.

Run normally, it prepares the dataset (migrate, build once) and measures the in-process
cases, then the HTTP cases against gunicorn. With --throwaway, DATABASE_URL is a copy
the parent made, and it measures only the cases that write (bench/README.md).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
import traceback
from collections.abc import Iterator, Sequence

import django
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from bench.databases import DATABASES, VAR_DIR
from bench.datasets import DATASETS, prepare
from bench.report import ChildReport, Failure, Result


@contextlib.contextmanager
def _recorded(
    report: ChildReport, database: str, dataset: str, cases: Sequence[str]
) -> Iterator[None]:
    """A case that fails is reported with the reason, and the others still run."""
    try:
        yield
    except Exception as error:  # noqa: BLE001 - any failure voids only these cases
        traceback.print_exc()
        why = f"{type(error).__name__}: {error}"
        report["errors"] += [
            Failure(case=case, dataset=dataset, database=database, error=why) for case in cases
        ]


def run(database: str, dataset: str, only: Sequence[str], *, throwaway: bool) -> ChildReport:
    django.setup()
    # Cases import models, which needs Django set up first.
    from bench.cases import CASES, Case, ContentionCase, HttpCase, RaceCase, WorkerCase
    from bench.measure import (
        ITERATIONS,
        WARMUPS,
        measure,
        measure_contention,
        measure_http,
        measure_race,
    )
    from bench.outbox_cases import measure_workers
    from bench.server import gunicorn
    from rehabdesk.core.serving import ready_to_serve

    unknown = sorted(set(only) - {case.name for case in CASES})
    if unknown:
        raise SystemExit(f"unknown case(s): {', '.join(unknown)}")
    cases = [c for c in CASES if c.dataset == dataset and (not only or c.name in only)]
    writers = [
        c
        for c in cases
        if isinstance(c, (ContentionCase, RaceCase, WorkerCase))
        or (isinstance(c, Case) and c.throwaway)
    ]
    report = ChildReport(results=[], notes=[], throwaway_cases=[], errors=[])
    log = VAR_DIR / f"gunicorn-{database}-{dataset}.log"

    def measured(name: str, how: str = "") -> None:
        print(f"[{database}] measured {name} on {dataset}{how}")

    if throwaway:
        # In-process writers first, then the booking clients over HTTP.
        if any(isinstance(w, (Case, RaceCase)) for w in writers):
            ready_to_serve()
        for writer in writers:
            with _recorded(report, database, dataset, [writer.name]):
                if isinstance(writer, Case):
                    report["results"] += measure(
                        writer,
                        database=database,
                        iterations=writer.iterations or ITERATIONS,
                        warmups=writer.warmups if writer.warmups is not None else WARMUPS,
                    )
                elif isinstance(writer, RaceCase):
                    latency, notes = measure_race(writer, database=database)
                    report["results"].append(latency)
                    report["notes"] += notes
                elif isinstance(writer, WorkerCase):
                    throughput, notes = measure_workers(writer, database=database)
                    report["results"].append(throughput)
                    report["notes"] += notes
                else:
                    with gunicorn(log=log) as port:
                        result, notes = measure_contention(writer, database=database, port=port)
                    report["results"].append(result)
                    report["notes"] += notes
                measured(writer.name, " (a throw-away copy)")
        return report
    if not cases:
        return report
    log.unlink(missing_ok=True)  # this run's server output only (the copy's run appends)
    started = time.monotonic()
    built = prepare(dataset, today=timezone.localdate())
    # DEBUG is off, so {% static %} needs the manifest collectstatic writes.
    call_command("collectstatic", interactive=False, verbosity=0)
    # As the WSGI module does: the cases then pay for the garbage they make, not for a
    # collector walking everything start-up (and building the dataset) left.
    ready_to_serve()
    how = "built" if built else "reused"
    print(f"[{database}] dataset {dataset} {how} in {time.monotonic() - started:.1f} s")
    results: list[Result] = []
    for case in cases:
        if isinstance(case, Case) and not case.throwaway:
            with _recorded(report, database, dataset, [case.name]):
                results += measure(
                    case,
                    database=database,
                    iterations=case.iterations or ITERATIONS,
                    warmups=case.warmups if case.warmups is not None else WARMUPS,
                )
                measured(case.name)
    over_http = [c for c in cases if isinstance(c, HttpCase)]
    if over_http:
        # A server that does not start voids every case measured through it.
        unmeasured = [http_case.name for http_case in over_http]
        with _recorded(report, database, dataset, unmeasured), gunicorn(log=log) as port:
            for http_case in over_http:
                unmeasured.remove(http_case.name)
                with _recorded(report, database, dataset, [http_case.name]):
                    results.append(measure_http(http_case, database=database, port=port))
                    measured(http_case.name)
    report["results"] = results
    report["throwaway_cases"] = [case.name for case in writers]
    # The parent copies the dataset next, which PostgreSQL allows only with nobody on it.
    connections.close_all()
    return report


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_one")
    parser.add_argument("--database", choices=DATABASES, required=True)
    parser.add_argument("--dataset", choices=sorted(DATASETS), required=True)
    parser.add_argument("--case", action="append", default=[], help="only this case")
    parser.add_argument(
        "--throwaway", action="store_true", help="DATABASE_URL is a copy: run the writers"
    )
    args = parser.parse_args(argv)
    with contextlib.redirect_stdout(sys.stderr):
        report = run(args.database, args.dataset, args.case, throwaway=args.throwaway)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
