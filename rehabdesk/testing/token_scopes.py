"""docs/api-token-scopes.csv, read: the scope an API token needs for each operation."""

from __future__ import annotations

import csv
import re
from pathlib import Path

SCOPES = Path(__file__).resolve().parents[2] / "docs" / "api-token-scopes.csv"


def load_scopes(path: Path = SCOPES) -> dict[tuple[str, str], str]:
    """(method, OpenAPI path) -> scope."""
    with path.open(newline="") as table:
        reader = csv.DictReader(line for line in table if not line.startswith("#"))
        return {(row["method"], row["path"]): row["scope"] for row in reader}


def openapi_path(pattern: str) -> str:
    """A URL pattern ("api/appointments/<int:appointment_id>") as the OpenAPI document
    and the table write it ("/api/appointments/{appointment_id}")."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)
