from __future__ import annotations

from enum import StrEnum

from rehabdesk.core.errors import DomainError


class TokenErrorCode(StrEnum):
    # Unknown, malformed, revoked or expired, or its person no longer signs in: one
    # answer for all, so a caller learns nothing about which tokens exist.
    TOKEN_INVALID = "token_invalid"  # noqa: S105 - an error code
    # A token without the scope the route declares.
    SCOPE_MISSING = "token_scope_missing"
    # More calls in the minute than settings.API_TOKEN_CALLS_PER_MINUTE.
    RATE_LIMITED = "rate_limited"
    # A form's input: a name, a scope, a role, a date.
    INVALID = "invalid"
    # A personal token for someone who is not on staff.
    NOT_STAFF = "not_staff"
    ALREADY_REVOKED = "already_revoked"


class TokenError(DomainError):
    def __init__(
        self,
        code: StrEnum,
        message: str,
        *,
        field: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(code, message, field=field)
        # Seconds until a rate-limited token may call again.
        self.retry_after = retry_after
