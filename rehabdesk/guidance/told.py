"""What the guide tells a visitor, as plain JSON-ready data: the rules' answer
(rehabdesk.guidance.rules.evaluate) written out so that it can be stored and shown
again exactly as it was, whatever later rule-set versions say.

One safety exception to "complete answers or nothing": when the red-flag questions
alone already call for an emergency, that is the answer at once — a person with
signs of cauda equina is not asked about their pacemaker first, and an emergency is
never hidden behind an error about a later question."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import Enum
from typing import Any

from rehabdesk.guidance.errors import GuidanceError, GuidanceErrorCode
from rehabdesk.guidance.rules import (
    AnswersIncomplete,
    Level,
    RuleSet,
    UnknownRuleSet,
    check_answers,
    evaluate,
    load_ruleset,
    screen,
)

RED_FLAGS_STEP = "red_flags"
INCOMPLETE = "Some answers are missing or do not fit together. Please check them."

Answers = Mapping[str, str | int]


def plain(value: Any) -> Any:
    """The rules' answer as JSON: dataclasses as objects, enums as their values, tuples
    and sets as lists (sets sorted, so the same answer stores the same text)."""
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(plain(item) for item in value)
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def ruleset_for(version: int | None) -> RuleSet:
    """The rule set of `version` (None: the latest); an unknown version is refused."""
    try:
        return load_ruleset(version)
    except UnknownRuleSet:
        raise GuidanceError(
            GuidanceErrorCode.UNKNOWN_RULESET,
            "These questions are no longer in use. Please start the guide again.",
        ) from None


def emergency_now(ruleset: RuleSet, answers: Answers) -> bool:
    """Whether the red flags answered so far already call for an emergency."""
    return any(flag.level == Level.EMERGENCY for flag in screen(ruleset, answers).red_flags)


def told(ruleset: RuleSet, answers: Answers) -> dict[str, Any]:
    """The result for these answers, as stored and shown; refused (with each problem)
    when an answer is missing, wrong or contradicts another."""
    try:
        return plain(evaluate(ruleset, answers))
    except AnswersIncomplete as incomplete:
        problems = tuple(getattr(incomplete, "problems", ()))
    if not check_answers(ruleset, answers, steps=(RED_FLAGS_STEP,)) and emergency_now(
        ruleset, answers
    ):
        found = screen(ruleset, answers)
        return {
            "level": Level.EMERGENCY.value,
            "recommendations": [],
            "cautions": plain(found.cautions),
            "red_flags": plain(found.red_flags),
            "pathways": [],
            "ruleset_version": ruleset.version,
        }
    raise GuidanceError(GuidanceErrorCode.ANSWERS_INCOMPLETE, INCOMPLETE, problems=problems)
