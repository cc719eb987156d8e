"""The one shape of a refused request, shared by every domain app.

A service that refuses raises a subclass of DomainError. Its `code` is a member of the
app's error-code enum, so callers can branch on it; its `message` is written for the
person at the screen; `field` names the input at fault when there is one. The edges turn
it into a form error or a 4xx response (the status of each code is in one table,
rehabdesk/access/refusals.py): a refused request is never a 500.
"""

from __future__ import annotations

from enum import StrEnum


class DomainError(Exception):
    def __init__(self, code: StrEnum, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!s}, {self.message!r}, field={self.field!r})"


class RequestErrorCode(StrEnum):
    INVALID = "invalid"  # the request's shape: a field missing, of the wrong type
    UNKNOWN = "unknown"  # an id that names nothing the caller may use (`field` says which)
    OUT_OF_RANGE = "out_of_range"  # a search wider or further ahead than allowed
    NOT_ALLOWED = "not_allowed"  # an option the caller's role does not have
    NOT_FOUND = "not_found"  # a record that is not there, or not the caller's to see
    NOT_JSON = "not_json"  # a body sent to a JSON endpoint that does not read as JSON
    SIGN_IN_REQUIRED = "sign_in_required"  # no session, where one is needed
    CSRF_FAILED = "csrf_failed"  # a signed-in change sent without its CSRF token


class RequestError(DomainError):
    """A request an edge refuses before any service is asked: input that is
    well-formed but names nothing usable, or asks for more than is allowed. Edges raise
    it; services never do (their own app's error says what the rule is)."""
