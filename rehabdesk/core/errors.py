"""The one shape of a refused request, shared by every domain app.

A service that refuses raises a subclass of DomainError. Its `code` is a member of the
app's error-code enum, so callers can branch on it; its `message` is written for the
person at the screen; `field` names the input at fault when there is one. The edges turn
it into a form error or a 4xx response: a refused request is never a 500.
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
