"""One outcome measure's scores as the pages show them: a line chart (web/charts.py)
over the instrument's range, and the table it is a picture of.

The instrument says what the picture needs (outcomes.scoring.SPECS): the range, which
way is better, the MCID — shaded around the first score, so a score outside the band
has changed by at least the smallest change that matters. Each later score is judged
against the first by `judge_change`: its change, and whether it exceeds the MCID and the
MDC (two separate flags, as the domain reference asks). HTTP only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from django.utils import formats, timezone
from django.utils.safestring import SafeString

from rehabdesk.outcomes.scoring import SPECS, Instrument, Verdict, judge_change
from rehabdesk.web.charts import Band, Goal, Reading, Scale, line_chart

VERDICTS = {
    Verdict.IMPROVED: "improved",
    Verdict.WORSENED: "worse",
    Verdict.NO_CLEAR_CHANGE: "no clear change",
}


class Scored(Protocol):
    """A score as the selectors give it (outcomes.selectors.Point)."""

    @property
    def taken_at(self) -> datetime: ...
    @property
    def score(self) -> Decimal | None: ...
    @property
    def band(self) -> str: ...


@dataclass(frozen=True)
class Row:
    """A line of the table: a score, its band, and its change from the first score."""

    taken_at: datetime
    score: str  # "42", or "no score"
    band: str
    change: str  # "−12 (improved) · exceeds MCID · exceeds MDC"; "first score"; ""


@dataclass(frozen=True)
class MeasureChart:
    instrument: Instrument
    title: str
    svg: SafeString
    rows: tuple[Row, ...]
    better: str  # "Lower is better"
    mcid: str  # "MCID 10, MDC 9" as the table's caption reads it
    goals: tuple[Goal, ...]

    @property
    def chart_id(self) -> str:
        return f"measure-{self.instrument}"


def measure_chart(
    *, instrument: str, points: Sequence[Scored], goals: Iterable[Goal] = ()
) -> MeasureChart:
    """The chart and table of one instrument's scores, oldest first."""
    spec = SPECS[Instrument(instrument)]
    goals = tuple(goals)
    readings = [Reading(when=p.taken_at, value=p.score) for p in points if p.score is not None]
    baseline = readings[0] if readings else None
    band = None
    if baseline is not None and spec.mcid is not None:
        band = Band(
            low=baseline.value - spec.mcid,
            high=baseline.value + spec.mcid,
            label=f"Within {_number(spec.mcid)} of the first score",
        )
    better = "Higher is better" if spec.higher_is_better else "Lower is better"
    svg = line_chart(
        chart_id=f"measure-{spec.instrument}",
        title=f"{spec.instrument.label}: scores over time",
        description=_description(readings, better, band),
        scale=Scale(
            low=spec.score_min, high=spec.score_max, higher_is_better=spec.higher_is_better
        ),
        readings=readings,
        band=band,
        goals=goals,
    )
    labels = {b.code: b.label for b in spec.bands}
    rows = []
    first_seen = False
    for p in points:
        first = p.score is not None and not first_seen
        first_seen = first_seen or first
        rows.append(
            Row(
                taken_at=p.taken_at,
                score=_number(p.score) + spec.unit if p.score is not None else "no score",
                band=labels.get(p.band, ""),
                change="first score" if first else _change(spec.instrument, baseline, p.score),
            )
        )
    thresholds = [f"MCID {_number(spec.mcid)}" if spec.mcid is not None else "no MCID"]
    if spec.mdc is not None:
        thresholds.append(f"MDC {_number(spec.mdc)}")
    return MeasureChart(
        instrument=spec.instrument,
        title=spec.instrument.label,
        svg=svg,
        rows=tuple(rows),
        better=better,
        mcid=", ".join(thresholds),
        goals=goals,
    )


def measure_charts(
    series: Mapping[Instrument, Sequence[Scored]],
    goals: Mapping[str, Sequence[Goal]] | None = None,
) -> list[MeasureChart]:
    """A chart per instrument with results, in the instruments' order."""
    goals = goals or {}
    return [
        measure_chart(instrument=code, points=series[code], goals=goals.get(code, ()))
        for code in Instrument
        if series.get(code)
    ]


def _number(value: Decimal) -> str:
    """42, 12.5, -3: as few decimals as the score has."""
    text = f"{value.normalize():f}"
    return "0" if text == "-0" else text


def _change(instrument: Instrument, baseline: Reading | None, score: Decimal | None) -> str:
    if baseline is None or score is None or SPECS[instrument].mcid is None:
        return ""  # the GROC is itself a rating of change: nothing to judge it against
    change = judge_change(instrument, baseline=baseline.value, follow_up=score)
    words = [f"{_signed(change.difference)} ({VERDICTS[change.verdict]})"]
    if change.exceeds_mcid:
        words.append("exceeds MCID")
    if change.exceeds_mdc:
        words.append("exceeds MDC")
    return " · ".join(words)


def _signed(value: Decimal) -> str:
    text = _number(value)
    return text if value <= 0 else f"+{text}"


def _description(readings: Sequence[Reading], better: str, band: Band | None) -> str:
    if not readings:
        return "No score yet."
    first, last = readings[0], readings[-1]
    plural = "s" if len(readings) != 1 else ""
    said = f"{len(readings)} score{plural} from {_day(first.when)}"
    if len(readings) > 1:
        said += f" to {_day(last.when)}: first {_number(first.value)}, "
        said += f"latest {_number(last.value)}"
    else:
        said += f": {_number(first.value)}"
    said += f". {better}."
    if band is not None:
        said += f" The shaded band: {band.label.lower()}."
    return said


def _day(moment: datetime | date) -> str:
    day = timezone.localdate(moment) if isinstance(moment, datetime) else moment
    return str(formats.date_format(day, "M j, Y"))
