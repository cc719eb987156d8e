"""Each contraindication rule of §2.2-2.4 is raised by its answer, by screen() alone and
within a whole evaluation, at the level the reference gives it."""

import pytest

from rehabdesk.guidance.rules import CautionLevel, Modality, evaluate, load_ruleset, screen
from rehabdesk.guidance.tests.vignettes import BASELINE

RULESET = load_ruleset(1)
REASON = {"reason": "tension", "onset_weeks": 4, "cause": "none", "pain_now": 3}
E = Modality

# rule -> (the answers that raise it, its level, modalities it must name)
CAUTIONS = {
    "suspected_dvt_massage": ({"rf_calf_swollen": "yes"}, "do_not_treat", {E.MASSAGE}),
    "clot_massage": ({"clot": "yes"}, "do_not_treat", {E.MASSAGE, E.DEEP_PRESSURE}),
    "clot_local": ({"clot": "yes"}, "avoid_area", {E.ELECTROTHERAPY}),
    "fever_hands_on": ({"rf_fever": "yes"}, "do_not_treat", {E.MASSAGE, E.NEEDLING}),
    "contagious_hands_on": ({"contagious": "yes"}, "do_not_treat", {E.MASSAGE, E.NEEDLING}),
    "uncontrolled_blood_pressure": (
        {"high_blood_pressure_uncontrolled": "yes"},
        "do_not_treat",
        {E.MASSAGE},
    ),
    "uncontrolled_blood_pressure_exercise": (
        {"high_blood_pressure_uncontrolled": "yes"},
        "modify",
        {E.EXERCISE},
    ),
    "pacemaker_electrotherapy": ({"pacemaker": "yes"}, "do_not_treat", {E.ELECTROTHERAPY}),
    "pacemaker_electroacupuncture": ({"pacemaker": "yes"}, "modify", {E.NEEDLING}),
    "implanted_device_massage": ({"pacemaker": "yes"}, "modify", {E.MASSAGE}),
    "metal_implant_electrotherapy": ({"metal_implant": "yes"}, "avoid_area", {E.ELECTROTHERAPY}),
    "anticoagulants_deep_pressure": ({"anticoagulants": "yes"}, "modify", {E.DEEP_PRESSURE}),
    "anticoagulants_needling": ({"anticoagulants": "yes"}, "modify", {E.NEEDLING}),
    "anticoagulants_electrotherapy": ({"anticoagulants": "yes"}, "modify", {E.ELECTROTHERAPY}),
    "pregnancy_electrotherapy": (
        {"pregnant": "yes", "pregnancy_high_risk": "no"},
        "avoid_area",
        {E.ELECTROTHERAPY},
    ),
    "pregnancy_needling": (
        {"pregnant": "yes", "pregnancy_high_risk": "no"},
        "modify",
        {E.NEEDLING},
    ),
    "pregnancy_massage": ({"pregnant": "yes", "pregnancy_high_risk": "no"}, "modify", {E.MASSAGE}),
    "high_risk_pregnancy_massage": (
        {"pregnant": "yes", "pregnancy_high_risk": "yes"},
        "do_not_treat",
        {E.MASSAGE},
    ),
    "open_skin": ({"skin_open": "yes"}, "avoid_area", {E.MASSAGE, E.NEEDLING, E.ELECTROTHERAPY}),
    "cancer_treatment_deep_pressure": ({"cancer_treatment": "yes"}, "modify", {E.DEEP_PRESSURE}),
    "cancer_treatment_local": ({"cancer_treatment": "yes"}, "avoid_area", {E.MASSAGE}),
    "cancer_treatment_needling": ({"cancer_treatment": "yes"}, "modify", {E.NEEDLING}),
    "cancer_history_note": ({"rf_cancer_history": "yes"}, "note", set()),
    "cancer_history_deep_pressure": ({"rf_cancer_history": "yes"}, "modify", {E.DEEP_PRESSURE}),
    "osteoporosis": (
        {"osteoporosis": "yes"},
        "modify",
        {E.SPINAL_MANIPULATION, E.DEEP_PRESSURE},
    ),
    "epilepsy_electrotherapy": ({"epilepsy": "yes"}, "do_not_treat", {E.ELECTROTHERAPY}),
    "diabetes_neuropathy": ({"diabetes_neuropathy": "yes"}, "modify", {E.HEAT, E.DEEP_PRESSURE}),
    "red_flag_not_sure": ({"rf_night_pain": "not_sure"}, "note", set()),
    "screen_not_sure": ({"epilepsy": "not_sure"}, "note", set()),
}


