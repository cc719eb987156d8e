"""Timing the cases: in-process (warm up, count queries once, time many calls), over HTTP
with concurrent clients, and booking throughput on a throw-away copy."""

from __future__ import annotations

import gc
import json
import random
import time
from collections import Counter
from datetime import datetime, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.billing_cases import run_race
from bench.cases import Case, CaseError, ContentionCase, HttpCase, RaceCase
from bench.loadgen import Answer, in_parallel, request, sign_in
from bench.report import (
    MEDIAN_SUFFIX,
    LatencyResult,
    Result,
    ThroughputResult,
    median_of,
    p95_of,
)
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import OVERLAPPING_APPOINTMENTS, OVERLAPPING_RESOURCES

WARMUPS = 20
ITERATIONS = 200
CLIENTS = 1  # one caller at a time in-process
# Over HTTP: each client's first requests warm a worker: its database session, the
# configuration it keeps, PostgreSQL's plans and catalog caches. With 5 each, the first
# quarter of the ten-location search's timed requests had a p95 of 156 ms against 76 ms
# for the rest; as many warm-ups as in-process leaves only the steady state.
HTTP_WARMUPS_PER_CLIENT = WARMUPS
HTTP_REQUESTS_PER_CLIENT = 50


def measure(
    case: Case, *, database: str, iterations: int = ITERATIONS, warmups: int = WARMUPS
) -> list[Result]:
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
    result = LatencyResult(
        name=case.name,
        dataset=case.dataset,
        database=database,
        clients=CLIENTS,
        median_ms=median_of(samples),
        p95_ms=p95_of(samples),
        target_p95_ms=round(case.target_p95_ms, 2),
        queries=queries,
    )
    results: list[Result] = [result]
    if case.target_median_ms is not None:
        results.append(
            result | {"name": case.name + MEDIAN_SUFFIX, "target_p95_ms": case.target_median_ms}
        )
    return results


def measure_http(case: HttpCase, *, database: str, port: int) -> LatencyResult:
    """`case.clients` clients each send the same GET, one after another, all at once."""
    search = case.prepare()
    # Queries per request, counted in-process: the server's own are not visible here.
    client = Client()
    client.get(search.path)
    with CaptureQueriesContext(connection) as captured:
        client.get(search.path)
    queries = len(captured.captured_queries)

    samples: list[list[float]] = [[] for _ in range(case.clients)]

    def run(index: int) -> None:
        for turn in range(HTTP_WARMUPS_PER_CLIENT + HTTP_REQUESTS_PER_CLIENT):
            answer = request(port, "GET", search.path)
            if answer.status == 0:
                raise CaseError(f"GET {search.path}: no answer ({answer.error})")
            search.check(answer.status, answer.body)
            if turn >= HTTP_WARMUPS_PER_CLIENT:
                samples[index].append(answer.elapsed_ms)

    in_parallel(case.clients, run)
    every = [sample for client_samples in samples for sample in client_samples]
    return LatencyResult(
        name=case.name,
        dataset=case.dataset,
        database=database,
        clients=case.clients,
        median_ms=median_of(every),
        p95_ms=p95_of(every),
        target_p95_ms=round(case.target_p95_ms, 2),
        queries=queries,
    )


def measure_race(case: RaceCase, *, database: str) -> tuple[LatencyResult, list[str]]:
    """`case.clients` threads make their call at the same moment; each call timed, then
    what they did together checked (a wrong outcome voids the case)."""
    race = case.prepare()
    samples, results = run_race(race, case.clients)
    notes = [f"{case.name} {case.dataset} {database}: {line}" for line in race.check(results)]
    result = LatencyResult(
        name=case.name,
        dataset=case.dataset,
        database=database,
        clients=case.clients,
        median_ms=median_of(samples),
        p95_ms=p95_of(samples),
        target_p95_ms=round(case.target_p95_ms, 2),
        queries=0,
    )
    return result, notes


