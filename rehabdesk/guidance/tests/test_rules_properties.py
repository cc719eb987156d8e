"""Properties over every valid answer set: a red-flag "yes" never ends in a booking for
hands-on treatment, evaluation is deterministic, and screen() agrees with evaluate()."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rehabdesk.guidance.rules import (
    AnswersIncomplete,
    QuestionKind,
    Treatment,
    check_answers,
    evaluate,
    load_ruleset,
    screen,
)
from rehabdesk.guidance.rules.sampling import random_answers
from rehabdesk.guidance.rules.types import Level

RULESET = load_ruleset(1)
RED_FLAG_CODES = [q.code for q in RULESET.step_questions("red_flags")]
# A history of cancer alone is not a red flag of its own (docs/algorithms/guidance.md,
# "Cancer history"): it limits the booking to a physiotherapy assessment.
FLAG_CODES = [code for code in RED_FLAG_CODES if code != "rf_cancer_history"]
ASSESSMENTS = {"physiotherapy-initial-assessment", "pelvic-floor-rehabilitation-assessment"}


# How a step's yes/no questions are answered: all "no", now and then "yes" or "not sure",
# or any answer alike. Uniform answers alone would give 13 red-flag questions a "yes"
# nearly every time, and the recommendations would hardly ever be reached.
YES_NO_MOODS = {
    "calm": ["no"],
    "mixed": ["no", "no", "no", "no", "yes", "not_sure"],
    "any": ["yes", "no", "not_sure"],
}


@st.composite
def answer_sets(draw):
    """A complete answer set check_answers accepts, any value of every question."""
    moods = {step: draw(st.sampled_from(sorted(YES_NO_MOODS))) for step in RULESET.steps}
    answers = {}
    for question in RULESET.questions:
        if not question.is_shown(answers):
            continue
        if question.kind is QuestionKind.NUMBER:
            answers[question.code] = draw(st.integers(question.min, question.max))
        elif question.kind is QuestionKind.YES_NO:
            answers[question.code] = draw(st.sampled_from(YES_NO_MOODS[moods[question.step]]))
        else:
            answers[question.code] = draw(st.sampled_from([c.code for c in question.choices]))
    if check_answers(RULESET, answers):
        # The one contradiction v1 has besides shown_when: a bad fall with no cause.
        answers["cause"] = draw(st.sampled_from(["work", "car", "sport", "other"]))
    return answers


def with_a_flag(codes):
    return st.tuples(answer_sets(), st.sampled_from(codes)).map(lambda pair: flagged(*pair))


def flagged(answers, code):
    answers = {**answers, code: "yes"}
    if code == "rf_major_trauma" and answers["cause"] == "none":
        answers["cause"] = "other"  # a bad fall has a cause (v1's contradiction)
    return answers


@settings(max_examples=200, deadline=None)
@given(answer_sets())
def test_it_answers_every_valid_answer_set(answers):
    assert check_answers(RULESET, answers) == ()
    guidance = evaluate(RULESET, answers)
    assert guidance.ruleset_version == 1
    assert guidance.level == max(
        (flag.level for flag in guidance.red_flags), key=lambda level: level.urgency, default="book"
    )
    if guidance.level is Level.BOOK:
        assert guidance.recommendations
        assert not guidance.recommendations[0].add_on
    else:
        assert guidance.recommendations == ()


@settings(max_examples=300, deadline=None)
@given(with_a_flag(FLAG_CODES))
def test_it_never_says_book_after_a_red_flag_yes(answers):
    guidance = evaluate(RULESET, answers)
    assert guidance.level is not Level.BOOK
    assert guidance.recommendations == ()


@settings(max_examples=300, deadline=None)
@given(with_a_flag(RED_FLAG_CODES))
def test_it_never_books_hands_on_treatment_after_any_red_flag_yes(answers):
    guidance = evaluate(RULESET, answers)
    booked = {slug for r in guidance.recommendations for slug in r.services}
    assert booked <= ASSESSMENTS


@settings(max_examples=100, deadline=None)
@given(st.tuples(answer_sets(), st.sampled_from(RED_FLAG_CODES)))
def test_it_never_books_massage_after_a_red_flag_not_sure(pair):
    answers = {**pair[0], pair[1]: "not_sure"}
    guidance = evaluate(RULESET, answers)
    offered = {r.treatment for r in guidance.recommendations}
    assert Treatment.MASSAGE_THERAPY not in offered
    assert Treatment.ACUPUNCTURE not in offered
    assert {slug for r in guidance.recommendations for slug in r.services} <= ASSESSMENTS


@settings(max_examples=100, deadline=None)
@given(answer_sets(), st.randoms(use_true_random=False))
def test_it_gives_the_same_guidance_for_the_same_answers_in_any_order(answers, rng):
    shuffled = list(answers.items())
    rng.shuffle(shuffled)
    assert evaluate(RULESET, answers) == evaluate(RULESET, dict(shuffled))
    assert evaluate(RULESET, answers) == evaluate(load_ruleset(1), dict(answers))


@settings(max_examples=100, deadline=None)
@given(answer_sets())
def test_it_screens_the_same_red_flags_and_cautions_as_it_evaluates(answers):
    guidance = evaluate(RULESET, answers)
    screened = screen(RULESET, answers)
    assert screened.red_flags == guidance.red_flags
    assert screened.cautions == guidance.cautions
    assert screened.level == guidance.level


@settings(max_examples=100, deadline=None)
@given(answer_sets())
def test_it_offers_only_treatments_no_do_not_treat_caution_forbids(answers):
    guidance = evaluate(RULESET, answers)
    forbidden = {
        modality
        for caution in guidance.cautions
        if caution.level == "do_not_treat" and not caution.temporary
        for modality in caution.modalities
    }
    for recommendation in guidance.recommendations:
        assert not RULESET.treatment(recommendation.treatment).essential & forbidden
        assert recommendation.services
        assert set(recommendation.services) <= set(
            RULESET.treatment(recommendation.treatment).services
        )


@settings(max_examples=100, deadline=None)
@given(answer_sets())
def test_it_shows_the_answers_that_drove_each_recommendation(answers):
    for recommendation in evaluate(RULESET, answers).recommendations:
        assert recommendation.reasons
        for reason in recommendation.reasons:
            assert answers[reason.code] == reason.answer


@settings(max_examples=100, deadline=None)
@given(answer_sets(), st.data())
def test_it_never_recommends_when_an_answer_is_missing(answers, data):
    dropped = data.draw(st.sampled_from(sorted(answers)))
    partial = {code: value for code, value in answers.items() if code != dropped}
    with pytest.raises(AnswersIncomplete) as refused:
        evaluate(RULESET, partial)
    assert (dropped, "missing") in {(p.code, p.kind) for p in refused.value.problems}


def test_it_draws_only_valid_answer_sets_for_the_bench_reaching_every_outcome():
    rng = random.Random(21)
    levels, firsts, add_ons, fallbacks = set(), set(), set(), 0
    for _ in range(2000):
        answers = random_answers(RULESET, rng)
        assert check_answers(RULESET, answers) == ()
        guidance = evaluate(RULESET, answers)
        levels.add(guidance.level)
        if guidance.first is not None:
            firsts.add(guidance.first.treatment)
            fallbacks += guidance.first.score == 0
        add_ons |= {r.treatment for r in guidance.recommendations if r.add_on}
    assert levels == set(Level)
    assert firsts == {"physiotherapy", "massage_therapy", "pelvic_health"}
    assert add_ons == {"acupuncture"}
    assert fallbacks > 0
