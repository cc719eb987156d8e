"""`judge_change(code, baseline=, follow_up=)`: did the patient change beyond chance?

The rule (docs/algorithms/outcome-measures.md, "Judging change"): the change is read in
the instrument's own direction (improvement is + whatever the scale), compared with the
MDC and the MCID as two separate flags, and, for the ODI and NPRS, with 30 % of the
baseline. "Improved" needs an improvement reaching the MCID or the 30 % rule; "worsened"
a worsening reaching the MCID; anything else is "no clear change". Reaching a threshold
counts: a change equal to the MCID is a clinically important one.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from rehabdesk.outcomes.scoring.instruments import Instrument
from rehabdesk.outcomes.scoring.specs import SPECS
from rehabdesk.outcomes.scoring.types import Change, Spec, Verdict

HUNDREDTH = Decimal("0.01")


def spec_for(code: str) -> Spec:
    """The instrument's Spec; ValueError for an unknown code."""
    try:
        return SPECS[Instrument(code)]
    except ValueError:
        raise ValueError(f"Unknown outcome measure: {code!r}") from None


def judge_change(code: str, *, baseline: Decimal, follow_up: Decimal) -> Change:
    """Compare two scores of one instrument; ValueError for an unknown code or a score
    outside the instrument's range (the scores come from `score`, so that is a bug)."""
    spec = spec_for(code)
    for value in (baseline, follow_up):
        if not spec.score_min <= value <= spec.score_max:
            raise ValueError(f"{spec.instrument}: {value} is outside the scale")
    difference = follow_up - baseline
    improvement = difference if spec.higher_is_better else -difference
    # A ratio needs a scale that starts at 0 (not the GROC's -7..+7) and a baseline
    # above it: nothing improves by a percentage of nothing.
    percent = None
    if spec.score_min == 0 and baseline != 0:
        percent = (improvement * 100 / baseline).quantize(HUNDREDTH, ROUND_HALF_UP)
    size = abs(difference)
    exceeds_mdc = None if spec.mdc is None else size >= spec.mdc
    exceeds_mcid = None if spec.mcid is None else size >= spec.mcid
    thirty_percent = None
    if spec.mcid_percent is not None and baseline != 0:
        # Exact, not the rounded percentage: 30 % of 7 is 2.1, not "about 2".
        thirty_percent = improvement * 100 >= spec.mcid_percent * baseline
    return Change(
        instrument=spec.instrument,
        baseline=baseline,
        follow_up=follow_up,
        difference=difference,
        improvement=improvement,
        percent_improvement=percent,
        exceeds_mdc=exceeds_mdc,
        exceeds_mcid=exceeds_mcid,
        thirty_percent=thirty_percent,
        verdict=_verdict(improvement, exceeds_mcid, thirty_percent),
    )


def _verdict(
    improvement: Decimal, exceeds_mcid: bool | None, thirty_percent: bool | None
) -> Verdict:
    if improvement > 0 and (exceeds_mcid or thirty_percent):
        return Verdict.IMPROVED
    if improvement < 0 and exceeds_mcid:
        return Verdict.WORSENED
    return Verdict.NO_CLEAR_CHANGE
