"""Small charts drawn on the server as SVG: no script, no library, readable at 390 px.

A chart is a picture of a table the page shows beside it (the table is the record and
what a screen reader reads; the picture has a title and a description naming it, and
is marked as one image). Bars run across, each under its label, so long names
(a service, a practitioner) never squeeze the bars on a phone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

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
        rows=mark_safe(rows),  # noqa: S308 - built from escaped parts below
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
