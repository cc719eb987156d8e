"""The line chart of one measure's scores (web/charts.py): an SVG the server draws over
the instrument's whole range, named by its title and description, with the band around
the baseline shaded and each goal marked; one score, no score and scores on one day
drawn without fault."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from rehabdesk.web.charts import (
    PLOT_BOTTOM,
    PLOT_TOP,
    Band,
    Goal,
    Reading,
    Scale,
    line_chart,
)

SVG = "{http://www.w3.org/2000/svg}"
PAIN = Scale(low=Decimal(0), high=Decimal(10), higher_is_better=False)
START = datetime(2027, 3, 1, 15, tzinfo=UTC)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - the SVG this test just drew


def draw(*values: int | str, scale: Scale = PAIN, **extra: object) -> str:
    readings = [
        Reading(when=START + timedelta(weeks=n), value=Decimal(v)) for n, v in enumerate(values)
    ]
    return str(
        line_chart(
            chart_id="nprs",
            title="Pain rating (NPRS)",
            description="Three scores since March",
            scale=scale,
            readings=readings,
            **extra,  # type: ignore[arg-type]
        )
    )


def ys(root: ET.Element) -> list[float]:
    return [float(c.attrib["cy"]) for c in root.iter(f"{SVG}circle")]


def test_it_is_one_image_named_by_its_title_and_description():
    root = parse(draw(7, 5, 3))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "nprs-title nprs-desc"
    assert root.find(f"{SVG}title").text == "Pain rating (NPRS)"
    assert root.find(f"{SVG}desc").text == "Three scores since March"
    # What is drawn is hidden from screen readers: the table beside it is read instead.
    assert root.find(f"{SVG}g").get("aria-hidden") == "true"


def test_the_axis_spans_the_whole_range_whatever_the_scores():
    root = parse(draw(10, 5, 0))
    top, middle, bottom = ys(root)
    assert (top, bottom) == (PLOT_TOP, PLOT_BOTTOM)
    assert middle == pytest.approx((PLOT_TOP + PLOT_BOTTOM) / 2)
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-tick"]
    assert ticks[:6] == ["0", "2", "4", "6", "8", "10"]


def test_points_are_joined_in_time_order_spaced_by_time():
    readings = [
        Reading(when=START + timedelta(days=30), value=Decimal(2)),
        Reading(when=START, value=Decimal(8)),
        Reading(when=START + timedelta(days=10), value=Decimal(6)),
    ]
    svg = str(line_chart(chart_id="c", title="t", description="d", scale=PAIN, readings=readings))
    root = parse(svg)
    xs = [float(c.attrib["cx"]) for c in root.iter(f"{SVG}circle")]
    assert xs == sorted(xs)
    # Ten days in is a third of the way along thirty.
    assert (xs[1] - xs[0]) / (xs[2] - xs[0]) == pytest.approx(1 / 3, abs=0.01)
    [line] = root.iter(f"{SVG}polyline")
    assert len(line.get("points").split()) == 3


@pytest.mark.parametrize(
    ("scale", "words"),
    [
        (PAIN, "Lower is better"),
        (Scale(low=Decimal(0), high=Decimal(80), higher_is_better=True), "Higher is better"),
    ],
)
def test_the_caption_says_which_way_is_better(scale, words):
    root = parse(draw(20, 30, scale=scale))
    captions = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-caption"]
    assert len(captions) == 1
    assert words in captions[0]


def test_the_band_is_shaded_between_its_values_and_labelled():
    band = Band(low=Decimal(5), high=Decimal(9), label="Within 2 of the first score")
    root = parse(draw(7, 6, band=band))
    [rect] = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-band"]
    five, nine = (PLOT_BOTTOM - f * (PLOT_BOTTOM - PLOT_TOP) for f in (0.5, 0.9))
    assert float(rect.attrib["y"]) == pytest.approx(nine, abs=0.1)
    assert float(rect.attrib["y"]) + float(rect.attrib["height"]) == pytest.approx(five, abs=0.1)
    # Its words are a legend at the top, clear of the line.
    [legend] = [t for t in root.iter(f"{SVG}text") if t.get("class") == "chart-band-label"]
    assert legend.text == "Within 2 of the first score"
    assert float(legend.attrib["y"]) < PLOT_TOP


def test_a_band_beyond_the_range_is_cut_at_its_ends():
    band = Band(low=Decimal(-1), high=Decimal(3), label="band")
    root = parse(draw(1, 2, band=band))
    [rect] = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-band"]
    assert float(rect.attrib["y"]) + float(rect.attrib["height"]) == pytest.approx(PLOT_BOTTOM)


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        (0, 100, ["0", "20", "40", "60", "80", "100"]),
        (0, 80, ["0", "20", "40", "60", "80"]),
        (0, 50, ["0", "10", "20", "30", "40", "50"]),
        (-7, 7, ["-7", "0", "7"]),
    ],
)
def test_the_axis_is_written_in_round_steps(low, high, ticks):
    scale = Scale(low=Decimal(low), high=Decimal(high), higher_is_better=True)
    root = parse(draw(low, high, scale=scale))
    written = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-tick"]
    assert written[: len(ticks)] == ticks


def test_each_goal_is_a_dashed_line_and_a_dated_one_has_its_mark():
    goals = [
        Goal("Walk to work", Decimal(3), date(2027, 5, 1)),
        Goal("Sleep through", Decimal("1.5")),
    ]
    root = parse(draw(8, 6, goals=goals))
    lines = [line for line in root.iter(f"{SVG}line") if line.get("class") == "chart-goal"]
    assert len(lines) == 2
    assert all(line.get("stroke-dasharray") for line in lines)
    marks = [p for p in root.iter(f"{SVG}path") if p.get("class") == "chart-goal-mark"]
    assert len(marks) == 1
    labels = {t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-goal-label"}
    assert labels == {"Walk to work: 3", "Sleep through: 1.5"}
    # The goal's date is the last day named under the axis.
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-tick"]
    assert ticks[-2:] == ["Mar 1", "May 1"]


def test_one_score_is_a_point_with_no_line():
    root = parse(draw(4))
    assert len(ys(root)) == 1
    assert list(root.iter(f"{SVG}polyline")) == []


def test_no_score_draws_nothing():
    assert draw() == ""


def test_scores_on_one_day_sit_together_in_the_middle():
    readings = [Reading(when=START, value=Decimal(v)) for v in (6, 4)]
    root = parse(
        str(line_chart(chart_id="c", title="t", description="d", scale=PAIN, readings=readings))
    )
    xs = {float(c.attrib["cx"]) for c in root.iter(f"{SVG}circle")}
    assert len(xs) == 1
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-tick"]
    assert ticks[-1] == "Mar 1"  # the one day named once


def test_it_names_the_years_when_the_scores_span_two():
    readings = [
        Reading(when=datetime(2026, 12, 1, 15, tzinfo=UTC), value=Decimal(6)),
        Reading(when=datetime(2027, 2, 1, 15, tzinfo=UTC), value=Decimal(3)),
    ]
    root = parse(
        str(line_chart(chart_id="c", title="t", description="d", scale=PAIN, readings=readings))
    )
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-tick"]
    assert ticks[-2:] == ["Dec 1, 2026", "Feb 1, 2027"]


def test_it_escapes_every_text():
    goals = [Goal('<script>alert("x")</script> & run', Decimal(2))]
    band = Band(low=Decimal(1), high=Decimal(3), label="<b>band</b>")
    svg = str(
        line_chart(
            chart_id="c",
            title="<title>",
            description="a & b",
            scale=PAIN,
            readings=[Reading(when=START, value=Decimal(2))],
            band=band,
            goals=goals,
        )
    )
    assert "<script>" not in svg
    assert "<b>" not in svg
    parse(svg)  # still well-formed
