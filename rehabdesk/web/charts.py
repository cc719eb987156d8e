"""Small charts drawn on the server as SVG: no script, no library, readable at 390 px.

A chart is a picture of a table the page shows beside it (the table is the record and
what a screen reader reads; the picture has a title and a description naming it, and
is marked as one image). Bars run across, each under its label, so long names
(a service, a practitioner) never squeeze the bars on a phone. A line chart draws one
measure's scores over time (web/outcome_charts.py fills it from the instrument).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 400  # the viewBox's width; the picture scales to its column
ROW = 46  # a label and its bar
BAR = 16
VALUE_ROOM = 112  # room on the right of the longest bar for its value


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int  # drawn; a negative one as no bar
    text: str  # the value as the table writes it ("$1,234.50", "42.0%")


def bar_chart(*, chart_id: str, title: str, description: str, bars: Sequence[Bar]) -> SafeString:
    """An SVG of horizontal bars, longest = the largest value; empty when there is
    nothing to draw (the table says so)."""
    largest = max((Decimal(bar.value) for bar in bars), default=Decimal(0))
    if not bars or largest <= 0:
        return mark_safe("")  # noqa: S308 - a constant
    height = ROW * len(bars) + 4
    rows = "".join(_row(bar, index, largest) for index, bar in enumerate(bars))
    drawn = mark_safe(rows)  # noqa: S308 # nosec B703 # built from escaped parts below
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "{rows}</svg>",
        w=WIDTH,
        h=height,
        id=chart_id,
        title=title,
        desc=description,
        rows=drawn,
    )


def _row(bar: Bar, index: int, largest: Decimal) -> str:
    top = index * ROW
    value = max(Decimal(bar.value), Decimal(0))
    length = float(value / largest) * (WIDTH - VALUE_ROOM)
    return (
        f'<g aria-hidden="true">'
        f'<text x="0" y="{top + 15}" class="chart-label">{escape(bar.label)}</text>'
        f'<rect x="0" y="{top + 21}" width="{length:.1f}" height="{BAR}" rx="2" class="chart-bar"/>'
        f'<text x="{length + 6:.1f}" y="{top + 34}" class="chart-value">{escape(bar.text)}</text>'
        f"</g>"
    )


# --- A line over time: one outcome measure's scores ----------------------------------
#
# The picture of a table of scores by date: the y axis spans the instrument's whole
# range (so a small change looks small), higher numbers always up, and the caption says
# which way is better (LEFS and PSFS: up; pain and disability: down). A shaded band
# marks the scores within the smallest meaningful change of the first one; a dashed
# line marks each goal.

LINE_HEIGHT = 240
PLOT_LEFT, PLOT_RIGHT = 44, WIDTH - 10
PLOT_TOP, PLOT_BOTTOM = 30, LINE_HEIGHT - 34
MOST_TICKS = 6  # values written on the y axis, ends included
# The steps between them, tried smallest first: whole, round numbers where the range allows.
TICK_STEPS = tuple(Decimal(step) for step in ("1", "2", "5", "10", "20", "25", "50"))
DAY = 86_400.0
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class Scale:
    """The y axis: the range every score can take, and which way is better."""

    low: Decimal
    high: Decimal
    higher_is_better: bool


@dataclass(frozen=True)
class Reading:
    """One score at one time."""

    when: datetime
    value: Decimal


@dataclass(frozen=True)
class Band:
    """A range of values shaded across the plot (the baseline ± the MCID)."""

    low: Decimal
    high: Decimal
    label: str


class Goal(NamedTuple):
    """A target to reach: a dashed line at `value`, a mark at `on` when dated."""

    label: str
    value: Decimal
    on: date | None = None


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    scale: Scale,
    readings: Sequence[Reading],
    band: Band | None = None,
    goals: Sequence[Goal] = (),
) -> SafeString:
    """An SVG of `readings` joined in time order over the whole of `scale`; empty when
    there is no reading (the table says so)."""
    if not readings or scale.high <= scale.low:
        return mark_safe("")  # noqa: S308 - a constant
    ordered = sorted(readings, key=lambda r: r.when)
    plot = _Plot(scale, [_days(r.when) for r in ordered] + [_days(g.on) for g in goals if g.on])
    parts = [
        _caption(scale),
        _y_axis(plot),
        _band(plot, band) if band else "",
        *(_goal(plot, goal) for goal in goals),
        _x_axis(plot, ordered[0].when, ordered[-1].when, goals),
        _line(plot, ordered),
    ]
    svg = "".join(parts)
    drawn = mark_safe(svg)  # noqa: S308 # nosec B703 # built from escaped parts below
    return format_html(
        '<svg class="chart line-chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<g aria-hidden="true" font-size="13" fill="#1d2a33">{parts}</g></svg>',
        w=WIDTH,
        h=LINE_HEIGHT,
        id=chart_id,
        title=title,
        desc=description,
        parts=drawn,
    )


class _Plot:
    """Where a time and a value land in the plot."""

    def __init__(self, scale: Scale, days: Sequence[float]) -> None:
        self.scale = scale
        first, last = min(days), max(days)
        if last - first < 1:  # one day only: it sits in the middle
            first, last = first - 1, last + 1
        self.first, self.last = first, last

    def x(self, days: float) -> float:
        share = (days - self.first) / (self.last - self.first)
        return PLOT_LEFT + 8 + share * (PLOT_RIGHT - PLOT_LEFT - 16)

    def y(self, value: Decimal) -> float:
        low, high = self.scale.low, self.scale.high
        share = float((min(max(value, low), high) - low) / (high - low))
        return PLOT_BOTTOM - share * (PLOT_BOTTOM - PLOT_TOP)


def _days(moment: datetime | date | None) -> float:
    if isinstance(moment, datetime):
        return moment.timestamp() / DAY
    assert moment is not None
    return float(moment.toordinal() - EPOCH_ORDINAL) + 0.5  # noon UTC


def _number(value: Decimal) -> str:
    """12, 12.5, -7: no trailing zeros."""
    text = f"{value.normalize():f}"
    return text if text != "-0" else "0"


def _caption(scale: Scale) -> str:
    words = "↑ Higher is better" if scale.higher_is_better else "↓ Lower is better"
    return f'<text x="{PLOT_LEFT}" y="16" class="chart-caption" font-weight="600">{words}</text>'


def _legend(band: Band) -> str:
    """The band's swatch and words at the top right, clear of the line."""
    return (
        f'<rect x="{PLOT_RIGHT - 12}" y="6" width="12" height="12" fill="#0b5d6b" '
        f'fill-opacity="0.14" stroke="#0b5d6b" stroke-width="0.5"/>'
        f'<text x="{PLOT_RIGHT - 17}" y="16" text-anchor="end" class="chart-band-label" '
        f'font-size="12">{escape(band.label)}</text>'
    )


