from __future__ import annotations

from enum import StrEnum

from rehabdesk.core.errors import DomainError


class CareErrorCode(StrEnum):
    INVALID = "invalid"  # a field missing or malformed (`field` says which)
    TOO_LONG = "too_long"  # a note or a field longer than allowed
    SIGNED = "signed"  # the note is signed: it never changes; amend it instead
    NOT_SIGNED = "not_signed"  # only a signed note can be amended or added to
    NOT_AUTHOR = "not_author"  # only the note's author edits and signs it
    NOT_THEIR_VISIT = "not_their_visit"  # the appointment is another practitioner's
    VISIT_NOT_HELD = "visit_not_held"  # a cancelled visit, or a hold, gets no visit note
    NOTE_EXISTS = "note_exists"  # the visit has its note already (open it)
    STALE_DRAFT = "stale_draft"  # saved meanwhile from another tab; reload first
    NO_REGISTRATION = "no_registration"  # no registration in force to sign with
    TEMPLATE_RETIRED = "template_retired"  # write on the template's current version
    WRONG_DISCIPLINE = "wrong_discipline"  # a template for another discipline
    TEMPLATE_CHANGED = "template_changed"  # another version was published meanwhile
    PELVIC_CONSENT_MISSING = "pelvic_consent_missing"  # internal exam without its consent
    SENSITIVE_CONSENT_MISSING = "sensitive_consent_missing"  # sensitive areas, no consent
    NEEDLE_COUNT_MISMATCH = "needle_count_mismatch"  # needles out != in, no event recorded
    FILE_TYPE = "file_type"  # a file that is not the PDF or image it claims to be
    FILE_TOO_LARGE = "file_too_large"
    BAD_RANGE = "bad_range"  # a chart copy's dates out of order or out of bounds


class CareError(DomainError):
    pass
