"""Random complete, valid answer sets for a rule set: the bench's load and a check that
the engine answers every one. Seeded by the caller, so a run can be repeated."""

from __future__ import annotations

import random

from rehabdesk.guidance.rules.evaluate import check_answers
from rehabdesk.guidance.rules.types import Answer, QuestionKind, RuleSet

# Red flags are rare: answering each "yes" one time in 2 would make nearly every set an
# emergency and leave the recommendations unmeasured.
RED_FLAG_STEP = "red_flags"
YES_NO_WEIGHTS = {"red_flags": (0.04, 0.9, 0.06), "other": (0.2, 0.7, 0.1)}


def random_answers(ruleset: RuleSet, rng: random.Random) -> dict[str, Answer]:
    """One complete answer set that check_answers accepts (drawn again until it does)."""
    while True:
        answers = _draw(ruleset, rng)
        if not check_answers(ruleset, answers):
            return answers


def _draw(ruleset: RuleSet, rng: random.Random) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    # In question order, so a question shown after an earlier answer sees that answer.
    for question in ruleset.questions:
        if not question.is_shown(answers):
            continue
        if question.kind is QuestionKind.NUMBER:
            # The loader refuses a number question without both bounds.
            low, high = question.min or 0, question.max or 0
            answers[question.code] = rng.randint(low, high)
        elif question.kind is QuestionKind.YES_NO:
            weights = YES_NO_WEIGHTS[RED_FLAG_STEP if question.step == RED_FLAG_STEP else "other"]
            codes = [choice.code for choice in question.choices]
            answers[question.code] = rng.choices(codes, weights=weights)[0]
        else:
            answers[question.code] = rng.choice(question.choices).code
    return answers
