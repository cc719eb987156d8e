"""The authorization matrix harness.

docs/authorization-matrix.csv holds, for every route and method, what each persona must
get. The test (rehabdesk/web/tests/test_authorization_matrix.py) walks the URL
configuration, fails for any route without a row, and makes every request as every
persona. A new route therefore cannot ship without its row.

A row's `route` is a URL name (`patient-detail`, `admin:clinic_service_change`) or,
for unnamed patterns, the pattern itself; `*` matches anything, and the most specific
matching row wins. Outcomes: `ok` (200), `signin` (redirect to our sign-in page),
`admin-login` (redirect to the admin's), `redirect` (any other redirect), or a status
code such as `403`, `404`, `405`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from django.http import HttpResponseBase
from django.urls import URLPattern, URLResolver, get_resolver

MATRIX = Path(__file__).resolve().parents[2] / "docs" / "authorization-matrix.csv"
METHODS = ("GET", "POST")


@dataclass(frozen=True)
class Route:
    key: str  # the URL name, or the pattern when it has none
    pattern: str  # the full pattern, e.g. "staff/patients/<int:patient_id>/"


@dataclass(frozen=True)
class Row:
    route: str
    method: str
    target: str
    expected: dict[str, str]

    @property
    def specificity(self) -> tuple[int, int]:
        return (-self.route.count("*"), len(self.route))


def all_routes() -> list[Route]:
    def walk(patterns: Iterable[Any], prefix: str, namespace: str) -> Iterator[Route]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                full = prefix + str(pattern.pattern)
                yield Route(f"{namespace}{pattern.name}" if pattern.name else full, full)

    return list(walk(get_resolver().url_patterns, "", ""))


def load_rows(path: Path = MATRIX) -> list[Row]:
    with path.open(newline="") as matrix:
        reader = csv.DictReader(line for line in matrix if not line.startswith("#"))
        return [
            Row(
                route=record.pop("route"),
                method=record.pop("method"),
                target=record.pop("target"),
                expected=dict(record),
            )
            for record in reader
        ]


def rows_for(route: Route, rows: Iterable[Row]) -> dict[str, Row]:
    """For each method, the most specific row that matches the route."""
    chosen: dict[str, Row] = {}
    for row in rows:
        if not fnmatchcase(route.key, row.route):
            continue
        current = chosen.get(row.method)
        if current is None or row.specificity > current.specificity:
            chosen[row.method] = row
    return chosen


def missing_rows(routes: Iterable[Route], rows: list[Row]) -> list[str]:
    """Routes that no row covers: each one is a route shipped without a decision."""
    return [route.key for route in routes if not rows_for(route, rows)]


def outcome_of(response: HttpResponseBase) -> str:
    if response.status_code == 200:
        return "ok"
    if response.status_code in (301, 302):
        location = response.get("Location", "")
        if location.startswith("/sign-in/"):
            return "signin"
        if location.startswith("/admin/login/"):
            return "admin-login"
        return "redirect"
    return str(response.status_code)


def build_path(route: Route, kwargs: dict[str, str]) -> str:
    """The URL of a route with its parameters filled in from `kwargs`; handles both
    path converters (<int:patient_id>) and regular-expression groups ((?P<url>.*))."""

    def fill(match: re.Match[str]) -> str:
        return str(kwargs[match.group("name")])

    # Regular-expression groups first: their "<name>" would look like a converter.
    path = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", fill, route.pattern)
    path = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", fill, path)
    return "/" + path.replace("^", "").replace("$", "")
