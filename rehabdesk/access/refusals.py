"""How each refusal is answered over HTTP: one table, from every app's error codes to a
status, read by both edges (the API's exception handlers and the pages).

It lives here because `access` is the one package below both edges (they may not
import each other) that already decides an answer for them: a record the caller may
not see is a 404 (middleware.py). The edges never pick a status from a message's
text or from a code written as a string; they ask `http_status(error.code)`.

- 409 Conflict: the calendar changed under the request (a time taken meanwhile or no
  longer on offer, a hold run out, a series with dates in the way, a retried key
  carrying a different request, a retry of a booking cancelled since; a safety alert
  cleared or a red flag decided by someone else meanwhile; a note signed, saved from
  another window, started or its template republished meanwhile; a template
  version published by another manager meanwhile; a visit invoiced, its fee charged
  or waived, or a day closed by another desk meanwhile; a patient with a time held
  already, holding another through the API). Asking again with what the answer
  offers may work.
- 410 Gone: a one-time link used already or past its days (a record export: `link_used`,
  `link_expired`); asking the clinic again is the way on.
- 429 Too Many Requests: a rate limit of the online pages, or an API token's calls in
  a minute; a second factor's wrong codes throttled (`factor_throttled`).
- 403 Forbidden: an option the caller's role does not have, or a signed-in change
  sent without its CSRF token (`csrf_failed`); a note that is another practitioner's
  to write (`not_author`, `not_their_visit`: the caller may see the record, so a 404
  would hide nothing).
- 404 Not Found: a record that is not there or not the caller's (`not_found`).
- 401 Unauthorized: no session where one is needed (`sign_in_required`), or an API
  token that is unknown, revoked or expired (`token_invalid`); a token without the
  scope a route needs is 403 (`token_scope_missing`).
- 400 Bad Request: a body that does not read as JSON (`not_json`); JSON of the wrong
  shape is a 422 `invalid` like any other bad input.
- 422 Unprocessable Content: everything else, a rule the request breaks as it stands —
  the patient already booked at that time (`patient_busy`) among them, whichever check
  noticed it: the booking that won a race is then simply there, as it would be for a
  request a minute later, and the answer is the same (another time, or the desk's
  deliberate overlap).

`test_refusal_statuses.py` walks every app's error-code enum, so a new code cannot
land without its line here.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from http import HTTPStatus

from rehabdesk.accounts.errors import AccountsErrorCode
from rehabdesk.apitokens.errors import TokenErrorCode
from rehabdesk.billing.errors import BillingErrorCode
from rehabdesk.care.errors import CareErrorCode
from rehabdesk.clinic.errors import ClinicErrorCode
from rehabdesk.consents.errors import ConsentErrorCode
from rehabdesk.core.errors import RequestErrorCode
from rehabdesk.exercises.errors import ExerciseErrorCode
from rehabdesk.guidance.errors import GuidanceErrorCode
from rehabdesk.intake.errors import IntakeErrorCode
from rehabdesk.online.errors import OnlineErrorCode
from rehabdesk.outcomes.errors import OutcomeErrorCode
from rehabdesk.patients.errors import PatientErrorCode
from rehabdesk.plans.errors import PlanErrorCode
from rehabdesk.privacy.errors import PrivacyErrorCode
from rehabdesk.safety.errors import SafetyErrorCode
from rehabdesk.scheduling.errors import SchedulingErrorCode
from rehabdesk.security.errors import SecurityErrorCode

BAD_REQUEST = HTTPStatus.BAD_REQUEST
CONFLICT = HTTPStatus.CONFLICT
FORBIDDEN = HTTPStatus.FORBIDDEN
GONE = HTTPStatus.GONE
NOT_FOUND = HTTPStatus.NOT_FOUND
TOO_MANY = HTTPStatus.TOO_MANY_REQUESTS
UNAUTHORIZED = HTTPStatus.UNAUTHORIZED
UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY

# Keyed by enum, then member: codes of different apps may share a value ("invalid"),
# and a plain string is no key at all.
STATUS: Mapping[type[StrEnum], Mapping[StrEnum, HTTPStatus]] = {
    RequestErrorCode: {
        RequestErrorCode.INVALID: UNPROCESSABLE,
        RequestErrorCode.UNKNOWN: UNPROCESSABLE,
        RequestErrorCode.OUT_OF_RANGE: UNPROCESSABLE,
        RequestErrorCode.NOT_ALLOWED: FORBIDDEN,
        RequestErrorCode.NOT_FOUND: NOT_FOUND,
        RequestErrorCode.NOT_JSON: BAD_REQUEST,
        RequestErrorCode.SIGN_IN_REQUIRED: UNAUTHORIZED,
        RequestErrorCode.CSRF_FAILED: FORBIDDEN,
    },
    AccountsErrorCode: {
        AccountsErrorCode.EMAIL_TAKEN: UNPROCESSABLE,
        AccountsErrorCode.INVALID: UNPROCESSABLE,
        AccountsErrorCode.SIGN_IN_LOCKED: TOO_MANY,
        AccountsErrorCode.NOT_A_PATIENT: FORBIDDEN,
        AccountsErrorCode.NOT_STAFF: FORBIDDEN,
        AccountsErrorCode.SUPERUSER: FORBIDDEN,
        AccountsErrorCode.OWN_ACCOUNT: FORBIDDEN,
        AccountsErrorCode.NOT_LOCKED: CONFLICT,
    },
    TokenErrorCode: {
        TokenErrorCode.TOKEN_INVALID: UNAUTHORIZED,
        TokenErrorCode.SCOPE_MISSING: FORBIDDEN,
        TokenErrorCode.RATE_LIMITED: TOO_MANY,
        TokenErrorCode.INVALID: UNPROCESSABLE,
        TokenErrorCode.NOT_STAFF: FORBIDDEN,
        TokenErrorCode.ALREADY_REVOKED: CONFLICT,
    },
    SecurityErrorCode: {
        SecurityErrorCode.CODE_WRONG: UNPROCESSABLE,
        SecurityErrorCode.THROTTLED: TOO_MANY,
        SecurityErrorCode.NOT_STARTED: UNPROCESSABLE,
        SecurityErrorCode.NOT_STAFF: UNPROCESSABLE,
        SecurityErrorCode.OWN_FACTOR: UNPROCESSABLE,
        SecurityErrorCode.SECOND_FACTOR_REQUIRED: FORBIDDEN,
        SecurityErrorCode.RECENT_SIGN_IN_REQUIRED: FORBIDDEN,
    },
    ClinicErrorCode: {
        ClinicErrorCode.INVALID: UNPROCESSABLE,
        ClinicErrorCode.LOCATION_INACTIVE: UNPROCESSABLE,
        ClinicErrorCode.OPENING_HOURS_OVERLAP: UNPROCESSABLE,
        ClinicErrorCode.SHIFTS_OUTSIDE_OPENING_HOURS: UNPROCESSABLE,
        ClinicErrorCode.OUTSIDE_OPENING_HOURS: UNPROCESSABLE,
        ClinicErrorCode.HOURS_OVERLAP: UNPROCESSABLE,
        ClinicErrorCode.TRAVEL_TIME_MISSING: UNPROCESSABLE,
        ClinicErrorCode.TRAVEL_TIME_TOO_SHORT: UNPROCESSABLE,
        ClinicErrorCode.SAME_LOCATION: UNPROCESSABLE,
        ClinicErrorCode.BREAK_OUTSIDE_SHIFT: UNPROCESSABLE,
        ClinicErrorCode.BREAKS_OVERLAP: UNPROCESSABLE,
        ClinicErrorCode.NO_QUALIFICATIONS: UNPROCESSABLE,
        ClinicErrorCode.NOBODY_QUALIFIED: UNPROCESSABLE,
        ClinicErrorCode.WRONG_REGULATOR: UNPROCESSABLE,
        ClinicErrorCode.REGISTRATION_OVERLAP: UNPROCESSABLE,
        ClinicErrorCode.TAX_RATES_INCONSISTENT: UNPROCESSABLE,
        ClinicErrorCode.PICTURE_REFUSED: UNPROCESSABLE,
        ClinicErrorCode.PICTURE_TOO_LARGE: UNPROCESSABLE,
        ClinicErrorCode.PAST_DAYS: UNPROCESSABLE,
        ClinicErrorCode.SHIFT_ENDED: UNPROCESSABLE,
    },
    PatientErrorCode: {
        PatientErrorCode.INVALID: UNPROCESSABLE,
        PatientErrorCode.POSSIBLE_DUPLICATE: UNPROCESSABLE,
        PatientErrorCode.HAS_ACCOUNT: UNPROCESSABLE,
    },
    ConsentErrorCode: {
        ConsentErrorCode.NO_NOTICE: UNPROCESSABLE,
        ConsentErrorCode.ALREADY_WITHDRAWN: UNPROCESSABLE,
        ConsentErrorCode.EMPTY_NOTICE: UNPROCESSABLE,
        ConsentErrorCode.NO_TEXT: UNPROCESSABLE,
        ConsentErrorCode.TEXT_CHANGED: CONFLICT,
        ConsentErrorCode.ALREADY_ON_FILE: UNPROCESSABLE,
        ConsentErrorCode.NOT_SIGNED: UNPROCESSABLE,
        ConsentErrorCode.NOTE_REQUIRED: UNPROCESSABLE,
        ConsentErrorCode.NOT_AGREED: UNPROCESSABLE,
        ConsentErrorCode.AREAS_REQUIRED: UNPROCESSABLE,
        ConsentErrorCode.WRITTEN_REQUIRED: UNPROCESSABLE,
        ConsentErrorCode.NO_PRACTITIONER_NAMED: UNPROCESSABLE,
        ConsentErrorCode.VISIT_REQUIRED: UNPROCESSABLE,
        ConsentErrorCode.NOT_THEIR_VISIT: UNPROCESSABLE,
        ConsentErrorCode.REASON_REQUIRED: UNPROCESSABLE,
        ConsentErrorCode.ALREADY_REVIEWED: CONFLICT,
        ConsentErrorCode.WRONG_CHANNEL: UNPROCESSABLE,
    },
    GuidanceErrorCode: {
        GuidanceErrorCode.UNKNOWN_RULESET: UNPROCESSABLE,
        GuidanceErrorCode.ANSWERS_INCOMPLETE: UNPROCESSABLE,
        GuidanceErrorCode.ALREADY_LINKED: UNPROCESSABLE,
    },
    SchedulingErrorCode: {
        SchedulingErrorCode.INVALID: UNPROCESSABLE,
        SchedulingErrorCode.SLOT_UNAVAILABLE: CONFLICT,
        SchedulingErrorCode.SLOT_TAKEN: CONFLICT,
        SchedulingErrorCode.HOLD_EXPIRED: CONFLICT,
        SchedulingErrorCode.NOT_A_HOLD: UNPROCESSABLE,
        SchedulingErrorCode.NOT_ACTIVE: CONFLICT,
        SchedulingErrorCode.PATIENT_INACTIVE: UNPROCESSABLE,
        SchedulingErrorCode.NOT_ONLINE_BOOKABLE: UNPROCESSABLE,
        SchedulingErrorCode.NEW_PATIENTS_ONLY: UNPROCESSABLE,
        SchedulingErrorCode.EXISTING_PATIENTS_ONLY: UNPROCESSABLE,
        SchedulingErrorCode.IDEMPOTENCY_MISMATCH: CONFLICT,
        SchedulingErrorCode.ALREADY_CANCELLED: CONFLICT,
        SchedulingErrorCode.PATIENT_BUSY: UNPROCESSABLE,
        SchedulingErrorCode.SERIES_CONFLICT: CONFLICT,
        SchedulingErrorCode.CALL_US: UNPROCESSABLE,
        SchedulingErrorCode.TOO_MANY_HOLDS: CONFLICT,
    },
    IntakeErrorCode: {
        IntakeErrorCode.INVALID_ANSWERS: UNPROCESSABLE,
        IntakeErrorCode.INCOMPLETE: UNPROCESSABLE,
        IntakeErrorCode.UNKNOWN_SECTION: NOT_FOUND,
        IntakeErrorCode.UNKNOWN_FORM: UNPROCESSABLE,
        IntakeErrorCode.ALREADY_SUBMITTED: CONFLICT,
        IntakeErrorCode.DRAFT_ELSEWHERE: CONFLICT,
    },
    SafetyErrorCode: {
        SafetyErrorCode.INVALID: UNPROCESSABLE,
        SafetyErrorCode.ALREADY_CLEARED: CONFLICT,
        SafetyErrorCode.ALREADY_ACKNOWLEDGED: CONFLICT,
        SafetyErrorCode.ALREADY_DECIDED: CONFLICT,
        SafetyErrorCode.PRACTITIONER_DECISION_NEEDED: UNPROCESSABLE,
    },
    OutcomeErrorCode: {
        OutcomeErrorCode.INVALID: UNPROCESSABLE,
        OutcomeErrorCode.OUT_OF_RANGE: UNPROCESSABLE,
        OutcomeErrorCode.MISSING_ITEM: UNPROCESSABLE,
        OutcomeErrorCode.ALREADY_ANSWERED: CONFLICT,
        OutcomeErrorCode.REQUEST_CLOSED: CONFLICT,
        OutcomeErrorCode.NO_WORDING: CONFLICT,
        OutcomeErrorCode.ALREADY_SENT: CONFLICT,
    },
    PlanErrorCode: {
        PlanErrorCode.INVALID: UNPROCESSABLE,
        PlanErrorCode.TOO_LONG: UNPROCESSABLE,
        PlanErrorCode.DISCHARGED: CONFLICT,
        PlanErrorCode.STALE_PLAN: CONFLICT,
        PlanErrorCode.NOT_THEIR_PATIENT: FORBIDDEN,
        PlanErrorCode.WRONG_DISCIPLINE: UNPROCESSABLE,
        PlanErrorCode.PROPOSAL_CHANGED: CONFLICT,
    },
    ExerciseErrorCode: {
        ExerciseErrorCode.INVALID: UNPROCESSABLE,
        ExerciseErrorCode.EMPTY_PROGRAM: UNPROCESSABLE,
        ExerciseErrorCode.INACTIVE_EXERCISE: UNPROCESSABLE,
        ExerciseErrorCode.PROGRAM_STOPPED: CONFLICT,
        ExerciseErrorCode.NOT_TODAY: UNPROCESSABLE,
        ExerciseErrorCode.SESSION_DONE: CONFLICT,
        ExerciseErrorCode.STALE_PROGRAM: CONFLICT,
        ExerciseErrorCode.NOT_IN_CARE: FORBIDDEN,
        ExerciseErrorCode.NOT_FOLLOWER: FORBIDDEN,
    },
    CareErrorCode: {
        CareErrorCode.INVALID: UNPROCESSABLE,
        CareErrorCode.TOO_LONG: UNPROCESSABLE,
        CareErrorCode.SIGNED: CONFLICT,
        CareErrorCode.NOT_SIGNED: UNPROCESSABLE,
        CareErrorCode.NOT_AUTHOR: FORBIDDEN,
        CareErrorCode.NOT_THEIR_VISIT: FORBIDDEN,
        CareErrorCode.VISIT_NOT_HELD: UNPROCESSABLE,
        CareErrorCode.NOTE_EXISTS: CONFLICT,
        CareErrorCode.STALE_DRAFT: CONFLICT,
        CareErrorCode.NO_REGISTRATION: UNPROCESSABLE,
        CareErrorCode.TEMPLATE_RETIRED: CONFLICT,
        CareErrorCode.WRONG_DISCIPLINE: UNPROCESSABLE,
        CareErrorCode.TEMPLATE_CHANGED: CONFLICT,
        CareErrorCode.PELVIC_CONSENT_MISSING: UNPROCESSABLE,
        CareErrorCode.SENSITIVE_CONSENT_MISSING: UNPROCESSABLE,
        CareErrorCode.NEEDLE_COUNT_MISMATCH: UNPROCESSABLE,
        CareErrorCode.FILE_TYPE: UNPROCESSABLE,
        CareErrorCode.FILE_TOO_LARGE: UNPROCESSABLE,
        CareErrorCode.BAD_RANGE: UNPROCESSABLE,
    },
    BillingErrorCode: {
        BillingErrorCode.INVALID: UNPROCESSABLE,
        BillingErrorCode.NEGATIVE_AMOUNT: UNPROCESSABLE,
        BillingErrorCode.DISCOUNT_TOO_LARGE: UNPROCESSABLE,
        BillingErrorCode.DISCOUNT_REASON_MISSING: UNPROCESSABLE,
        BillingErrorCode.TAX_MISMATCH: UNPROCESSABLE,
        BillingErrorCode.EMPTY_INVOICE: UNPROCESSABLE,
        BillingErrorCode.ALREADY_INVOICED: CONFLICT,
        BillingErrorCode.VISIT_NOT_BILLABLE: UNPROCESSABLE,
        BillingErrorCode.NO_FEE_DUE: UNPROCESSABLE,
        BillingErrorCode.FEE_WAIVED: CONFLICT,
        BillingErrorCode.FEE_INVOICED: CONFLICT,
        BillingErrorCode.REASON_MISSING: UNPROCESSABLE,
        BillingErrorCode.CREDIT_TOO_LARGE: UNPROCESSABLE,
        BillingErrorCode.REFUND_TOO_LARGE: UNPROCESSABLE,
        BillingErrorCode.OVERPAID: UNPROCESSABLE,
        BillingErrorCode.NOTHING_OUTSTANDING: UNPROCESSABLE,
        BillingErrorCode.NOT_ENOUGH_CREDIT: UNPROCESSABLE,
        BillingErrorCode.DAY_CLOSED: UNPROCESSABLE,
        BillingErrorCode.DAY_ALREADY_CLOSED: CONFLICT,
        BillingErrorCode.DAY_IN_FUTURE: UNPROCESSABLE,
        BillingErrorCode.PAYER_SHARE_TOO_LARGE: UNPROCESSABLE,
        BillingErrorCode.CLAIM_NUMBER_MISSING: UNPROCESSABLE,
        BillingErrorCode.COVERAGE_NOT_PATIENTS: UNPROCESSABLE,
        BillingErrorCode.PAYER_INACTIVE: UNPROCESSABLE,
        BillingErrorCode.PACKAGE_EXPIRED: UNPROCESSABLE,
        BillingErrorCode.PACKAGE_USED_UP: UNPROCESSABLE,
        BillingErrorCode.PACKAGE_NOT_FOR_SERVICE: UNPROCESSABLE,
        BillingErrorCode.PACKAGE_NOT_PATIENTS: UNPROCESSABLE,
        BillingErrorCode.PRODUCT_INACTIVE: UNPROCESSABLE,
        BillingErrorCode.NO_EMAIL: UNPROCESSABLE,
    },
    OnlineErrorCode: {
        OnlineErrorCode.RATE_LIMITED: TOO_MANY,
        OnlineErrorCode.CODE_WRONG: UNPROCESSABLE,
        OnlineErrorCode.NOTICE_NOT_CURRENT: UNPROCESSABLE,
        OnlineErrorCode.INVALID: UNPROCESSABLE,
        OnlineErrorCode.RETURNING_PATIENTS_ONLY: UNPROCESSABLE,
    },
    PrivacyErrorCode: {
        PrivacyErrorCode.INVALID: UNPROCESSABLE,
        PrivacyErrorCode.TOO_LONG: UNPROCESSABLE,
        PrivacyErrorCode.DECIDED: CONFLICT,
        PrivacyErrorCode.EXTENDED: CONFLICT,
        PrivacyErrorCode.LINK_USED: GONE,
        PrivacyErrorCode.LINK_EXPIRED: GONE,
        PrivacyErrorCode.NOT_REFUSED: UNPROCESSABLE,
        PrivacyErrorCode.NOT_DECIDER: FORBIDDEN,
    },
}


def http_status(code: StrEnum) -> HTTPStatus:
    """The status that answers a refusal with this code. A code missing from the table
    (the test keeps one from landing) is answered 422 rather than turned into a 500."""
    return STATUS.get(type(code), {}).get(code, UNPROCESSABLE)
