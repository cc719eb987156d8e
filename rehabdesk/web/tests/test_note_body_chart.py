"""The body chart's figure draws every region of care/body_chart.py once, each a
button the keyboard reaches and a screen reader names."""

from __future__ import annotations

import re
from pathlib import Path

from rehabdesk.care.body_chart import REGIONS

FIGURE = Path(__file__).resolve().parents[1] / "templates" / "web" / "care" / "_body_chart.svg"
SHAPE = re.compile(r"<(?:rect|ellipse|path)\b[^>]*data-region=\"(\w+)\"[^>]*/>")


def shapes() -> list[str]:
    return SHAPE.findall(FIGURE.read_text())


def test_it_has_one_shape_per_region_code():
    drawn = shapes()
    assert sorted(drawn) == sorted(code for code, _ in REGIONS)
    assert len(drawn) == len(set(drawn))


def test_it_makes_each_region_a_named_button_in_the_tab_order():
    names = dict(REGIONS)
    for shape in SHAPE.finditer(FIGURE.read_text()):
        text, code = shape.group(0), shape.group(1)
        assert 'tabindex="0"' in text
        assert 'role="button"' in text
        assert f'aria-label="{names[code]}"' in text
