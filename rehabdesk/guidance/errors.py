from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from rehabdesk.core.errors import DomainError


class GuidanceErrorCode(StrEnum):
    UNKNOWN_RULESET = "unknown_ruleset"  # a rule-set version that was never published
    ANSWERS_INCOMPLETE = "answers_incomplete"  # a question missing, a wrong value, a contradiction
    ALREADY_LINKED = "already_linked"  # a guide result already on another patient's record


class GuidanceError(DomainError):
    """A refusal of the guide's services. `problems` carries, for ANSWERS_INCOMPLETE,
    the rules' Problem for each question to ask again (code, kind, message)."""

    def __init__(
        self,
        code: StrEnum,
        message: str,
        *,
        field: str | None = None,
        problems: Sequence[object] = (),
    ) -> None:
        super().__init__(code, message, field=field)
        self.problems = tuple(problems)
