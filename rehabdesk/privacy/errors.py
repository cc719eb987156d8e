from __future__ import annotations

from enum import StrEnum

from rehabdesk.core.errors import DomainError


class PrivacyErrorCode(StrEnum):
    INVALID = "invalid"  # a field missing or malformed (`field` says which)
    TOO_LONG = "too_long"  # a text longer than its limit (`field` says which)
    DECIDED = "decided"  # the request was decided already (by someone else meanwhile)
    EXTENDED = "extended"  # PHIPA allows one extension of the 30 days, taken already
    LINK_USED = "link_used"  # the export was downloaded already: a link works once
    LINK_EXPIRED = "link_expired"  # the export's link is past its days, or not ours
    NOT_REFUSED = "not_refused"  # a statement of disagreement follows a refusal only
    NOT_DECIDER = "not_decider"  # only the privacy officer or the note's author decides


class PrivacyError(DomainError):
    pass
