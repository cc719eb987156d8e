from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from rehabdesk.core.errors import DomainError

if TYPE_CHECKING:
    from rehabdesk.patients.models import Patient


class PatientErrorCode(StrEnum):
    INVALID = "invalid"
    POSSIBLE_DUPLICATE = "possible_duplicate"
    HAS_ACCOUNT = "has_account"


class PatientError(DomainError):
    def __init__(
        self,
        code: StrEnum,
        message: str,
        *,
        field: str | None = None,
        duplicates: list[Patient] | None = None,
    ) -> None:
        super().__init__(code, message, field=field)
        self.duplicates = duplicates or []
