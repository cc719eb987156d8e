"""The engine's refusals. Plain exceptions: the engine imports nothing of Django, so the
guidance app turns these into its DomainError where a person is told."""

from __future__ import annotations

from rehabdesk.guidance.rules.types import Problem


class RuleSetError(Exception):
    """Base of every refusal of the engine."""


class UnknownRuleSet(RuleSetError):
    """No rule set was ever published with this version."""

    def __init__(self, version: object) -> None:
        super().__init__(f"No guidance rule set has version {version!r}.")
        self.version = version


class RuleSetInvalid(RuleSetError):
    """A rule file that does not say what the engine can read (a fault of the file, found
    when it is loaded, so never at a visitor's answer)."""


class AnswersIncomplete(RuleSetError):
    """The answers are missing, invalid or contradictory: ask again, recommend nothing."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        codes = ", ".join(sorted({problem.code for problem in problems}))
        super().__init__(f"The answers need another look: {codes}.")
        self.problems = problems
