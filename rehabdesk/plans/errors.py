from __future__ import annotations

from enum import StrEnum

from rehabdesk.core.errors import DomainError


class PlanErrorCode(StrEnum):
    INVALID = "invalid"  # a field missing or malformed (`field` says which)
    TOO_LONG = "too_long"  # a plan longer than a year (52 weeks)
    DISCHARGED = "discharged"  # a discharged plan never changes
    STALE_PLAN = "stale_plan"  # changed meanwhile from another tab; reload first
    NOT_THEIR_PATIENT = "not_their_patient"  # the practitioner has no care relationship
    WRONG_DISCIPLINE = "wrong_discipline"  # the service or practitioner is of another one
    PROPOSAL_CHANGED = "proposal_changed"  # a proposed time was taken meanwhile


class PlanError(DomainError):
    pass
