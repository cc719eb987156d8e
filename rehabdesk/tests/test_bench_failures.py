"""`make bench`: one case that breaks is recorded as failed beside every other result,
latest.json is still written, and the exit status says something failed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bench.__main__ as bench_main
from bench import run_one
from bench.report import ChildReport, LatencyResult


def _result(name: str, dataset: str) -> LatencyResult:
    return LatencyResult(
        name=name,
        dataset=dataset,
        database="sqlite",
        clients=1,
        median_ms=1.0,
        p95_ms=2.0,
        target_p95_ms=50.0,
        queries=3,
    )


@pytest.fixture
def latest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(bench_main, "RESULTS_DIR", tmp_path)
    monkeypatch.setattr(bench_main, "LATEST", tmp_path / "latest.json")
    monkeypatch.setattr(bench_main, "REPO_DIR", tmp_path)
    monkeypatch.setattr(bench_main, "chosen_databases", lambda wanted: ["sqlite"])
    return tmp_path / "latest.json"


def test_a_failed_case_and_a_failed_dataset_keep_the_other_results(
    latest: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = list(bench_main.DATASETS)[:2]

    def run_dataset(database: str, dataset: str, cases: object) -> ChildReport:
        if dataset == second:
            raise bench_main.BenchError(f"{database}/{dataset}: child exited 1")
        report = ChildReport(
            results=[_result("home-page", dataset)], notes=[], throwaway_cases=[], errors=[]
        )
        with run_one._recorded(report, database, dataset, ["booking-contention"]):
            raise LookupError("nothing free at Pickering")
        return report

    monkeypatch.setattr(bench_main, "run_dataset", run_dataset)

    assert bench_main.main([]) == 1

    written = json.loads(latest.read_text())
    assert [result["name"] for result in written["results"]] == ["home-page"]
    assert written["failed"] == [
        {
            "case": "booking-contention",
            "dataset": first,
            "database": "sqlite",
            "error": "LookupError: nothing free at Pickering",
        },
        {
            "case": None,
            "dataset": second,
            "database": "sqlite",
            "error": f"sqlite/{second}: child exited 1",
        },
    ]
    out = capsys.readouterr().out
    assert "home-page" in out
    assert f"failed: booking-contention on {first}, sqlite: LookupError" in out
    assert f"failed: every case on {second}, sqlite" in out


def test_a_run_without_failures_exits_zero(latest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def run_dataset(database: str, dataset: str, cases: object) -> ChildReport:
        return ChildReport(
            results=[_result("home-page", dataset)], notes=[], throwaway_cases=[], errors=[]
        )

    monkeypatch.setattr(bench_main, "run_dataset", run_dataset)

    assert bench_main.main([]) == 0
    written = json.loads(latest.read_text())
    assert written["failed"] == []
    assert len(written["results"]) == len(bench_main.DATASETS)
