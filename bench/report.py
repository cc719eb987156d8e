"""Result records and the printed tables. Free of Django: the parent process uses it."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import TypedDict, final

# A latency record with this suffix holds the median target of the case it is named
# after, in target_p95_ms, and is judged on median_ms (see bench/README.md).
MEDIAN_SUFFIX = "-median"


@final  # final: `"attempts_per_s" in result` tells the two shapes apart
class LatencyResult(TypedDict):
    """One case's timings on one dataset and database (in latest.json)."""

    name: str
    dataset: str
    database: str
    clients: int
    median_ms: float
    p95_ms: float
    target_p95_ms: float
    # SQL queries per request, counted in-process (also for the HTTP cases).
    queries: int | None


@final
class ThroughputResult(TypedDict):
    """One throughput case on one dataset and database (in latest.json)."""

    name: str
    dataset: str
    database: str
    clients: int
    attempts_per_s: float
    target_attempts_per_s: float
    overlaps: int
    errors_5xx: int


Result = LatencyResult | ThroughputResult


class Failure(TypedDict):
    """A case that could not be measured, and why (in latest.json). `case` is None when
    nothing on that database and dataset could run (the dataset, the server, the child)."""

    case: str | None
    dataset: str
    database: str
    error: str


class ChildReport(TypedDict):
    """What a child prints on stdout."""

    results: list[Result]
    # Lines for under the table, e.g. how a throughput case's attempts ended.
    notes: list[str]
    # Cases of this dataset that must run on a throw-away copy: the parent makes the
    # copy and runs a second child on it.
    throwaway_cases: list[str]
    # Cases that could not be measured, and why (their timings would be void).
    errors: list[Failure]


def median_of(samples: Sequence[float], digits: int = 2) -> float:
    return round(statistics.median(samples), digits)


def p95_of(samples: Sequence[float], digits: int = 2) -> float:
    # The last of 19 cut points into 20 equal groups is the 95th percentile.
    return round(statistics.quantiles(samples, n=20, method="inclusive")[-1], digits)


def is_over(result: Result) -> bool:
    if "attempts_per_s" in result:
        return (
            result["attempts_per_s"] < result["target_attempts_per_s"]
            or result["overlaps"] > 0
            or result["errors_5xx"] > 0
        )
    measured = result["median_ms"] if result["name"].endswith(MEDIAN_SUFFIX) else result["p95_ms"]
    return measured > result["target_p95_ms"]


def _ok(result: Result) -> str:
    return "over" if is_over(result) else "ok"


LATENCY_HEADERS = (
    "name",
    "dataset",
    "database",
    "clients",
    "median ms",
    "p95 ms",
    "target ms",
    "queries",
    "ok/over",
)
THROUGHPUT_HEADERS = (
    "name",
    "dataset",
    "database",
    "clients",
    "attempts/s",
    "target/s",
    "overlaps",
    "5xx",
    "ok/over",
)


def format_table(results: Sequence[Result]) -> str:
    """A latency table, then a throughput table (each only when it has rows)."""
    latency: list[tuple[str, ...]] = []
    throughput: list[tuple[str, ...]] = []
    for result in results:
        if "attempts_per_s" in result:
            throughput.append(
                (
                    result["name"],
                    result["dataset"],
                    result["database"],
                    str(result["clients"]),
                    f"{result['attempts_per_s']:.1f}",
                    f"≥ {result['target_attempts_per_s']:g}",
                    str(result["overlaps"]),
                    str(result["errors_5xx"]),
                    _ok(result),
                )
            )
        else:
            median_target = result["name"].endswith(MEDIAN_SUFFIX)
            latency.append(
                (
                    result["name"],
                    result["dataset"],
                    result["database"],
                    str(result["clients"]),
                    _ms(result["median_ms"]),
                    _ms(result["p95_ms"]),
                    f"{'median' if median_target else 'p95'} ≤ {result['target_p95_ms']:g}",
                    "-" if result["queries"] is None else str(result["queries"]),
                    _ok(result),
                )
            )
    tables = []
    if latency:
        tables.append(_table(LATENCY_HEADERS, latency))
    if throughput:
        tables.append(_table(THROUGHPUT_HEADERS, throughput))
    return "\n\n".join(tables)


def _ms(value: float) -> str:
    """Two places, or four below a tenth of a millisecond (scoring takes microseconds)."""
    return f"{value:.2f}" if value >= 0.1 or value == 0 else f"{value:.4f}"


def format_failures(failures: Sequence[Failure]) -> str:
    return "\n".join(
        f"failed: {failure['case'] or 'every case'} on {failure['dataset']}, "
        f"{failure['database']}: {failure['error']}"
        for failure in failures
    )


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    # Text columns read left to right; numbers (clients to the last) line up on the right.
    numeric = set(range(3, len(headers) - 1))

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])
