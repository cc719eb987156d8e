"""Timing one case: warm up, count its queries once, then time many iterations."""

from __future__ import annotations

import gc
import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.cases import Case
from bench.report import Result

WARMUPS = 20
ITERATIONS = 200
CLIENTS = 1  # one caller at a time; concurrent clients are a later issue's cases


def measure(
    case: Case, *, database: str, iterations: int = ITERATIONS, warmups: int = WARMUPS
) -> Result:
    operation = case.prepare()
    # Warm-ups fill caches (templates, URL resolver, connection) a live server has warm.
    for _ in range(warmups):
        operation()
    # Counted apart from the timed runs: capturing queries slows each one down.
    with CaptureQueriesContext(connection) as captured:
        operation()
    # Read now: the next request's request_started signal empties the query log.
    queries = len(captured.captured_queries)
    gc.collect()
    samples: list[float] = []
    for _ in range(iterations):
        started = time.perf_counter_ns()
        operation()
        samples.append((time.perf_counter_ns() - started) / 1_000_000)
    return Result(
        name=case.name,
        dataset=case.dataset,
        database=database,
        clients=CLIENTS,
        median_ms=round(statistics.median(samples), 2),
        # The last of 19 cut points into 20 equal groups is the 95th percentile.
        p95_ms=round(statistics.quantiles(samples, n=20, method="inclusive")[-1], 2),
        target_p95_ms=round(case.target_p95_ms, 2),
        queries=queries,
    )
