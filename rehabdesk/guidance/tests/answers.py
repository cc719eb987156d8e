"""Answer sets for the guide's tests, written with rule set v1's question codes
(docs/algorithms/guidance.md lists them)."""

from __future__ import annotations

from rehabdesk.guidance.rules import load_ruleset

RULESET = load_ruleset(1)


def codes_of(step: str) -> list[str]:
    return [question.code for question in RULESET.step_questions(step)]


# Nothing alarming: every red flag "no".
RED_FLAGS_NONE: dict[str, str | int] = dict.fromkeys(codes_of("red_flags"), "no")
BACK_PAIN: dict[str, str | int] = {
    "reason": "back_neck",
    "onset_weeks": 3,
    "cause": "none",
    "pain_now": 5,
    "wants_needles": "no",
}
# A healthy adult: every screen question "no" (the follow-up about a pregnancy is not asked).
SCREEN_NONE: dict[str, str | int] = {
    code: "no" for code in codes_of("screen") if code != "pregnancy_high_risk"
}
HEALTHY_BACK_PAIN = {**RED_FLAGS_NONE, **BACK_PAIN, **SCREEN_NONE}
# Chest pain or sudden shortness of breath: an emergency, whatever else is said.
CHEST_PAIN = {**RED_FLAGS_NONE, "rf_chest_breath": "yes"}


def as_form(answers: dict[str, str | int], step: str) -> dict[str, str]:
    """The answers of one step as a browser posts them."""
    return {code: str(value) for code, value in answers.items() if code in codes_of(step)}
