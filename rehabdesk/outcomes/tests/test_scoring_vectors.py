"""Scoring and judging change, case by case: every test vector of the domain reference
(§1.9, marked "§1.9") and our own — band edges, missing items, proration, rounding,
invalid answers, MCID and MDC edges, the 30 % rule, a baseline of 0. No database."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest

from rehabdesk.outcomes.scoring import (
    SPECS,
    Instrument,
    NoScore,
    NoScoreCode,
    Verdict,
    judge_change,
    score,
    score_spec,
)

REASONS = {
    "missing": NoScoreCode.TOO_MANY_MISSING,
    "range": NoScoreCode.OUT_OF_RANGE,
    "nan": NoScoreCode.NOT_A_NUMBER,
    "unknown": NoScoreCode.UNKNOWN_ITEM,
    "none_rated": NoScoreCode.NO_ACTIVITIES,
}


def items(*values, prefix=""):
    """Answers keyed "1".."n" (or "w1".."w4"), None for an unanswered item."""
    return {f"{prefix}{n}": value for n, value in enumerate(values, start=1)}


def parse(answers):
    """Answers written "1 2 - 3" -> {"1": 1, "2": 2, "3": None, "4": 3}, "6*4" six 4s;
    a dict as it is."""
    if isinstance(answers, dict):
        return answers
    values = []
    for word in answers.split():
        count, _star, value = word.rpartition("*")
        values += [None if value == "-" else int(value)] * int(count or 1)
    return items(*values)


def odi_sum(total, answered=10):
    """ODI (or NDI) answers with this sum over the first `answered` sections."""
    values = [min(5, max(0, total - 5 * n)) for n in range(answered)]
    assert sum(values) == total
    return items(*values, *[None] * (10 - answered))


def case(name, instrument, answers, expected, band=None, *, prorated=False, reasons=""):
    """One row: reasons as "code:item ..." (codes as in REASONS; item "-" for none)."""
    why = []
    for word in reasons.split():
        code, _colon, item = word.partition(":")
        why.append(NoScore(REASONS[code], None if item == "-" else item))
    return pytest.param(instrument, parse(answers), expected, band, prorated, tuple(why), id=name)


QUICKDASH_24_OVER_10 = parse("3 3 2 2 4 1 1 2 3 3 -")
TWO_11 = parse("11*2")

# fmt: off
SCORES = [
    # §1.9 vectors
    case("§1.9 ODI all answered", "odi", "1 2 2 1 2 2 1 0 2 3", "32.00", "moderate"),
    case("§1.9 ODI sex life missing: 16/45", "odi", "1 2 2 1 2 2 1 - 2 3", "35.56", "moderate",
         prorated=True),
    case("§1.9 ODI 2 missing", "odi", "1 2 2 1 - 2 1 - 2 3", None,
         reasons="missing:5 missing:8"),
    case("§1.9 QuickDASH all 1s", "quickdash", "11*1", "0.00"),
    case("§1.9 QuickDASH all 5s", "quickdash", "11*5", "100.00"),
    case("§1.9 QuickDASH 1 missing", "quickdash", QUICKDASH_24_OVER_10, "35.00", prorated=True),
    case("§1.9 QuickDASH 2 missing", "quickdash", "3 - 2 2 4 1 1 2 3 3 -", None,
         reasons="missing:2 missing:11"),
    case("§1.9 PSFS", "psfs", "7 5 6", "6.00"),
    case("§1.9 NDI raw 15 is moderate", "ndi", odi_sum(15), "15.00", "moderate"),
    # ODI: Fairbank's bands at their edges (≤ 20, ≤ 40, ≤ 60, ≤ 80, else)
    case("ODI 0", "odi", odi_sum(0), "0.00", "minimal"),
    case("ODI 20 %", "odi", odi_sum(10), "20.00", "minimal"),
    case("ODI 22 %", "odi", odi_sum(11), "22.00", "moderate"),
    case("ODI prorated to 20 %", "odi", odi_sum(9, 9), "20.00", "minimal", prorated=True),
    case("ODI prorated above 20 %", "odi", odi_sum(10, 9), "22.22", "moderate", prorated=True),
    case("ODI 40 %", "odi", odi_sum(20), "40.00", "moderate"),
    case("ODI prorated 42.22 %", "odi", odi_sum(19, 9), "42.22", "severe", prorated=True),
    case("ODI 60 %", "odi", odi_sum(30), "60.00", "severe"),
    case("ODI 62 %", "odi", odi_sum(31), "62.00", "very_severe"),
    case("ODI 80 %", "odi", odi_sum(40), "80.00", "very_severe"),
    case("ODI 82 %", "odi", odi_sum(41), "82.00", "extreme"),
    case("ODI 100 %", "odi", odi_sum(50), "100.00", "extreme"),
    case("ODI prorated 100 %", "odi", odi_sum(45, 9), "100.00", "extreme", prorated=True),
    case("ODI rounds half up: 4/45", "odi", odi_sum(4, 9), "8.89", "minimal", prorated=True),
    case("ODI a section left out of the dict", "odi", {str(n): 1 for n in range(1, 10)},
         "20.00", "minimal", prorated=True),
    case("ODI out of range, within the cap", "odi", "6 - 8*1", None, reasons="range:1"),
    case("ODI negative", "odi", "-1 9*1", None, reasons="range:1"),
    case("ODI out of range, too many missing", "odi", "6 - - 7*1", None,
         reasons="range:1 missing:2 missing:3"),
    case("ODI all missing", "odi", {}, None,
         reasons=" ".join(f"missing:{n}" for n in range(1, 11))),
    case("ODI an unknown item", "odi", odi_sum(16) | {"11": 2}, None, reasons="unknown:11"),
    case("ODI a bool is no answer", "odi", items(True, *[1] * 9), None, reasons="nan:1"),
    case("ODI a string is no answer", "odi", items("3", *[1] * 9), None, reasons="nan:1"),
    case("ODI a float is no answer", "odi", items(3.0, *[1] * 9), None, reasons="nan:1"),
    # NDI: Vernon's raw bands (0-4, 5-14, 15-24, 25-34, > 34), prorated by the mean
    case("NDI 4", "ndi", odi_sum(4), "4.00", "none"),
    case("NDI 5", "ndi", odi_sum(5), "5.00", "mild"),
    case("NDI 14", "ndi", odi_sum(14), "14.00", "mild"),
    case("NDI 24", "ndi", odi_sum(24), "24.00", "moderate"),
    case("NDI 25", "ndi", odi_sum(25), "25.00", "severe"),
    case("NDI 34", "ndi", odi_sum(34), "34.00", "severe"),
    case("NDI 35", "ndi", odi_sum(35), "35.00", "complete"),
    case("NDI 50", "ndi", odi_sum(50), "50.00", "complete"),
    case("NDI prorated 4 + 4/9 goes up", "ndi", odi_sum(4, 9), "4.44", "mild", prorated=True),
    case("NDI prorated 27/9 · 10", "ndi", odi_sum(27, 9), "30.00", "severe", prorated=True),
    case("NDI 2 missing", "ndi", odi_sum(20, 8), None, reasons="missing:9 missing:10"),
    # LEFS: all 20 answered (cap 0 by default); higher is better
    case("LEFS all 4s", "lefs", "20*4", "80.00"),
    case("LEFS all 0s", "lefs", "20*0", "0.00"),
    case("LEFS mixed", "lefs", "0 1 2 3 4 " * 4, "40.00"),
    case("LEFS 1 missing, cap 0", "lefs", "6*3 - 13*3", None, reasons="missing:7"),
    case("LEFS 5 out of range", "lefs", "5 19*3", None, reasons="range:1"),
    # QuickDASH: (sum / n − 1) · 25; modules need all 4
    case("QuickDASH mixed", "quickdash", "1 2 3 4 5 1 2 3 4 5 1", "45.45"),
    case("QuickDASH 0", "quickdash", "0 10*1", None, reasons="range:1"),
    case("QuickDASH module item 6", "quickdash", TWO_11 | items(2, 6, 2, 2, prefix="w"), None,
         reasons="range:w2"),
    case("QuickDASH module item 5", "quickdash", TWO_11 | {"w5": 1}, None, reasons="unknown:w5"),
    # PSFS: the mean of the rated activities
    case("PSFS one activity", "psfs", "2", "2.00"),
    case("PSFS five activities", "psfs", "10 10 10 10 9", "9.80"),
    case("PSFS rounds 1/3", "psfs", "0 0 1", "0.33"),
    case("PSFS rounds 2/3 up", "psfs", "0 1 1", "0.67"),
    case("PSFS a gap between activities", "psfs", {"1": 4, "3": 8}, "6.00"),
    case("PSFS zeros are ratings", "psfs", "0 0", "0.00"),
    case("PSFS none rated", "psfs", "- -", None, reasons="none_rated:-"),
    case("PSFS empty", "psfs", {}, None, reasons="none_rated:-"),
    case("PSFS 11", "psfs", "11 5", None, reasons="range:1"),
    case("PSFS a sixth activity", "psfs", "6*5", None, reasons="unknown:6"),
    # NPRS and GROC: one rating
    case("NPRS 0", "nprs", "0", "0.00"),
    case("NPRS 10", "nprs", "10", "10.00"),
    case("NPRS 11", "nprs", "11", None, reasons="range:1"),
    case("NPRS -1", "nprs", "-1", None, reasons="range:1"),
    case("NPRS unanswered", "nprs", "-", None, reasons="missing:1"),
    case("NPRS an int key", "nprs", {1: 5}, None, reasons="unknown:1 missing:1"),
    case("GROC -7", "groc", "-7", "-7.00"),
    case("GROC 0", "groc", "0", "0.00"),
    case("GROC +7", "groc", "7", "7.00"),
    case("GROC -8", "groc", "-8", None, reasons="range:1"),
]
# fmt: on


@pytest.mark.parametrize(
    ("instrument", "answers", "expected", "band", "prorated", "reasons"), SCORES
)
def test_it_scores_each_case(instrument, answers, expected, band, prorated, reasons):
    scored = score(instrument, answers)
    assert scored.score == (None if expected is None else D(expected))
    if expected is not None:
        assert scored.score.as_tuple().exponent == -2  # always two decimals
    assert scored.band == band
    assert scored.prorated is prorated
    assert scored.reasons == reasons
    assert scored.instrument == instrument
    assert scored.version == SPECS[Instrument(instrument)].version


def test_it_scores_quickdash_modules_only_when_all_four_are_answered():
    work = items(4, 4, 4, 4, prefix="w")
    sport = items(1, 2, 3, None, prefix="s")
    scored = score("quickdash", QUICKDASH_24_OVER_10 | work | sport)
    assert scored.score == D("35.00")
    assert scored.modules == {"work": D("75.00"), "sport": None}
    assert score("quickdash", items(*[5] * 11)).modules == {"work": None, "sport": None}
    # A module is scored on its own: the main score's missing items do not hide it.
    assert score("quickdash", work).modules["work"] == D("75.00")
    assert score("odi", odi_sum(3)).modules == {}


def test_it_prorates_the_lefs_only_under_a_cap_the_clinic_raised():
    lefs = SPECS[Instrument.LEFS]
    assert (lefs.max_missing, lefs.version) == (0, "lefs/r1-m0")
    allowing_two = dataclasses.replace(lefs, max_missing=2, version="lefs/r1-m2")
    answers = items(*[3] * 18, None, None)
    scored = score_spec(allowing_two, answers)
    assert (scored.score, scored.prorated, scored.version) == (D("60.00"), True, "lefs/r1-m2")
    assert score_spec(allowing_two, items(*[3] * 17, None, None, None)).score is None
    assert score("lefs", answers).score is None


def test_it_refuses_only_an_unknown_instrument_by_raising():
    with pytest.raises(ValueError, match="Unknown outcome measure"):
        score("pgic", {"1": 2})
    with pytest.raises(ValueError, match="Unknown outcome measure"):
        judge_change("pgic", baseline=D(1), follow_up=D(2))
    assert score(Instrument.NPRS, {"1": 3}).score == D(3)


def judged(name, instrument, baseline, follow_up, improvement, percent, *flags):
    """One row: the change's improvement and percent, then (exceeds MDC, exceeds MCID,
    30 %) as Y / N / NA (True, False, None), then the verdict."""
    *bools, verdict = flags
    return pytest.param(
        instrument, baseline, follow_up, improvement, percent, *bools, verdict, id=name
    )


Y, N, NA = True, False, None
IMPROVED, WORSENED, UNCLEAR = Verdict.IMPROVED, Verdict.WORSENED, Verdict.NO_CLEAR_CHANGE
# fmt: off
CHANGES = [
    # NPRS: 2 points or 30 %; MDC 2; lower is better
    judged("NPRS 6 -> 4: both rules", "nprs", "6", "4", "2", "33.33", Y, Y, Y, IMPROVED),
    judged("NPRS 6 -> 5: neither", "nprs", "6", "5", "1", "16.67", N, N, N, UNCLEAR),
    judged("NPRS 3 -> 2: the 30 % rule alone", "nprs", "3", "2", "1", "33.33", N, N, Y, IMPROVED),
    judged("NPRS 10 -> 7: exactly 30 %", "nprs", "10", "7", "3", "30.00", Y, Y, Y, IMPROVED),
    judged("NPRS 7 -> 5: 2 points, under 30 %", "nprs", "7", "5", "2", "28.57", Y, Y, N, IMPROVED),
    judged("NPRS 9 -> 7: 2 points, 22 %", "nprs", "9", "7", "2", "22.22", Y, Y, N, IMPROVED),
    judged("NPRS 2 -> 4: worse by the MCID", "nprs", "2", "4", "-2", "-100.00", Y, Y, N, WORSENED),
    judged("NPRS 4 -> 5: a point worse", "nprs", "4", "5", "-1", "-25.00", N, N, N, UNCLEAR),
    judged("NPRS baseline 0 -> 2", "nprs", "0", "2", "-2", NA, Y, Y, NA, WORSENED),
    judged("NPRS baseline 0 -> 0", "nprs", "0", "0", "0", NA, N, N, NA, UNCLEAR),
    judged("NPRS 5 -> 0", "nprs", "5", "0", "5", "100.00", Y, Y, Y, IMPROVED),
    # ODI: 10 points or 30 %; no MDC
    judged("ODI 40 -> 30: the MCID exactly", "odi", "40", "30", "10", "25.00", NA, Y, N, IMPROVED),
    judged("ODI 40 -> 30.01: just short", "odi", "40", "30.01", "9.99", "24.98", NA, N, N, UNCLEAR),
    judged("ODI 20 -> 14: 30 % exactly", "odi", "20", "14", "6", "30.00", NA, N, Y, IMPROVED),
    judged("ODI 20 -> 14.01: 29.95 %", "odi", "20", "14.01", "5.99", "29.95", NA, N, N, UNCLEAR),
    judged("ODI prorated", "odi", "35.56", "24.89", "10.67", "30.01", NA, Y, Y, IMPROVED),
    judged("ODI 30 -> 40: worse", "odi", "30", "40", "-10", "-33.33", NA, Y, N, WORSENED),
    judged("ODI 30 -> 39.99", "odi", "30", "39.99", "-9.99", "-33.30", NA, N, N, UNCLEAR),
    judged("ODI baseline 0", "odi", "0", "4", "-4", NA, NA, N, NA, UNCLEAR),
    # NDI: MCID 5 raw, MDC 4.7
    judged("NDI 20 -> 15: the MCID", "ndi", "20", "15", "5", "25.00", Y, Y, NA, IMPROVED),
    judged("NDI 20 -> 15.30: MDC", "ndi", "20", "15.30", "4.70", "23.50", Y, N, NA, UNCLEAR),
    judged("NDI 20 -> 15.31", "ndi", "20", "15.31", "4.69", "23.45", N, N, NA, UNCLEAR),
    judged("NDI 15 -> 20: worse", "ndi", "15", "20", "-5", "-33.33", Y, Y, NA, WORSENED),
    # LEFS: 9 and 9; higher is better
    judged("LEFS 40 -> 49", "lefs", "40", "49", "9", "22.50", Y, Y, NA, IMPROVED),
    judged("LEFS 40 -> 48", "lefs", "40", "48", "8", "20.00", N, N, NA, UNCLEAR),
    judged("LEFS 49 -> 40", "lefs", "49", "40", "-9", "-18.37", Y, Y, NA, WORSENED),
    judged("LEFS baseline 0 -> 9", "lefs", "0", "9", "9", NA, Y, Y, NA, IMPROVED),
    # QuickDASH: MCID 15.91, MDC 12.85
    judged("QuickDASH 50 -> 34.09", "quickdash",
           "50", "34.09", "15.91", "31.82", Y, Y, NA, IMPROVED),
    judged("QuickDASH 50 -> 34.10", "quickdash",
           "50", "34.10", "15.90", "31.80", Y, N, NA, UNCLEAR),
    judged("QuickDASH 50 -> 37.15: MDC", "quickdash",
           "50", "37.15", "12.85", "25.70", Y, N, NA, UNCLEAR),
    judged("QuickDASH 50 -> 37.16", "quickdash",
           "50", "37.16", "12.84", "25.68", N, N, NA, UNCLEAR),
    judged("QuickDASH 20 -> 35.91", "quickdash",
           "20", "35.91", "-15.91", "-79.55", Y, Y, NA, WORSENED),
    # PSFS: MCID 2.3, MDC 2; higher is better
    judged("PSFS 4 -> 6.30", "psfs", "4", "6.30", "2.30", "57.50", Y, Y, NA, IMPROVED),
    judged("PSFS 4 -> 6.29", "psfs", "4", "6.29", "2.29", "57.25", Y, N, NA, UNCLEAR),
    judged("PSFS 4 -> 5.99", "psfs", "4", "5.99", "1.99", "49.75", N, N, NA, UNCLEAR),
    judged("PSFS 6 -> 3.70", "psfs", "6", "3.70", "-2.30", "-38.33", Y, Y, NA, WORSENED),
    # GROC: an anchor, nothing to judge a change of
    judged("GROC 2 -> 5", "groc", "2", "5", "3", NA, NA, NA, NA, UNCLEAR),
    judged("GROC -7 -> 7", "groc", "-7", "7", "14", NA, NA, NA, NA, UNCLEAR),
]
# fmt: on


JUDGED = ("instrument", "baseline", "follow_up", "improvement", "percent")
FLAGS = ("mdc", "mcid", "thirty", "verdict")


@pytest.mark.parametrize(JUDGED + FLAGS, CHANGES)
def test_it_judges_each_change(
    instrument, baseline, follow_up, improvement, percent, mdc, mcid, thirty, verdict
):
    change = judge_change(instrument, baseline=D(baseline), follow_up=D(follow_up))
    assert change.difference == D(follow_up) - D(baseline)
    assert change.improvement == D(improvement)
    assert change.percent_improvement == (None if percent is None else D(percent))
    assert (change.exceeds_mdc, change.exceeds_mcid, change.thirty_percent) == (mdc, mcid, thirty)
    assert change.verdict is verdict


@pytest.mark.parametrize(
    ("instrument", "baseline", "follow_up"),
    [("odi", "101", "20"), ("odi", "20", "-1"), ("groc", "-8", "0"), ("ndi", "51", "0")],
)
def test_it_refuses_to_judge_scores_outside_the_scale(instrument, baseline, follow_up):
    with pytest.raises(ValueError, match="outside the scale"):
        judge_change(instrument, baseline=D(baseline), follow_up=D(follow_up))
