from __future__ import annotations

from enum import StrEnum

from rehabdesk.core.errors import DomainError


class OnlineErrorCode(StrEnum):
    RATE_LIMITED = "rate_limited"
    CODE_WRONG = "code_wrong"
    NOTICE_NOT_CURRENT = "notice_not_current"  # consent offered to a notice no longer shown
    INVALID = "invalid"
    # A service that follows a first visit (a follow-up), asked for by a new patient.
    RETURNING_PATIENTS_ONLY = "returning_patients_only"


class OnlineError(DomainError):
    pass
