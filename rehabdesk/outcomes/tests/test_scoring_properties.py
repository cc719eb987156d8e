"""Properties of scoring over any answers: a valid set always has a score within the
instrument's scale, in two decimals, in a band where the instrument has bands; any
mapping at all is answered without raising; more trouble never scores better; judging
change reads the same both ways. No database."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from rehabdesk.outcomes.scoring import SPECS, Instrument, Verdict, judge_change, score
from rehabdesk.outcomes.scoring.sampling import random_answers

INSTRUMENTS = st.sampled_from(list(Instrument))


@st.composite
def valid_answers(draw, instrument=INSTRUMENTS):
    """Any answer set scoring must score: each item in range or unanswered (never more
    unanswered than allowed; at least one PSFS activity), modules whole, partial or absent."""
    spec = SPECS[draw(instrument)]
    answer = st.integers(spec.low, spec.high)
    answers = {key: draw(answer) for key in spec.items}
    unanswered = draw(st.integers(0, spec.max_missing))
    for key in draw(st.permutations(spec.items))[:unanswered]:
        if draw(st.booleans()):
            answers[key] = None
        else:
            del answers[key]
    for keys in spec.modules.values():
        answers.update({key: draw(answer) for key in keys if draw(st.booleans())})
    return spec, answers


@settings(max_examples=200)
@given(valid_answers())
def test_it_scores_any_valid_answers_within_the_scale(case):
    spec, answers = case
    scored = score(spec.instrument, answers)
    assert scored.reasons == ()
    assert spec.score_min <= scored.score <= spec.score_max
    assert scored.score.as_tuple().exponent == -2
    assert (scored.band is None) is (not spec.bands)
    if spec.bands:
        band = next(band for band in spec.bands if band.code == scored.band)
        assert scored.score <= band.upper
        assert scored.band_label == band.label
    for name, keys in spec.modules.items():
        whole = all(answers.get(key) is not None for key in keys)
        assert (scored.modules[name] is not None) is whole
        if whole:
            assert spec.score_min <= scored.modules[name] <= spec.score_max


ANYTHING = st.one_of(
    st.none(),
    st.integers(-20, 20),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=True),
    st.text(max_size=3),
    st.decimals(allow_nan=False, allow_infinity=False),
)
KEYS = st.one_of(
    st.sampled_from(["1", "2", "5", "10", "11", "20", "21", "w1", "w4", "s3", "s5", ""]),
    st.text(max_size=3),
    st.integers(0, 25),
)


@settings(max_examples=200)
@given(INSTRUMENTS, st.dictionaries(KEYS, ANYTHING, max_size=25))
def test_it_answers_any_mapping_without_raising(instrument, answers):
    spec = SPECS[instrument]
    scored = score(instrument, answers)
    assert (scored.score is None) is bool(scored.reasons)
    if scored.score is not None:
        assert spec.score_min <= scored.score <= spec.score_max
    keys = set(spec.all_items)
    for reason in scored.reasons:
        assert reason.item is None or reason.item in keys or reason.item in map(str, answers)


@settings(max_examples=200)
@given(valid_answers(), st.data())
def test_a_worse_answer_never_scores_better(case, data):
    """Raising one answer moves the score in the instrument's direction of worse or
    better, never the other way (the formulas are monotone in each item)."""
    spec, answers = case
    answered = [key for key in spec.items if answers.get(key) is not None]
    key = data.draw(st.sampled_from(answered))
    if answers[key] == spec.high:
        return
    raised = answers | {key: answers[key] + 1}
    before, after = score(spec.instrument, answers).score, score(spec.instrument, raised).score
    assert after >= before  # every scale grows with its answers; direction is read after


@settings(max_examples=200)
@given(INSTRUMENTS, st.data())
def test_judging_change_is_symmetric(instrument, data):
    """A change and its reverse have opposite improvements and the same size flags; an
    improvement and a worsening are never judged alike."""
    spec = SPECS[instrument]
    low, high = int(spec.score_min * 100), int(spec.score_max * 100)
    baseline, follow_up = (Decimal(data.draw(st.integers(low, high))).scaleb(-2) for _ in range(2))
    forth = judge_change(instrument, baseline=baseline, follow_up=follow_up)
    back = judge_change(instrument, baseline=follow_up, follow_up=baseline)
    assert forth.improvement == -back.improvement
    assert (forth.exceeds_mcid, forth.exceeds_mdc) == (back.exceeds_mcid, back.exceeds_mdc)
    if forth.verdict is Verdict.WORSENED:
        assert back.verdict is Verdict.IMPROVED
    if forth.improvement == 0:
        assert forth.verdict is Verdict.NO_CLEAR_CHANGE


def test_the_benchs_random_answers_are_all_scored():
    rng = random.Random(24)
    for _ in range(2_000):
        instrument = rng.choice(list(Instrument))
        scored = score(instrument, random_answers(instrument, rng))
        assert scored.score is not None, scored.reasons
