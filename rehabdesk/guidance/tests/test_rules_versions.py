"""Rule sets are versioned files: loaded by version, refused when unknown, never edited
once published, and shipped with the package."""

import hashlib
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from rehabdesk.guidance.rules import UnknownRuleSet, available_versions, load_ruleset
from rehabdesk.guidance.rules.loader import ruleset_bytes
from rehabdesk.guidance.rules.published import PUBLISHED

REPO = Path(__file__).resolve().parents[3]


def test_it_loads_the_latest_version_when_none_is_named():
    assert load_ruleset().version == max(available_versions())
    assert load_ruleset(None) is load_ruleset(max(available_versions()))


def test_it_loads_version_1_with_its_steps_in_order():
    ruleset = load_ruleset(1)
    assert ruleset.version == 1
    assert ruleset.steps == ("red_flags", "reason", "screen")
    assert ruleset.question("rf_bladder_bowel").step == "red_flags"


@pytest.mark.parametrize("version", [0, -1, 999, "1", 1.0, True])
def test_it_refuses_an_unknown_version(version):
    with pytest.raises(UnknownRuleSet):
        load_ruleset(version)


def test_it_has_a_digest_for_every_rule_file_and_a_file_for_every_digest():
    assert set(PUBLISHED) == set(available_versions())


@pytest.mark.parametrize("version", sorted(PUBLISHED))
def test_it_never_changes_a_published_rule_file(version):
    digest = hashlib.sha256(ruleset_bytes(version)).hexdigest()
    assert digest == PUBLISHED[version], (
        f"v{version}.toml was published and must not change: write v{max(PUBLISHED) + 1}.toml "
        "and add its digest to rehabdesk/guidance/rules/published.py instead."
    )
    assert load_ruleset(version).sha256 == PUBLISHED[version]


def test_it_ships_the_rule_files_with_the_package():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["rehabdesk.guidance"]
    folder = Path(str(resources.files("rehabdesk.guidance")))
    shipped = {path for pattern in patterns for path in folder.glob(pattern)}
    assert {folder / "rulesets" / f"v{version}.toml" for version in PUBLISHED} <= shipped
