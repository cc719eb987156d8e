from __future__ import annotations

from enum import StrEnum

from rehabdesk.core.errors import DomainError


class OutcomeErrorCode(StrEnum):
    INVALID = "invalid"  # a field missing or malformed (`field` says which)
    OUT_OF_RANGE = "out_of_range"  # an answer outside its item's range (`field`: the item)
    MISSING_ITEM = "missing_item"  # a required item unanswered (`field`: the item)
    ALREADY_ANSWERED = "already_answered"  # the request has its result already
    REQUEST_CLOSED = "request_closed"  # cancelled, or the link has expired
    NO_WORDING = "no_wording"  # a licensed instrument without the clinic's wording
    ALREADY_SENT = "already_sent"  # e-mailed already, and only a first sending was asked


class OutcomeError(DomainError):
    pass
