from __future__ import annotations

from enum import StrEnum

from rehabdesk.core.errors import DomainError


class SafetyErrorCode(StrEnum):
    INVALID = "invalid"  # a field missing or malformed (`field` says which)
    ALREADY_CLEARED = "already_cleared"  # the alert was cleared meanwhile
    ALREADY_ACKNOWLEDGED = "already_acknowledged"
    ALREADY_DECIDED = "already_decided"  # the red-flag review has its decision already
    # A booking a safety alert or an undecided red flag holds until a practitioner
    # decides; the desk is told only that much.
    PRACTITIONER_DECISION_NEEDED = "practitioner_decision_needed"


class SafetyError(DomainError):
    pass
