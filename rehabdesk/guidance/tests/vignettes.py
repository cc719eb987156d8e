"""The vignettes table (vignettes.toml) and its baseline, for the tests that read them."""

import tomllib
from pathlib import Path
from typing import Any

VIGNETTES_FILE = Path(__file__).with_name("vignettes.toml")
_DATA = tomllib.loads(VIGNETTES_FILE.read_text())
# Every safety and health question answered "no", no acupuncture.
BASELINE: dict[str, Any] = _DATA["baseline"]
VIGNETTES: list[dict[str, Any]] = _DATA["vignette"]


def answers_of(vignette: dict[str, Any]) -> dict[str, Any]:
    return {**BASELINE, **vignette["answers"]}
