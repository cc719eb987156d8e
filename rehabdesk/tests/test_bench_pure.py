"""`make bench`: the cases that need no database (the guidance engine) are timed in the
parent, reported in the same table and JSON, and `--case` with only them starts no
database child."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import cast

import pytest

import bench.__main__ as bench_main
from bench import pure
from bench.pure import PureCase
from bench.report import LatencyResult


@pytest.fixture
def latest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(bench_main, "RESULTS_DIR", tmp_path)
    monkeypatch.setattr(bench_main, "LATEST", tmp_path / "latest.json")
    monkeypatch.setattr(bench_main, "REPO_DIR", tmp_path)

    def no_database(*args: object, **kwargs: object) -> object:
        raise AssertionError("a pure case must not start a database child")

    monkeypatch.setattr(bench_main, "run_dataset", no_database)
    monkeypatch.setattr(bench_main, "chosen_databases", no_database)
    return tmp_path / "latest.json"


def _case(samples: list[float]) -> PureCase:
    return PureCase("engine", "random-answers", 2.0, 1.0, lambda: samples)


def test_a_pure_case_alone_is_measured_without_any_database(
    latest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench_main, "PURE_CASES", [_case([0.1] * 19 + [3.0])])
    monkeypatch.setattr(bench_main, "PURE_CASE_NAMES", frozenset({"engine"}))

    assert bench_main.main(["--case", "engine"]) == 0

    results = json.loads(latest.read_text())["results"]
    assert [(r["name"], r["database"], r["target_p95_ms"]) for r in results] == [
        ("engine", "none", 2.0),
        ("engine-median", "none", 1.0),
    ]
    assert results[0]["median_ms"] == 0.1
    assert results[0]["p95_ms"] > 0.1


def test_a_pure_case_that_breaks_is_recorded_as_failed(latest: Path, monkeypatch) -> None:
    def broken() -> list[float]:
        raise LookupError("no rule set")

    monkeypatch.setattr(
        bench_main, "PURE_CASES", [PureCase("engine", "random-answers", 2.0, None, broken)]
    )
    monkeypatch.setattr(bench_main, "PURE_CASE_NAMES", frozenset({"engine"}))

    assert bench_main.main(["--case", "engine"]) == 1
    assert json.loads(latest.read_text())["failed"] == [
        {
            "case": "engine",
            "dataset": "random-answers",
            "database": "none",
            "error": "LookupError: no rule set",
        }
    ]


def test_the_guidance_case_times_one_evaluation_per_answer_set(monkeypatch) -> None:
    monkeypatch.setattr(pure, "GUIDANCE_ANSWER_SETS", 50)
    samples = pure.guidance_evaluate_samples()
    assert len(samples) == 50
    assert all(sample > 0 for sample in samples)
    assert "guidance-evaluate" in pure.PURE_CASE_NAMES


def test_the_scoring_case_times_one_score_per_answer_set_in_batches(monkeypatch) -> None:
    monkeypatch.setattr(pure, "SCORE_ANSWER_SETS", 50)
    monkeypatch.setattr(pure, "SCORE_BATCH", 20)
    monkeypatch.setattr(pure, "SCORE_WARMUPS", 5)
    samples = pure.score_samples()
    assert len(samples) == 50
    assert all(sample > 0 for sample in samples)
    [case] = [case for case in pure.PURE_CASES if case.name == "score-100k"]
    assert (case.target_median_ms, case.digits) == (0.05, 4)
    measured = pure.measure_pure(PureCase("s", "r", 0.1, 0.05, lambda: samples, 4))
    result = cast(LatencyResult, measured[0])
    assert result["median_ms"] == round(statistics.median(samples), 4)
