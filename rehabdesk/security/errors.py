from enum import StrEnum

from rehabdesk.core.errors import DomainError


class SecurityErrorCode(StrEnum):
    # A code from the authenticator app or a recovery code that does not match.
    CODE_WRONG = "code_wrong"
    # Too many wrong codes: django-otp's throttling makes the device wait before it checks
    # another (the message says how long).
    THROTTLED = "factor_throttled"
    # An authenticator app confirmed without being started (or started elsewhere since).
    NOT_STARTED = "factor_not_started"
    # A manager's reset asked for someone who does not work at the clinic, or themselves.
    NOT_STAFF = "not_staff"
    OWN_FACTOR = "own_factor"
    # A staff session that has not passed its second factor asked for anything else.
    SECOND_FACTOR_REQUIRED = "second_factor_required"
    # A sensitive action asked for without a password or factor given in the last minutes.
    RECENT_SIGN_IN_REQUIRED = "recent_sign_in_required"


class SecurityError(DomainError):
    pass
