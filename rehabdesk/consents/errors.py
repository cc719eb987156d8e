from __future__ import annotations

from enum import StrEnum

from rehabdesk.core.errors import DomainError


class ConsentErrorCode(StrEnum):
    NO_NOTICE = "no_notice"
    ALREADY_WITHDRAWN = "already_withdrawn"
    EMPTY_NOTICE = "empty_notice"


class ConsentError(DomainError):
    pass
