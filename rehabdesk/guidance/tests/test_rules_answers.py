"""Incomplete, invalid or contradictory answers get a question back, never a
recommendation."""

import json

import pytest

from rehabdesk.guidance.rules import (
    AnswersIncomplete,
    ProblemKind,
    check_answers,
    evaluate,
    load_ruleset,
    screen,
)
from rehabdesk.guidance.tests.vignettes import BASELINE

RULESET = load_ruleset(1)
REASON = {"reason": "injury", "onset_weeks": 2, "cause": "sport", "pain_now": 5}
COMPLETE = {**BASELINE, **REASON}


def problems_of(answers, **kwargs):
    return [(p.code, p.kind) for p in check_answers(RULESET, answers, **kwargs)]


def test_it_finds_nothing_wrong_with_a_complete_answer_set():
    assert check_answers(RULESET, COMPLETE) == ()


def test_it_lists_every_unanswered_question_in_question_order():
    problems = problems_of({})
    expected = [q.code for q in RULESET.questions if q.shown_when is None]
    assert problems == [(code, ProblemKind.MISSING) for code in expected]


def test_it_asks_only_the_steps_named():
    red_flags = [q.code for q in RULESET.step_questions("red_flags")]
    assert problems_of({}, steps=["red_flags"]) == [(c, ProblemKind.MISSING) for c in red_flags]
    answered = dict.fromkeys(red_flags, "no")
    assert problems_of(answered, steps=["red_flags"]) == []


def test_it_refuses_a_step_the_rule_set_does_not_have():
    with pytest.raises(ValueError, match="no step"):
        check_answers(RULESET, {}, steps=["billing"])


def test_it_asks_whether_a_pregnancy_is_high_risk_only_when_pregnant():
    assert problems_of({**COMPLETE, "pregnant": "yes"}) == [
        ("pregnancy_high_risk", ProblemKind.MISSING)
    ]
    assert problems_of({**COMPLETE, "pregnant": "yes", "pregnancy_high_risk": "no"}) == []


@pytest.mark.parametrize("pregnant", ["no", "not_sure"])
def test_it_calls_a_high_risk_pregnancy_without_a_pregnancy_a_contradiction(pregnant):
    answers = {**COMPLETE, "pregnant": pregnant, "pregnancy_high_risk": "yes"}
    assert problems_of(answers) == [("pregnancy_high_risk", ProblemKind.CONTRADICTION)]


def test_it_calls_a_bad_fall_with_nothing_as_its_cause_a_contradiction():
    answers = {**COMPLETE, "rf_major_trauma": "yes", "cause": "none"}
    problems = check_answers(RULESET, answers)
    assert [(p.code, p.kind) for p in problems] == [
        ("rf_major_trauma", ProblemKind.CONTRADICTION),
        ("cause", ProblemKind.CONTRADICTION),
    ]
    assert problems[0].message == problems[1].message


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("rf_fever", "maybe"),
        ("rf_fever", True),
        ("rf_fever", 1),
        ("reason", "headache"),
        ("reason", ""),
        ("cause", None),
        ("onset_weeks", -1),
        ("onset_weeks", 521),
        ("onset_weeks", "3"),
        ("onset_weeks", 2.5),
        ("pain_now", 11),
        ("pain_now", True),
    ],
)
def test_it_calls_a_value_its_question_does_not_take_invalid(code, value):
    assert problems_of({**COMPLETE, code: value}) == [(code, ProblemKind.INVALID)]


def test_it_accepts_the_bounds_of_a_number():
    assert problems_of({**COMPLETE, "onset_weeks": 0, "pain_now": 10}) == []
    assert problems_of({**COMPLETE, "onset_weeks": 520, "pain_now": 0}) == []


def test_it_calls_a_code_no_question_has_invalid_after_the_others():
    problems = problems_of({**COMPLETE, "zz_unknown": "yes", "aa_unknown": 1, "rf_fever": "x"})
    assert problems == [
        ("rf_fever", ProblemKind.INVALID),
        ("aa_unknown", ProblemKind.INVALID),
        ("zz_unknown", ProblemKind.INVALID),
    ]


def test_it_gives_a_message_a_person_can_act_on():
    (missing,) = check_answers(RULESET, {k: v for k, v in COMPLETE.items() if k != "pain_now"})
    assert missing.message == f"Please answer: {RULESET.question('pain_now').text}"
    (invalid,) = check_answers(RULESET, {**COMPLETE, "pain_now": 12})
    assert invalid.message == "Please give a whole number from 0 to 10."


def test_it_recommends_nothing_for_incomplete_answers():
    answers = {k: v for k, v in COMPLETE.items() if k != "rf_fever"}
    with pytest.raises(AnswersIncomplete) as refused:
        evaluate(RULESET, answers)
    assert [(p.code, p.kind) for p in refused.value.problems] == [("rf_fever", ProblemKind.MISSING)]


def test_it_recommends_nothing_for_contradictory_answers_even_with_a_red_flag():
    answers = {**COMPLETE, "rf_bladder_bowel": "yes", "pregnancy_high_risk": "no"}
    with pytest.raises(AnswersIncomplete):
        evaluate(RULESET, answers)


def test_it_reads_a_forms_text_as_the_questions_answer():
    assert RULESET.question("pain_now").read(" 7 ") == 7
    assert RULESET.question("pain_now").read("seven") == "seven"
    assert RULESET.question("pain_now").read("-1") == "-1"
    assert RULESET.question("pain_now").read("٣") == "٣"  # only ASCII digits are a number
    assert RULESET.question("rf_fever").read("not_sure") == "not_sure"
    raw = {"pain_now": "12", "onset_weeks": "3"}
    answers = {code: RULESET.question(code).read(text) for code, text in raw.items()}
    assert problems_of({**COMPLETE, **answers}) == [("pain_now", ProblemKind.INVALID)]


def test_it_gives_the_guidance_as_plain_json_data():
    guidance = evaluate(RULESET, {**COMPLETE, "cause": "work", "anticoagulants": "yes"})
    data = json.loads(json.dumps(guidance.as_data()))
    assert data["ruleset_version"] == 1
    assert data["level"] == "book"
    assert data["recommendations"][0]["treatment"] == "physiotherapy"
    assert data["recommendations"][0]["reasons"][0]["code"] == "reason"
    assert data["pathways"][0]["code"] == "wsib"
    caution = data["cautions"][0]
    assert caution["modalities"] == sorted(caution["modalities"])


def test_it_takes_one_step_named_alone():
    assert problems_of({}, steps="reason") == problems_of({}, steps=["reason"])


@pytest.mark.parametrize("value", [["yes"], {"yes": 1}, None, b"yes"])
def test_it_calls_a_value_of_the_wrong_type_invalid_without_failing(value):
    answers = {**COMPLETE, "pregnant": value, "pregnancy_high_risk": "no"}
    assert ("pregnant", ProblemKind.INVALID) in problems_of(answers)
    assert screen(RULESET, {"pregnant": value, "pacemaker": ["yes"]}).cautions == ()
