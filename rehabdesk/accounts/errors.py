from enum import StrEnum

from rehabdesk.core.errors import DomainError


class AccountsErrorCode(StrEnum):
    EMAIL_TAKEN = "email_taken"
    INVALID = "invalid"


class AccountsError(DomainError):
    pass
