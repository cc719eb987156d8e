from enum import StrEnum

from rehabdesk.core.errors import DomainError


class AccountsErrorCode(StrEnum):
    EMAIL_TAKEN = "email_taken"
    INVALID = "invalid"
    # Too many failed sign-ins for the account or from the address: wait, or a manager
    # unlocks (accounts.throttle).
    SIGN_IN_LOCKED = "sign_in_locked"
    # A staff account (or one switched off) is not reset or re-addressed from a
    # patient's page: staff accounts are the manager's (/staff/security/).
    NOT_A_PATIENT = "not_a_patient"
    # A patient's account (or one switched off) is not reset or re-addressed from the
    # manager's staff page: a patient's is changed from the patient's page.
    NOT_STAFF = "not_staff"
    # A superuser's sign-in e-mail is their identity: only another superuser changes it.
    SUPERUSER = "superuser"
    # One's own account is changed through one's own password page, not as another's.
    OWN_ACCOUNT = "own_account"
    # Nothing locked under that account or address (unlocked already, or run out).
    NOT_LOCKED = "not_locked"


class AccountsError(DomainError):
    pass
