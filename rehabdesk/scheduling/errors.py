from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from rehabdesk.availability.types import Reason, Slot
from rehabdesk.core.errors import DomainError


class SchedulingErrorCode(StrEnum):
    INVALID = "invalid"
    SLOT_UNAVAILABLE = "slot_unavailable"  # the time is not on offer (hours, rules, booked)
    SLOT_TAKEN = "slot_taken"  # someone booked it a moment ago
    HOLD_EXPIRED = "hold_expired"
    NOT_A_HOLD = "not_a_hold"
    NOT_ACTIVE = "not_active"
    PATIENT_INACTIVE = "patient_inactive"
    NOT_ONLINE_BOOKABLE = "not_online_bookable"
    NEW_PATIENTS_ONLY = "new_patients_only"
    EXISTING_PATIENTS_ONLY = "existing_patients_only"
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch"  # the key was sent with another request
    ALREADY_CANCELLED = "already_cancelled"  # a retry of a booking cancelled since
    PATIENT_BUSY = "patient_busy"  # the patient has another visit then
    SERIES_CONFLICT = "series_conflict"
    CALL_US = "call_us"  # a change patients may not make themselves (self_service.py)
    # The patient has as many times held, not yet run out, as the caller allows (the
    # API's one live hold per patient: online/holds.py).
    TOO_MANY_HOLDS = "too_many_holds"


# The time asked for is not free (taken a moment ago, or not on offer): the pages answer
# these with the nearest free times instead.
TIME_NOT_FREE = frozenset({SchedulingErrorCode.SLOT_TAKEN, SchedulingErrorCode.SLOT_UNAVAILABLE})


class SchedulingError(DomainError):
    """A booking refused. `reason` says why nothing was free when the engine knows;
    `alternatives` are the next free times to offer instead."""

    def __init__(
        self,
        code: StrEnum,
        message: str,
        *,
        field: str | None = None,
        reason: Reason | None = None,
        alternatives: Sequence[Slot] = (),
    ) -> None:
        super().__init__(code, message, field=field)
        self.reason = reason
        self.alternatives = list(alternatives)
