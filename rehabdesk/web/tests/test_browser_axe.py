"""The axe-core check every browser test's screenshots go through (rehabdesk/conftest.py)
reports serious and critical violations with where they are, and lets a clean page be."""

from __future__ import annotations

import pytest

from rehabdesk.conftest import AxeCheck

pytestmark = pytest.mark.browser

CLEAN = """<!doctype html><html lang="en"><head><title>Clean</title></head>
<body><main><h1>Clean</h1><p>Nothing wrong here.</p></main></body></html>"""

BROKEN = """<!doctype html><html lang="en"><head><title>Broken</title></head>
<body><main><h1>Broken</h1><img src="data:," id="nameless">
<form><input type="text" id="unlabelled"></form>
<p style="color:#bbb;background:#fff">Pale text</p></main></body></html>"""


def test_it_reports_serious_and_critical_violations_with_their_place(page):
    checker = AxeCheck()
    page.set_content(BROKEN)
    checker.check(page, "broken")
    found = "\n".join(checker.problems)
    assert "image-alt (critical) at #nameless" in found
    assert "label (critical) at #unlabelled" in found
    assert "color-contrast (serious)" in found
    assert all(problem.startswith("broken ") for problem in checker.problems)


def test_it_lets_a_clean_page_be(page):
    checker = AxeCheck()
    page.set_content(CLEAN)
    checker.check(page, "clean")
    assert checker.problems == []