def _ticks(low: Decimal, high: Decimal) -> list[Decimal]:
    """Round values from `low` to `high`, ends included: 0 2 4 … 10, 0 20 … 80, -7 0 7."""
    span = high - low
    step = next(
        (s for s in TICK_STEPS if span % s == 0 and span / s < MOST_TICKS),
        span / 2,
    )
    count = int(span / step)
    return [low + step * n for n in range(count + 1)]


def _y_axis(plot: _Plot) -> str:
    lines = []
    for value in _ticks(plot.scale.low, plot.scale.high):
        y = plot.y(value)
        lines.append(
            f'<line x1="{PLOT_LEFT}" x2="{PLOT_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#c9d6da" stroke-width="1" class="chart-grid"/>'
            f'<text x="{PLOT_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'class="chart-tick">{_number(value.quantize(Decimal("0.1")))}</text>'
        )
    return "".join(lines)


def _band(plot: _Plot, band: Band) -> str:
    top, bottom = plot.y(max(band.low, band.high)), plot.y(min(band.low, band.high))
    return (
        f'<rect x="{PLOT_LEFT}" y="{top:.1f}" width="{PLOT_RIGHT - PLOT_LEFT}" '
        f'height="{bottom - top:.1f}" fill="#0b5d6b" fill-opacity="0.14" class="chart-band"/>'
        + _legend(band)
    )


def _goal(plot: _Plot, goal: Goal) -> str:
    y = plot.y(goal.value)
    mark = ""
    if goal.on is not None:
        x = plot.x(_days(goal.on))
        mark = (
            f'<path d="M{x:.1f} {y - 6:.1f}l6 6l-6 6l-6 -6z" fill="#8a4b00" '
            f'class="chart-goal-mark"/>'
        )
    return (
        f'<line x1="{PLOT_LEFT}" x2="{PLOT_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#8a4b00" '
        f'stroke-width="2" stroke-dasharray="6 4" class="chart-goal"/>{mark}'
        f'<text x="{PLOT_RIGHT}" y="{y - 5:.1f}" text-anchor="end" fill="#8a4b00" '
        f'font-size="12" class="chart-goal-label">'
        f"{escape(goal.label)}: {_number(goal.value)}</text>"
    )


def _x_axis(plot: _Plot, first: datetime, last: datetime, goals: Sequence[Goal]) -> str:
    """The first and last days named under the axis (a dated goal's too, if later)."""
    start = timezone.localdate(first)
    end = max([timezone.localdate(last), *(g.on for g in goals if g.on)])
    year = "M j, Y" if start.year != end.year else "M j"
    y = PLOT_BOTTOM + 20
    left = (
        f'<line x1="{PLOT_LEFT}" x2="{PLOT_RIGHT}" y1="{PLOT_BOTTOM}" y2="{PLOT_BOTTOM}" '
        f'stroke="#4f5d66" stroke-width="1"/>'
        f'<text x="{PLOT_LEFT}" y="{y}" class="chart-tick">'
        f"{formats.date_format(start, year)}</text>"
    )
    if end == start:
        return left
    return left + (
        f'<text x="{PLOT_RIGHT}" y="{y}" text-anchor="end" class="chart-tick">'
        f"{formats.date_format(end, year)}</text>"
    )


def _line(plot: _Plot, readings: Sequence[Reading]) -> str:
    at = [(plot.x(_days(r.when)), plot.y(r.value)) for r in readings]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in at)
    line = (
        f'<polyline points="{points}" fill="none" stroke="#0b5d6b" stroke-width="2.5" '
        f'class="chart-line"/>'
        if len(at) > 1
        else ""
    )
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="#0b5d6b" class="chart-point"/>'
        for x, y in at
    )
    return line + dots
