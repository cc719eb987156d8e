"""Outcome-measure scoring: pure Python, no Django (import-linter keeps it so).

docs/algorithms/outcome-measures.md is the spec: `score(code, responses)` and
`judge_change(code, baseline, follow_up)`.
"""

from rehabdesk.outcomes.scoring.instruments import INSTRUMENT_CHOICES, Instrument

__all__ = ["INSTRUMENT_CHOICES", "Instrument"]
