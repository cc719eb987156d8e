from __future__ import annotations

from enum import StrEnum

from rehabdesk.core.errors import DomainError


class OnlineErrorCode(StrEnum):
    RATE_LIMITED = "rate_limited"
    CODE_WRONG = "code_wrong"
    CODE_EXPIRED = "code_expired"
    ALREADY_ON_FILE = "already_on_file"
    NOTICE_NOT_CURRENT = "notice_not_current"  # consent offered to a notice no longer shown
    INVALID = "invalid"


class OnlineError(DomainError):
    pass
