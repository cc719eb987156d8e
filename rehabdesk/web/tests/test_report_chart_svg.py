"""The reports' bar chart (web/charts.py): an SVG the server draws, named for screen
readers by its title and description, its text escaped, bars in proportion."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from rehabdesk.web.charts import ROW, VALUE_ROOM, WIDTH, Bar, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - the SVG this test just drew


def chart(*bars: Bar) -> str:
    return str(
        bar_chart(chart_id="c", title="Net revenue", description="One bar a month", bars=bars)
    )


def test_it_is_one_image_named_by_its_title_and_description():
    root = parse(chart(Bar("Mar 2027", Decimal("220.00"), "$220.00")))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c-title c-desc"
    assert root.find(f"{SVG}title").text == "Net revenue"
    assert root.find(f"{SVG}desc").text == "One bar a month"


def test_the_largest_value_takes_the_whole_width_and_the_others_their_share():
    root = parse(chart(Bar("A", 200, "200"), Bar("B", 50, "50"), Bar("C", -10, "-10")))
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths == [WIDTH - VALUE_ROOM, (WIDTH - VALUE_ROOM) / 4, 0.0]
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert texts == ["A", "200", "B", "50", "C", "-10"]


def test_it_escapes_names():
    svg = chart(Bar('<script>alert("x")</script> & Co', 5, "5"))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    parse(svg)  # still well-formed


def test_nothing_to_draw_draws_nothing():
    assert chart() == ""
    assert chart(Bar("A", 0, "0"), Bar("B", -5, "-5")) == ""


def height(svg: str) -> int:
    view_box = re.search(r'viewBox="0 0 \d+ (\d+)"', svg)
    assert view_box is not None
    return int(view_box[1])


def test_it_grows_a_row_per_bar():
    five = chart(*(Bar(str(n), n + 1, str(n + 1)) for n in range(5)))
    one = chart(Bar("x", 1, "1"))
    assert height(five) - height(one) == 4 * ROW
