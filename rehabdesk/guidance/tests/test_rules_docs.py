"""docs/algorithms/guidance.md stays the specification of the latest rule set: it names
every question, rule, limit and pathway the file has."""

from pathlib import Path

import pytest

from rehabdesk.guidance.rules import load_ruleset

SPEC = (Path(__file__).resolve().parents[3] / "docs" / "algorithms" / "guidance.md").read_text()
RULESET = load_ruleset()
NAMES = (
    [("question", q.code) for q in RULESET.questions]
    + [("red flag", rule.rule) for rule in RULESET.red_flag_rules]
    + [("caution", rule.rule) for rule in RULESET.caution_rules]
    + [("weight", rule.rule) for rule in RULESET.weights]
    + [("limit", rule.rule) for rule in RULESET.limits]
    + [("pathway", rule.code) for rule in RULESET.pathways]
    + [("contradiction", rule.rule) for rule in RULESET.contradictions]
    + [("treatment", spec.code) for spec in RULESET.treatments]
)


@pytest.mark.parametrize(("kind", "name"), NAMES, ids=[f"{k}:{n}" for k, n in NAMES])
def test_it_documents_every_name_of_the_rule_set(kind, name):
    assert f"`{name}`" in SPEC, f"docs/algorithms/guidance.md does not name the {kind} {name}"


def test_it_documents_every_service_the_guide_offers():
    for spec in RULESET.treatments:
        for slug in spec.services:
            assert f"`{slug}`" in SPEC


@pytest.mark.parametrize("rule", RULESET.weights, ids=[rule.rule for rule in RULESET.weights])
def test_it_documents_each_weight_with_its_treatment_and_points(rule):
    assert f"| `{rule.rule}` | {rule.treatment} | {rule.points} |" in SPEC


@pytest.mark.parametrize(
    "rule", RULESET.red_flag_rules, ids=[rule.rule for rule in RULESET.red_flag_rules]
)
def test_it_documents_each_red_flag_with_its_level(rule):
    assert f"| `{rule.rule}` | {rule.level.name} |" in SPEC


@pytest.mark.parametrize(
    "rule", RULESET.caution_rules, ids=[rule.rule for rule in RULESET.caution_rules]
)
def test_it_documents_each_caution_with_its_level(rule):
    assert f"| `{rule.rule}` | {rule.level} |" in SPEC


@pytest.mark.parametrize("question", RULESET.questions, ids=[q.code for q in RULESET.questions])
def test_it_documents_each_question_in_its_own_words(question):
    assert f"| `{question.code}` | {question.text}" in SPEC
