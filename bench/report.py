"""Result records and the printed table. Free of Django: the parent process uses it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict


class Result(TypedDict):
    """One case on one dataset and database; the shape of bench/results/latest.json."""

    name: str
    dataset: str
    database: str
    clients: int
    median_ms: float
    p95_ms: float
    target_p95_ms: float
    queries: int


HEADERS = (
    "name",
    "dataset",
    "database",
    "clients",
    "median ms",
    "p95 ms",
    "target p95 ms",
    "queries",
    "ok/over",
)


def is_over(result: Result) -> bool:
    return result["p95_ms"] > result["target_p95_ms"]


def format_table(results: Sequence[Result]) -> str:
    rows = [
        (
            result["name"],
            result["dataset"],
            result["database"],
            str(result["clients"]),
            f"{result['median_ms']:.2f}",
            f"{result['p95_ms']:.2f}",
            f"{result['target_p95_ms']:.2f}",
            str(result["queries"]),
            "over" if is_over(result) else "ok",
        )
        for result in results
    ]
    widths = [max(len(row[i]) for row in [HEADERS, *rows]) for i in range(len(HEADERS))]
    # Text columns read left to right; numbers line up on the right.
    numeric = {3, 4, 5, 6, 7}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(HEADERS), rule, *(line(row) for row in rows)])