def measure_contention(
    case: ContentionCase, *, database: str, port: int
) -> tuple[ThroughputResult, list[str]]:
    """`case.clients` clients book as fast as they can for `case.seconds`; then the
    database is searched for overlapping bookings. Returns the record and the lines
    that say how the attempts ended."""
    plan = case.prepare()
    # One front-desk session for every client: signing in 50 times would mostly time
    # password hashing, which is not what this case is about.
    session = sign_in(port, plan.email, plan.password, totp_key=plan.totp_key)
    began = timezone.now()
    answers: list[list[Answer]] = [[] for _ in range(case.clients)]
    started = time.monotonic()
    deadline = started + case.seconds

    def run(index: int) -> None:
        rng = random.Random(index)  # noqa: S311 - seeded sample data
        while time.monotonic() < deadline:
            answers[index].append(session.post_json("/api/appointments", plan.body(rng)))

    in_parallel(case.clients, run)
    elapsed = time.monotonic() - started
    every = [answer for client_answers in answers for answer in client_answers]
    statuses = Counter(answer.status for answer in every)
    codes = Counter(_code(answer) for answer in every if 400 <= answer.status < 500)
    booked = Appointment.objects.filter(
        created_at__gte=began,
        location_id=plan.location_id,
        status=AppointmentStatus.BOOKED,
    ).count()
    appointments, resources = _overlaps(plan.window_start, plan.window_end)
    wins, losses = statuses[201], statuses[409]
    other_4xx = sum(n for status, n in statuses.items() if 400 <= status < 500) - losses
    errors_5xx = sum(n for status, n in statuses.items() if status >= 500)
    no_answer = statuses[0]
    latencies = [answer.elapsed_ms for answer in every]
    where = f"{case.name} {case.dataset} {database}"
    notes = [
        f"{where}: {len(every)} attempts in {elapsed:.1f} s ({plan.window}): "
        f"{wins} won (201), {losses} lost (409), {other_4xx} other 4xx, "
        f"{errors_5xx} 5xx, {no_answer} unanswered",
        f"{where}: answers by code: " + ", ".join(f"{code} {n}" for code, n in codes.most_common()),
        f"{where}: per attempt median {median_of(latencies):.0f} ms, "
        f"p95 {p95_of(latencies):.0f} ms, max {max(latencies):.0f} ms; "
        f"overlapping pairs: {appointments} appointments, {resources} room holds",
    ]
    if booked != wins:
        notes.append(f"{where}: {wins} bookings answered 201 but {booked} were saved")
    if no_answer:
        errors = Counter(answer.error for answer in every if answer.status == 0)
        notes.append(f"{where}: unanswered: {dict(errors)}")
    result = ThroughputResult(
        name=case.name,
        dataset=case.dataset,
        database=database,
        clients=case.clients,
        attempts_per_s=round(len(every) / elapsed, 1),
        target_attempts_per_s=case.target_attempts_per_s,
        overlaps=appointments + resources,
        # An attempt the server never answered counts as a server error.
        errors_5xx=errors_5xx + no_answer,
    )
    return result, notes


def _code(answer: Answer) -> str:
    """The API's error code, or the status when the body has none."""
    try:
        body = json.loads(answer.body)
    except ValueError:
        return str(answer.status)
    code = body.get("code") if isinstance(body, dict) else None
    return f"{answer.status} {code}" if code else str(answer.status)


def _overlaps(start: datetime, end: datetime) -> tuple[int, int]:
    """Overlapping pairs of active appointments of one practitioner, and of active holds
    of one room (rehabdesk.scheduling.testing's self-joins), among those starting within
    a day of the window the run booked in: nothing lasts longer than a day, so any
    overlap with a booking of the run is among them."""
    window = " AND a.start > %s AND a.start < %s AND b.start > %s AND b.start < %s"
    since = connection.ops.adapt_datetimefield_value(start - timedelta(days=1))
    until = connection.ops.adapt_datetimefield_value(end + timedelta(days=1))
    counts = []
    with connection.cursor() as cursor:
        for query in (OVERLAPPING_APPOINTMENTS, OVERLAPPING_RESOURCES):
            cursor.execute(query + window, [since, until, since, until])
            counts.append(int(cursor.fetchone()[0]))
    return counts[0], counts[1]
