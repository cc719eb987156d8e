"""A measure's chart and table (web/outcome_charts.py): the instrument's range and
direction, the band within the MCID of the first score, each later score's change judged
by the scoring (improved or worse, "exceeds MCID", "exceeds MDC"), scores that could not
be scored listed without a point."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from rehabdesk.outcomes.scoring import Instrument
from rehabdesk.web.charts import PLOT_BOTTOM, PLOT_TOP, Goal
from rehabdesk.web.outcome_charts import measure_chart, measure_charts

SVG = "{http://www.w3.org/2000/svg}"
START = datetime(2027, 3, 1, 15, tzinfo=UTC)


@dataclass(frozen=True)
class Point:
    taken_at: datetime
    score: Decimal | None
    band: str = ""
    result_id: int = 0


def points(*scores: str | None, bands: tuple[str, ...] = ()) -> list[Point]:
    return [
        Point(
            START + timedelta(weeks=2 * n),
            Decimal(s) if s is not None else None,
            bands[n] if n < len(bands) else "",
        )
        for n, s in enumerate(scores)
    ]


def band_rect(svg: str) -> tuple[float, float]:
    root = ET.fromstring(svg)  # noqa: S314 - the SVG this test just drew
    [rect] = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-band"]
    top = float(rect.attrib["y"])
    return top, top + float(rect.attrib["height"])


def y_of(value: float, low: float, high: float) -> float:
    return PLOT_BOTTOM - (value - low) / (high - low) * (PLOT_BOTTOM - PLOT_TOP)


def test_the_odi_band_is_the_first_score_plus_or_minus_ten_over_the_whole_range():
    chart = measure_chart(
        instrument="odi",
        points=points("42", "34", "28", bands=("severe", "moderate", "moderate")),
    )
    top, bottom = band_rect(str(chart.svg))
    assert top == pytest.approx(y_of(52, 0, 100), abs=0.1)
    assert bottom == pytest.approx(y_of(32, 0, 100), abs=0.1)
    assert chart.better == "Lower is better"
    assert chart.mcid == "MCID 10"  # the ODI's MDC has no confirmed source


def test_each_later_score_is_judged_against_the_first():
    chart = measure_chart(
        instrument="odi",
        points=points("42", "34", "28", "50", bands=("severe", "moderate", "moderate", "severe")),
    )
    assert [row.score for row in chart.rows] == ["42%", "34%", "28%", "50%"]
    assert [row.band for row in chart.rows] == [
        "Severe disability",
        "Moderate disability",
        "Moderate disability",
        "Severe disability",
    ]
    assert [row.change for row in chart.rows] == [
        "first score",
        "-8 (no clear change)",
        "-14 (improved) · exceeds MCID",
        "+8 (no clear change)",
    ]


def test_an_instrument_with_an_mdc_flags_it_separately_and_higher_is_better_reads_up():
    chart = measure_chart(instrument="lefs", points=points("30", "39", "50"))
    assert chart.better == "Higher is better"
    assert chart.mcid == "MCID 9, MDC 9"
    assert [row.change for row in chart.rows][1:] == [
        "+9 (improved) · exceeds MCID · exceeds MDC",
        "+20 (improved) · exceeds MCID · exceeds MDC",
    ]
    assert "Higher is better" in str(chart.svg)


def test_the_groc_has_no_band_and_reads_its_negative_range():
    chart = measure_chart(instrument="groc", points=points("-2", "3"))
    svg = str(chart.svg)
    assert 'class="chart-band"' not in svg
    assert chart.mcid == "no MCID"
    # The GROC rates change itself: nothing to judge against its first rating.
    assert [row.change for row in chart.rows] == ["first score", ""]
    root = ET.fromstring(svg)  # noqa: S314
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-tick"]
    assert ticks[:3] == ["-7", "0", "7"]


def test_a_result_without_a_score_is_listed_but_not_drawn():
    chart = measure_chart(instrument="nprs", points=points(None, "7", "4"))
    assert [row.score for row in chart.rows] == ["no score", "7/10", "4/10"]
    # The first scored result is the baseline.
    assert [row.change for row in chart.rows] == [
        "",
        "first score",
        "-3 (improved) · exceeds MCID · exceeds MDC",
    ]
    root = ET.fromstring(str(chart.svg))  # noqa: S314
    assert len(list(root.iter(f"{SVG}circle"))) == 2


def test_only_results_without_a_score_draw_no_picture():
    chart = measure_chart(instrument="nprs", points=points(None))
    assert str(chart.svg) == ""
    assert [row.score for row in chart.rows] == ["no score"]


def test_the_plans_goal_is_on_the_chart_and_the_description_names_the_scores():
    goal = Goal("Back to work", Decimal(20), date(2027, 6, 1))
    chart = measure_chart(instrument="odi", points=points("42", "30"), goals=[goal])
    svg = str(chart.svg)
    assert "Back to work: 20" in svg
    root = ET.fromstring(svg)  # noqa: S314
    description = root.find(f"{SVG}desc").text
    assert description == (
        "2 scores from Mar 1, 2027 to Mar 15, 2027: first 42, latest 30. Lower is better. "
        "The shaded band: within 10 of the first score."
    )
    assert chart.goals == (goal,)


def test_one_chart_per_instrument_with_results_in_the_instruments_order():
    charts = measure_charts(
        {Instrument.PSFS: points("3"), Instrument.NPRS: points("6"), Instrument.ODI: []}
    )
    assert [c.instrument for c in charts] == ["nprs", "psfs"]
