from enum import StrEnum

from rehabdesk.core.errors import DomainError


class ClinicErrorCode(StrEnum):
    INVALID = "invalid"
    LOCATION_INACTIVE = "location_inactive"
    OPENING_HOURS_OVERLAP = "opening_hours_overlap"
    SHIFTS_OUTSIDE_OPENING_HOURS = "shifts_outside_opening_hours"
    OUTSIDE_OPENING_HOURS = "outside_opening_hours"
    HOURS_OVERLAP = "hours_overlap"
    TRAVEL_TIME_MISSING = "travel_time_missing"
    TRAVEL_TIME_TOO_SHORT = "travel_time_too_short"
    SAME_LOCATION = "same_location"
    BREAK_OUTSIDE_SHIFT = "break_outside_shift"
    BREAKS_OVERLAP = "breaks_overlap"
    PAST_DAYS = "past_days"
    SHIFT_ENDED = "shift_ended"
    NO_QUALIFICATIONS = "no_qualifications"
    NOBODY_QUALIFIED = "nobody_qualified"
    WRONG_REGULATOR = "wrong_regulator"
    REGISTRATION_OVERLAP = "registration_overlap"
    TAX_RATES_INCONSISTENT = "tax_rates_inconsistent"
    PICTURE_REFUSED = "picture_refused"  # empty, or not a PNG, JPEG or WebP image
    PICTURE_TOO_LARGE = "picture_too_large"  # over 1 MB


class ClinicError(DomainError):
    pass
