"""People written as answers (vignettes.toml), and what rule set v1 tells each of them."""

import pytest

from rehabdesk.guidance.rules import Level, evaluate, load_ruleset
from rehabdesk.guidance.tests.vignettes import VIGNETTES, answers_of

RULESET = load_ruleset(1)


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["name"] for v in VIGNETTES])
def test_it_tells_each_vignette_what_the_reference_says(vignette):
    guidance = evaluate(RULESET, answers_of(vignette))
    assert guidance.level == Level(vignette["level"])
    treatments = [str(r.treatment) for r in guidance.recommendations]
    assert (treatments[0] if treatments else "none") == vignette["first"]
    if "first_services" in vignette:
        assert list(guidance.recommendations[0].services) == vignette["first_services"]
    if "then" in vignette:
        assert treatments[1:] == vignette["then"]
    if "red_flags" in vignette:
        assert sorted(flag.rule for flag in guidance.red_flags) == sorted(vignette["red_flags"])
    if "cautions" in vignette:
        assert set(vignette["cautions"]) <= {caution.rule for caution in guidance.cautions}
    if "pathways" in vignette:
        assert [pathway.code for pathway in guidance.pathways] == vignette["pathways"]


def test_it_has_at_least_thirty_vignettes_with_distinct_names():
    names = [vignette["name"] for vignette in VIGNETTES]
    assert len(names) >= 30
    assert len(set(names)) == len(names)


def test_it_answers_every_question_of_the_rule_set_in_each_vignette():
    """A vignette is a complete answer set: the baseline plus its own answers."""
    for vignette in VIGNETTES:
        asked = {q.code for q in RULESET.questions if q.is_shown(answers_of(vignette))}
        assert asked == set(answers_of(vignette)), vignette["name"]


def test_it_covers_every_emergency_and_doctor_rule_with_a_vignette():
    raised = {
        flag.rule
        for vignette in VIGNETTES
        for flag in evaluate(RULESET, answers_of(vignette)).red_flags
    }
    urgent = {rule.rule for rule in RULESET.red_flag_rules if rule.level is not Level.BOOK}
    assert urgent == {rule.rule for rule in RULESET.red_flag_rules}
    assert urgent - raised == set()


@pytest.mark.parametrize("level", [Level.EMERGENCY, Level.DOCTOR_TODAY, Level.DOCTOR_FIRST])
def test_it_has_a_vignette_ending_at_each_level_with_nothing_to_book(level):
    ending = [v for v in VIGNETTES if v["level"] == level]
    assert ending
    assert all(v["first"] == "none" for v in ending)


def test_it_has_vignettes_whose_first_recommendation_is_each_main_treatment():
    firsts = {vignette["first"] for vignette in VIGNETTES}
    assert {"physiotherapy", "massage_therapy", "pelvic_health"} <= firsts
