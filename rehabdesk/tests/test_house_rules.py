"""The house rules ARCHITECTURE.md states, checked on the source so that a change that
breaks one fails here rather than in review:

- the edges (web/, api/) read through selectors and accessors, never a model's manager;
- no edge module grows past what a reader takes in at once;
- only core/database.py asks which database it runs on.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
EDGES = ("web", "api")
EDGE_MODULE_MAX_LINES = 400
DATABASE_SEAM = PACKAGE / "core" / "database.py"


def product_modules(*apps: str) -> list[Path]:
    """The app's Python modules, without its tests and migrations."""
    return sorted(
        path
        for app in apps
        for path in (PACKAGE / app).rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    )


def manager_reads(path: Path, root: Path = PACKAGE) -> list[str]:
    """`<Model>.objects` wherever it appears in the module's code (not its prose)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.relative_to(root)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager"}
    ]


def vendor_questions(path: Path, root: Path = PACKAGE) -> list[str]:
    """Places that ask a connection which database it is (`….vendor`)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.relative_to(root)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "vendor"
    ]


def test_the_rules_look_at_real_modules():
    edges = product_modules(*EDGES)
    assert len(edges) > 20
    assert PACKAGE / "web" / "urls.py" in edges
    assert all("tests" not in path.parts for path in edges)


@pytest.mark.parametrize("edge", EDGES)
def test_it_finds_no_model_manager_in_the_edges(edge):
    found = [place for path in product_modules(edge) for place in manager_reads(path)]
    assert found == [], "read through a selector or an accessor instead"


@pytest.mark.parametrize("edge", EDGES)
def test_no_edge_module_passes_four_hundred_lines(edge):
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in product_modules(edge)
        if (lines := len(path.read_text().splitlines())) > EDGE_MODULE_MAX_LINES
    }
    assert long == {}


def test_only_the_database_seam_asks_which_database_it_is():
    every_module = sorted(PACKAGE.rglob("*.py"))
    found = [place for path in every_module for place in vendor_questions(path)]
    seam = str(DATABASE_SEAM.relative_to(PACKAGE))
    assert found, "the seam itself asks"
    assert {place.split(":")[0] for place in found} == {seam}


def test_the_checks_see_what_they_look_for(tmp_path):
    """Each check finds what it forbids (so an empty answer means something)."""
    module = tmp_path / "view.py"
    module.write_text(
        '"""Patient.objects in prose is fine."""\n'
        "def view(connection):\n"
        "    rows = Patient.objects.filter(active=True)\n"
        "    return connection.vendor, rows\n"
    )
    assert manager_reads(module, root=tmp_path) == ["view.py:3"]
    assert vendor_questions(module, root=tmp_path) == ["view.py:4"]
