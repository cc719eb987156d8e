"""Outcome-measure scoring: pure Python, no Django (import-linter keeps it so).

docs/algorithms/outcome-measures.md is the spec. The entry points:
`score(code, answers) -> Scored`, `judge_change(code, *, baseline, follow_up) -> Change`,
and `SPECS` (each instrument's items, ranges, bands and thresholds with their sources).
"""

from rehabdesk.outcomes.scoring.change import judge_change, spec_for
from rehabdesk.outcomes.scoring.instruments import INSTRUMENT_CHOICES, Instrument
from rehabdesk.outcomes.scoring.scorer import score, score_spec
from rehabdesk.outcomes.scoring.specs import SPECS
from rehabdesk.outcomes.scoring.types import (
    Anchor,
    Answers,
    Band,
    Change,
    Context,
    ItemWording,
    NoScore,
    NoScoreCode,
    Scored,
    Spec,
    Verdict,
)

__all__ = [
    "INSTRUMENT_CHOICES",
    "SPECS",
    "Anchor",
    "Answers",
    "Band",
    "Change",
    "Context",
    "Instrument",
    "ItemWording",
    "NoScore",
    "NoScoreCode",
    "Scored",
    "Spec",
    "Verdict",
    "judge_change",
    "score",
    "score_spec",
    "spec_for",
]
