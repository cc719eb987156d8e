"""Cases that need no database: pure-Python engines, timed in the parent process.

`guidance-evaluate`: the whole guidance rule set (the latest version) evaluated on
10,000 random, valid, complete answer sets (`rehabdesk.guidance.rules.sampling`, seeded,
so every run times the same sets), each evaluation timed on its own: median and p95 per
evaluation. The answer sets are drawn before timing, then frozen out of the collector's
reach (gc.freeze, as the server does after start-up), so the evaluations pay for the
garbage they make, not for the collector walking 10,000 stored answer sets. Reported
with dataset "random-answers" and database "none" in the latency table and latest.json.

`score-100k`: outcome-measure scoring (`rehabdesk.outcomes.scoring.score`) on 100,000
random valid answer sets (`rehabdesk.outcomes.scoring.sampling`, seeded) across the seven
instruments, each score timed on its own: median and p95 per score, in milliseconds to
four places (the budget is 50 µs). The sets are drawn, untimed, 10,000 at a time, so
the case never holds 100,000 of them; each batch is frozen out of the collector's reach
like the guidance case's.
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
SCORE_ANSWER_SETS = 100_000
SCORE_BATCH = 10_000
SCORE_SEED = 24
SCORE_WARMUPS = 1_000
# Issue 24's budget: median ≤ 50 µs per score; the p95 budget is this bench's own.
SCORE_TARGET_MEDIAN_MS = 0.05
SCORE_TARGET_P95_MS = 0.1


@dataclass(frozen=True)
class PureCase:
    name: str
    dataset: str
    target_p95_ms: float
    target_median_ms: float | None
    # Sets up (untimed), then returns one timing in milliseconds per operation.
    samples: Callable[[], list[float]]
    # Places of a millisecond kept in the results: 4 for operations of microseconds.
    digits: int = 2


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


def score_samples() -> list[float]:
    from rehabdesk.outcomes.scoring import Instrument, score
    from rehabdesk.outcomes.scoring.sampling import random_answers

    rng = random.Random(SCORE_SEED)  # noqa: S311 - repeatable load, not secrets
    instruments = [instrument.value for instrument in Instrument]

    def batch(size: int) -> list[tuple[str, dict[str, int | None]]]:
        return [(code, random_answers(code, rng)) for code in rng.choices(instruments, k=size)]

    for code, answers in batch(SCORE_WARMUPS):
        score(code, answers)
    samples: list[float] = []
    while len(samples) < SCORE_ANSWER_SETS:
        answer_sets = batch(min(SCORE_BATCH, SCORE_ANSWER_SETS - len(samples)))
        gc.collect()
        gc.freeze()
        try:
            for code, answers in answer_sets:
                started = time.perf_counter_ns()
                score(code, answers)
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
    PureCase(
        "score-100k",
        RANDOM_ANSWERS,
        SCORE_TARGET_P95_MS,
        SCORE_TARGET_MEDIAN_MS,
        score_samples,
        digits=4,
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
        median_ms=median_of(samples, case.digits),
        p95_ms=p95_of(samples, case.digits),
        target_p95_ms=round(case.target_p95_ms, 2),
        queries=0,
    )
    results: list[Result] = [result]
    if case.target_median_ms is not None:
        results.append(
            result | {"name": case.name + MEDIAN_SUFFIX, "target_p95_ms": case.target_median_ms}
        )
    return results
