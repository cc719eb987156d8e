"""Cases that need no database: pure-Python engines, timed in the parent process.

`guidance-evaluate`: the whole guidance rule set (the latest version) evaluated on
10,000 random, valid, complete answer sets (`rehabdesk.guidance.rules.sampling`, seeded,
so every run times the same sets), each evaluation timed on its own: median and p95 per
evaluation. The answer sets are drawn before timing, then frozen out of the collector's
reach (gc.freeze, as the server does after start-up), so the evaluations pay for the
garbage they make, not for the collector walking 10,000 stored answer sets. Reported
with dataset "random-answers" and database "none" in the latency table and latest.json.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.report import MEDIAN_SUFFIX, LatencyResult, Result, median_of, p95_of

NO_DATABASE = "none"
RANDOM_ANSWERS = "random-answers"
GUIDANCE_ANSWER_SETS = 10_000
GUIDANCE_SEED = 21
GUIDANCE_WARMUPS = 200
# Issue 21's budget: median ≤ 1 ms per evaluation; the p95 budget is this bench's own.
GUIDANCE_TARGET_MEDIAN_MS = 1.0
GUIDANCE_TARGET_P95_MS = 2.0


@dataclass(frozen=True)
class PureCase:
    name: str
    dataset: str
    target_p95_ms: float
    target_median_ms: float | None
    # Sets up (untimed), then returns one timing in milliseconds per operation.
    samples: Callable[[], list[float]]


def guidance_evaluate_samples() -> list[float]:
    from rehabdesk.guidance.rules import evaluate, load_ruleset
    from rehabdesk.guidance.rules.sampling import random_answers

    ruleset = load_ruleset()
    rng = random.Random(GUIDANCE_SEED)  # noqa: S311 - repeatable load, not secrets
    answer_sets = [random_answers(ruleset, rng) for _ in range(GUIDANCE_ANSWER_SETS)]
    for answers in answer_sets[:GUIDANCE_WARMUPS]:
        evaluate(ruleset, answers)
    gc.collect()
    gc.freeze()
    samples: list[float] = []
    try:
        for answers in answer_sets:
            started = time.perf_counter_ns()
            evaluate(ruleset, answers)
            samples.append((time.perf_counter_ns() - started) / 1_000_000)
    finally:
        gc.unfreeze()
    return samples


# Names are what `--case` takes and what latest.json is keyed by: keep them stable.
PURE_CASES = [
    PureCase(
        "guidance-evaluate",
        RANDOM_ANSWERS,
        GUIDANCE_TARGET_P95_MS,
        GUIDANCE_TARGET_MEDIAN_MS,
        guidance_evaluate_samples,
    ),
]
PURE_CASE_NAMES = frozenset(case.name for case in PURE_CASES)


def measure_pure(case: PureCase) -> list[Result]:
    samples = case.samples()
    result = LatencyResult(
        name=case.name,
        dataset=case.dataset,
        database=NO_DATABASE,
        clients=1,
        median_ms=median_of(samples),
        p95_ms=p95_of(samples),
        target_p95_ms=round(case.target_p95_ms, 2),
        queries=0,
    )
    results: list[Result] = [result]
    if case.target_median_ms is not None:
        results.append(
            result | {"name": case.name + MEDIAN_SUFFIX, "target_p95_ms": case.target_median_ms}
        )
    return results
