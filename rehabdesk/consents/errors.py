from __future__ import annotations

from enum import StrEnum

from rehabdesk.core.errors import DomainError


class ConsentErrorCode(StrEnum):
    NO_NOTICE = "no_notice"
    ALREADY_WITHDRAWN = "already_withdrawn"
    EMPTY_NOTICE = "empty_notice"
    NO_TEXT = "no_text"  # no text published for the topic yet
    TEXT_CHANGED = "text_changed"  # a newer version was published since the patient read it
    ALREADY_ON_FILE = "already_on_file"  # an active consent to this version is on file
    NOT_SIGNED = "not_signed"  # a tablet consent without the typed name
    NOTE_REQUIRED = "note_required"  # a verbal consent without the practitioner's note
    NOT_AGREED = "not_agreed"  # the box saying "I agree" was not ticked
    AREAS_REQUIRED = "areas_required"  # sensitive areas consent naming no area
    WRITTEN_REQUIRED = "written_required"  # sensitive areas cannot be consented verbally
    WRONG_CHANNEL = "wrong_channel"  # privacy consent at the desk: staff or paper only
    # The lockbox (consent directives) and openings past it (docs/domain/lockbox.md).
    NO_PRACTITIONER_NAMED = "no_practitioner_named"  # "from the ones I name", naming none
    VISIT_REQUIRED = "visit_required"  # a visit's notes withheld without saying which visit
    NOT_THEIR_VISIT = "not_their_visit"  # the visit is not this patient's
    REASON_REQUIRED = "reason_required"  # an opening (or its review) without a reason
    ALREADY_REVIEWED = "already_reviewed"  # an opening reviewed twice


class ConsentError(DomainError):
    pass
