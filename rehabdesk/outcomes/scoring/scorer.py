"""`score(code, answers)`: an answer set's score, band and reasons for no score.

Every formula is exact in integers until the end: the score is computed in hundredths,
rounded half up once, and only then made a Decimal (the bench scores 100,000 answer sets
at a median of a few microseconds each; Decimal arithmetic per item would cost several
times that). docs/algorithms/outcome-measures.md gives each instrument's formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rehabdesk.outcomes.scoring.instruments import Instrument
from rehabdesk.outcomes.scoring.specs import SPECS
from rehabdesk.outcomes.scoring.types import Answers, NoScore, NoScoreCode, Scored, Spec


@dataclass(frozen=True, slots=True)
class _Formula:
    """score = scale · (sum − offset · n) / n, in hundredths: each instrument's formula
    written as one shape (n: the items answered)."""

    scale: int  # hundredths per unit of the mean answer
    offset: int  # subtracted from each answer (QuickDASH's 1)


FORMULAS = {
    Instrument.NPRS: _Formula(100, 0),  # the rating
    Instrument.ODI: _Formula(2000, 0),  # 100 · sum / (5 · n) %
    Instrument.NDI: _Formula(1000, 0),  # 50 · sum / (5 · n): raw, prorated (Vernon's mean)
    Instrument.LEFS: _Formula(2000, 0),  # 80 · sum / (4 · n): raw, prorated
    Instrument.QUICKDASH: _Formula(2500, 1),  # (sum / n − 1) · 25
    Instrument.PSFS: _Formula(100, 0),  # the mean of the rated activities
    Instrument.GROC: _Formula(100, 0),  # the rating
}
# Instruments whose score stands for all their items when some are unanswered.
PRORATING = frozenset({Instrument.ODI, Instrument.NDI, Instrument.LEFS, Instrument.QUICKDASH})


@dataclass(frozen=True, slots=True)
class _Rule:
    spec: Spec
    formula: _Formula
    keys: frozenset[str]  # every key an answer set may hold
    band_uppers: tuple[tuple[int, str, str], ...]  # (upper in hundredths, code, label)
    prorates: bool
    missing_code: NoScoreCode


def _rule(spec: Spec) -> _Rule:
    return _Rule(
        spec=spec,
        formula=FORMULAS[spec.instrument],
        keys=frozenset(spec.all_items),
        band_uppers=tuple((int(band.upper * 100), band.code, band.label) for band in spec.bands),
        prorates=spec.instrument in PRORATING,
        missing_code=(
            NoScoreCode.NO_ACTIVITIES
            if spec.instrument is Instrument.PSFS
            else NoScoreCode.TOO_MANY_MISSING
        ),
    )


# By the code as a plain str: what callers pass (an Instrument is one too).
RULES: dict[str, _Rule] = {instrument.value: _rule(spec) for instrument, spec in SPECS.items()}


def score(code: str, answers: Answers) -> Scored:
    """Score one answer set of the instrument `code` (an Instrument value).

    Never raises for bad answers: a set that cannot be scored has score None and the
    reasons, item by item. Raises ValueError only for an unknown instrument code.
    """
    rule = RULES.get(code)
    if rule is None:
        raise ValueError(f"Unknown outcome measure: {code!r}")
    return _score(rule, answers)


def score_spec(spec: Spec, answers: Answers) -> Scored:
    """`score` under a Spec of one's own: another cap on missing items, say
    (dataclasses.replace(SPECS[...], max_missing=2, version=...)). Slower: the rule is
    compiled on every call."""
    return _score(_rule(spec), answers)


def _score(rule: _Rule, answers: Answers) -> Scored:
    spec = rule.spec
    reasons: list[NoScore] = []
    if not rule.keys.issuperset(answers):
        reasons.extend(
            NoScore(NoScoreCode.UNKNOWN_ITEM, str(key)) for key in answers if key not in rule.keys
        )
    total, answered, missing = _tally(spec.items, spec.low, spec.high, answers, reasons)
    modules: dict[str, Decimal | None] = {}
    for name, keys in spec.modules.items():
        module_total, module_answered, _ = _tally(keys, spec.low, spec.high, answers, reasons)
        complete = module_answered == len(keys)
        modules[name] = (
            _hundredths(rule.formula, module_total, module_answered) if complete else None
        )
    if len(missing) > spec.max_missing:
        if rule.missing_code is NoScoreCode.NO_ACTIVITIES:
            reasons.append(NoScore(NoScoreCode.NO_ACTIVITIES, None))
        else:
            reasons.extend(NoScore(NoScoreCode.TOO_MANY_MISSING, key) for key in missing)
    if reasons:
        return Scored(
            spec.instrument, spec.version, None, None, None, tuple(reasons), False, modules
        )
    hundredths = _round(rule.formula.scale * (total - rule.formula.offset * answered), answered)
    band, label = _band(rule.band_uppers, hundredths)
    return Scored(
        spec.instrument,
        spec.version,
        Decimal(hundredths).scaleb(-2),
        band,
        label,
        (),
        rule.prorates and answered < len(spec.items),
        modules,
    )


def _tally(
    keys: tuple[str, ...], low: int, high: int, answers: Answers, reasons: list[NoScore]
) -> tuple[int, int, list[str]]:
    """The sum and count of the valid answers among `keys`, and the unanswered keys;
    invalid answers go to `reasons`."""
    total = answered = 0
    missing: list[str] = []
    for key in keys:
        value = answers.get(key)
        if value is None:
            missing.append(key)
        elif type(value) is not int:  # bool is an int to isinstance: True is no answer
            reasons.append(NoScore(NoScoreCode.NOT_A_NUMBER, key))
        elif value < low or value > high:
            reasons.append(NoScore(NoScoreCode.OUT_OF_RANGE, key))
        else:
            total += value
            answered += 1
    return total, answered, missing


def _hundredths(formula: _Formula, total: int, answered: int) -> Decimal:
    hundredths = _round(formula.scale * (total - formula.offset * answered), answered)
    return Decimal(hundredths).scaleb(-2)


def _round(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero (denominator > 0)."""
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def _band(
    uppers: tuple[tuple[int, str, str], ...], hundredths: int
) -> tuple[str | None, str | None]:
    for upper, code, label in uppers:
        if hundredths <= upper:
            return code, label
    return None, None  # no bands (the last band's upper is the scale's maximum)
