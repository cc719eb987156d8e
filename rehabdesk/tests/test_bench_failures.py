"""`make bench`: one case that breaks is recorded as failed beside every other result,
latest.json is still written, and the exit status says something failed."""

from __future__ import annotations

import json
from datetime import date, timedelta
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
    monkeypatch.setattr(bench_main, "PURE_CASES", [])  # test_bench_pure.py has those
    return tmp_path / "latest.json"


def test_a_failed_case_and_a_failed_dataset_keep_the_other_results(
    latest: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = list(bench_main.DATASETS)[:2]

    def run_dataset(database: str, dataset: str, cases: object) -> ChildReport:
        if dataset == second:
            raise bench_main.BenchError(f"{database}/{dataset}: child exited 1")
        report = ChildReport(results=[], notes=[], throwaway_cases=[], errors=[])
        if dataset != first:  # the other datasets measure nothing here
            return report
        report["results"].append(_result("home-page", dataset))
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


def test_the_race_is_on_the_first_two_weekdays_that_have_free_times() -> None:
    from bench.cases import race_days

    saturday = date(2026, 12, 5)  # the day the old fixed window (the 8th and 9th) was full
    free = {date(2026, 12, 8): 0, date(2026, 12, 9): 3, date(2026, 12, 10): 5}
    found = race_days(free, earliest=saturday, last=saturday + timedelta(days=28), minimum=8)
    assert found == date(2026, 12, 9)
    # A Friday and the weekend after it are not two weekdays in a row.
    friday = date(2026, 12, 11)
    weekend = {friday: 20, date(2026, 12, 12): 20, date(2026, 12, 13): 20}
    assert race_days(weekend, earliest=friday, last=date(2027, 1, 2), minimum=8) is None
    assert race_days(free, earliest=saturday, last=date(2026, 12, 10), minimum=8) is None
