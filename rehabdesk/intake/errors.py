from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from rehabdesk.core.errors import DomainError

if TYPE_CHECKING:
    from rehabdesk.intake.form import Problem


class IntakeErrorCode(StrEnum):
    INVALID_ANSWERS = "invalid_answers"  # answers of the wrong kind, or required ones blank
    INCOMPLETE = "incomplete"  # submitted with required answers still missing
    UNKNOWN_SECTION = "unknown_section"
    UNKNOWN_FORM = "unknown_form"  # a form version that was never published
    ALREADY_SUBMITTED = "already_submitted"  # a submitted form is not changed or redone
    DRAFT_ELSEWHERE = "draft_elsewhere"  # begun on the other channel (online / on paper)


class IntakeError(DomainError):
    """A refused intake write. `problems`: one per answer at fault, for the form."""

    def __init__(
        self,
        code: StrEnum,
        message: str,
        *,
        field: str | None = None,
        problems: Sequence[Problem] = (),
    ) -> None:
        super().__init__(code, message, field=field)
        self.problems = list(problems)