def test_it_lists_every_caution_rule_of_the_file_here():
    assert set(CAUTIONS) == {rule.rule for rule in RULESET.caution_rules}


@pytest.mark.parametrize("rule", sorted(CAUTIONS))
def test_it_raises_each_caution_from_its_answer_alone(rule):
    answers, level, modalities = CAUTIONS[rule]
    raised = {caution.rule: caution for caution in screen(RULESET, answers).cautions}
    assert rule in raised
    assert raised[rule].level == CautionLevel(level)
    assert modalities <= raised[rule].modalities
    assert set(raised[rule].codes) <= set(answers)


@pytest.mark.parametrize("rule", sorted(CAUTIONS))
def test_it_raises_each_caution_in_a_whole_evaluation(rule):
    answers, _level, _modalities = CAUTIONS[rule]
    guidance = evaluate(RULESET, {**BASELINE, **REASON, **answers})
    assert rule in {caution.rule for caution in guidance.cautions}


def test_it_raises_no_caution_when_every_answer_is_no():
    assert evaluate(RULESET, {**BASELINE, **REASON}).cautions == ()


def test_it_lists_cautions_strictest_first():
    answers = {"pacemaker": "yes", "anticoagulants": "yes", "skin_open": "yes", "epilepsy": "no"}
    levels = [caution.level.strictness for caution in screen(RULESET, answers).cautions]
    assert levels == sorted(levels, reverse=True)
    assert levels[0] == CautionLevel.DO_NOT_TREAT.strictness


def test_it_screens_what_is_answered_and_ignores_what_it_cannot_read():
    answers = {"pacemaker": "yes", "allergies": "latex", "epilepsy": "maybe", "pain_now": 99}
    result = screen(RULESET, answers)
    assert {caution.rule for caution in result.cautions} == {
        "pacemaker_electrotherapy",
        "pacemaker_electroacupuncture",
        "implanted_device_massage",
    }
    assert result.red_flags == ()
    assert screen(RULESET, {}).cautions == ()


def test_it_screens_red_flags_with_their_level_and_codes():
    result = screen(RULESET, {"rf_saddle_numbness": "yes", "rf_fever": "yes"})
    assert [(flag.rule, flag.level, flag.codes) for flag in result.red_flags] == [
        ("cauda_equina", "emergency", ("rf_saddle_numbness",)),
        ("infection", "doctor_today", ("rf_fever",)),
    ]
    assert result.level == "emergency"
    assert screen(RULESET, {}).level == "book"


def test_it_takes_massage_off_the_list_when_a_do_not_treat_caution_covers_it():
    answers = {**BASELINE, **REASON, "clot": "yes"}
    guidance = evaluate(RULESET, answers)
    assert "massage_therapy" not in {r.treatment for r in guidance.recommendations}
    assert guidance.first is not None
    assert guidance.first.treatment == "physiotherapy"


def test_it_keeps_the_treatment_but_says_to_wait_for_a_temporary_stop():
    guidance = evaluate(RULESET, {**BASELINE, **REASON, "contagious": "yes"})
    assert guidance.first is not None
    assert guidance.first.treatment == "massage_therapy"
    assert any(reason.code == "contagious" for reason in guidance.first.reasons)
