"""The values of outcome-measure scoring: plain, frozen, Django-free.

A Spec describes an instrument (its items and their range, how its score is read, the
change that matters); `score` turns answers into a Scored, `judge_change` two scores into
a Change. docs/algorithms/outcome-measures.md is the specification.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from rehabdesk.outcomes.scoring.instruments import Instrument

# Answers as callers give them: the item's key ("1".."n", "w1".."w4", "s1".."s4") ->
# an int, or None (or the key absent) when unanswered.
Answers = Mapping[str, object]


class NoScoreCode(StrEnum):
    """Why an answer set has no score. Stable: stored with every result."""

    TOO_MANY_MISSING = "too_many_missing"  # more items unanswered than the rule allows
    OUT_OF_RANGE = "out_of_range"  # an int outside the item's range
    NOT_A_NUMBER = "not_a_number"  # an answer that is not an int (bools, strings, floats)
    UNKNOWN_ITEM = "unknown_item"  # a key the instrument does not have
    NO_ACTIVITIES = "no_activities"  # PSFS: no activity rated


@dataclass(frozen=True, slots=True)
class NoScore:
    code: NoScoreCode
    item: str | None  # the item's key, or None when the reason is the whole set's


@dataclass(frozen=True, slots=True)
class Band:
    """A range of scores read in words. `upper` is inclusive; a score above every
    band's upper falls in the last band (whose upper is the scale's maximum).
    `label` is neutral, fit to show a patient; `source_label` is the author's own term."""

    code: str
    label: str
    upper: Decimal
    source_label: str = ""


@dataclass(frozen=True, slots=True)
class Anchor:
    """The words beside one answer value (NPRS 0 "No pain", GROC +3 ...)."""

    value: int
    label: str


@dataclass(frozen=True, slots=True)
class ItemWording:
    """Our own words for one item: the question and the labelled answer values (the
    other values of the item's range are shown as bare numbers)."""

    key: str
    question: str
    anchors: tuple[Anchor, ...]


@dataclass(frozen=True, slots=True)
class Context:
    """The period or reference point a rating is given for (NPRS "now", "average over
    the last 24 hours"; GROC "since your first visit"), stored with the result: the
    same number means something else under another context."""

    code: str
    label: str
    question: str  # item "1"'s question under this context


@dataclass(frozen=True, slots=True)
class Spec:
    """One instrument as scoring reads it. Thresholds and caps are module constants in
    specs.py, each beside its source (the ⚠ ones are defaults a clinician confirms)."""

    instrument: Instrument
    version: str  # stored with every score; changes whenever scoring would
    items: tuple[str, ...]  # the items of the main score, in order
    low: int  # each item's lowest answer (modules' items alike)
    high: int  # each item's highest answer
    modules: Mapping[str, tuple[str, ...]]  # QuickDASH's optional modules; {} otherwise
    higher_is_better: bool
    score_min: Decimal
    score_max: Decimal
    unit: str  # how the score reads: "%", "/50", ...
    max_missing: int  # main items that may go unanswered and still be scored
    mcid: Decimal | None  # minimal clinically important difference (None: GROC)
    mcid_citation: str
    mcid_percent: Decimal | None  # the 30 % rule (ODI, NPRS); None elsewhere
    mdc: Decimal | None  # minimal detectable change (None where no source gives one)
    mdc_citation: str
    bands: tuple[Band, ...]
    bands_citation: str
    licensed_wording: bool  # the clinic enters the words (InstrumentWording)
    wording: tuple[ItemWording, ...]  # our own words (NPRS, PSFS, GROC); () otherwise
    instructions: str = ""  # what the patient reads first (our own words only)
    contexts: tuple[Context, ...] = ()

    @property
    def all_items(self) -> tuple[str, ...]:
        """Every item in the scoring's order: the main items, then each module's."""
        return self.items + tuple(key for keys in self.modules.values() for key in keys)


@dataclass(frozen=True, slots=True)
class Scored:
    """An answer set's score, or why it has none (score None exactly when `reasons`)."""

    instrument: Instrument
    version: str
    score: Decimal | None  # two decimal places
    band: str | None  # the band's code
    band_label: str | None  # the band's neutral label
    reasons: tuple[NoScore, ...]
    prorated: bool  # computed from fewer than all the main items
    modules: Mapping[str, Decimal | None] = field(default_factory=dict)


class Verdict(StrEnum):
    IMPROVED = "improved"
    WORSENED = "worsened"
    NO_CLEAR_CHANGE = "no_clear_change"


@dataclass(frozen=True, slots=True)
class Change:
    """Two scores of one instrument compared (docs/algorithms/outcome-measures.md,
    "Judging change")."""

    instrument: Instrument
    baseline: Decimal
    follow_up: Decimal
    difference: Decimal  # follow_up - baseline
    improvement: Decimal  # signed: + is better, whatever the instrument's direction
    percent_improvement: Decimal | None  # of the baseline; None when it is 0 (and GROC)
    exceeds_mdc: bool | None  # |difference| reaches the MDC; None without an MDC
    exceeds_mcid: bool | None  # |difference| reaches the MCID; None without an MCID
    thirty_percent: bool | None  # improvement reaches 30 % (ODI, NPRS); None elsewhere
    verdict: Verdict
