"""Who may do what to whose record: the one place that decides.

`decide` is the rule, over plain facts; `person_for` and `may` fetch those facts.
docs/permissions.md is the same table in prose. Routes never check roles themselves:
they ask an accessor (access.accessors), which asks this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from rehabdesk.access import care
from rehabdesk.access.lockbox import NO_STANDING, Lockbox, Standing, care_and_lockbox
from rehabdesk.accounts.roles import Role, roles_of
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import managed_patient_ids


class Action(StrEnum):
    """Things done to one patient's record."""

    VIEW_DEMOGRAPHICS = "view_demographics"  # name, contacts, family, insurance
    CHANGE_DEMOGRAPHICS = "change_demographics"
    MANAGE_BOOKINGS = "manage_bookings"  # book, move, cancel their appointments
    VIEW_CLINICAL = "view_clinical"  # intake answers, notes, scores, plans
    CHANGE_CLINICAL = "change_clinical"
    VIEW_ACCESS_LOG = "view_access_log"  # who touched the record
    # Fill in the health intake: the answers of a draft only, never a submitted form's.
    FILL_INTAKE = "fill_intake"
    # Invoices, payments, receipts, the balance and packages: what the patient bought and
    # paid (it names the services they had, so it is health information too).
    VIEW_BILLING = "view_billing"
    # Invoice, take a payment, refund, credit, waive a fee, sell a package.
    CHANGE_BILLING = "change_billing"
    # See one's home exercise program and tick its sessions off.
    FOLLOW_PROGRAM = "follow_program"
    # Answer an outcome measure asked of one (the questions and one's own answers only).
    ANSWER_MEASURE = "answer_measure"
    # Set and withdraw the lockbox's directives (withhold the record from practitioners),
    # and see who opened it past them: the patient, their guardian, the desk for them.
    SET_LOCKBOX = "set_lockbox"


class Capability(StrEnum):
    """Things done without one patient in view."""

    SEARCH_PATIENTS = "search_patients"
    REGISTER_PATIENTS = "register_patients"
    ASSIGN_CARE = "assign_care"
    # Check patients in, mark no-shows and waive fees, resolve bookings caught by changed
    # hours, see the waitlist.
    RUN_THE_DESK = "run_the_desk"
    # See every practitioner's schedule at a location (names of every patient booked).
    VIEW_SCHEDULES = "view_schedules"
    # Edit practitioners' working hours and time off from the staff pages.
    MANAGE_HOURS = "manage_hours"
    # See how many visit notes each practitioner has left unsigned past the clinic's
    # deadline: counts and dates, never a note's content.
    OVERSEE_NOTES = "oversee_notes"
    # Count a location's day of payments against the drawer and terminal, and close it.
    CLOSE_DAY = "close_day"
    # The clinic's reports: revenue, HST, receivables, utilization, cancellations, new
    # patients (totals and rates, never a patient's clinical content).
    VIEW_REPORTS = "view_reports"
    # See who is locked out of signing in (too many failures) and unlock them early.
    MANAGE_SIGN_INS = "manage_sign_ins"
    # The privacy officer's pages: access requests, corrections, break-glass reviews,
    # the clinic-wide access report and the privacy breach log.
    OVERSEE_PRIVACY = "oversee_privacy"
    # Reset a colleague's second factors (a lost phone): their next sign-in enrols anew.
    RESET_FACTORS = "reset_factors"
    # See which practitioners have a calendar feed on and turn any of them off (a lost
    # phone, someone leaving): names and dates, never the address or what it lists.
    MANAGE_FEEDS = "manage_feeds"
    # Every API token: issue an application's, see and revoke anyone's (staff manage
    # their own personal tokens without it).
    MANAGE_API_TOKENS = "manage_api_tokens"
    # Webhook endpoints: register them, see their delivery log, send a test event, turn
    # them off and on (docs/webhooks.md).
    MANAGE_WEBHOOKS = "manage_webhooks"


SELF_SERVICE = frozenset(
    {
        Action.VIEW_DEMOGRAPHICS,
        Action.CHANGE_DEMOGRAPHICS,
        Action.MANAGE_BOOKINGS,
        Action.FILL_INTAKE,
        Action.VIEW_BILLING,
        Action.FOLLOW_PROGRAM,
        Action.ANSWER_MEASURE,
        Action.SET_LOCKBOX,
    }
)
# The desk does what patients do for themselves, except their exercises and measures.
DESK = SELF_SERVICE - {Action.FOLLOW_PROGRAM, Action.ANSWER_MEASURE} | {Action.CHANGE_BILLING}
MANAGEMENT = DESK | {Action.VIEW_ACCESS_LOG}
# Practitioners read demographics and book; the front desk keeps demographics right.
CARE = frozenset(
    {Action.VIEW_DEMOGRAPHICS, Action.MANAGE_BOOKINGS, Action.VIEW_CLINICAL, Action.CHANGE_CLINICAL}
)
# What a patient's lockbox withholds: the clinical record, never their name or bookings.
CLINICAL = frozenset({Action.VIEW_CLINICAL, Action.CHANGE_CLINICAL})

# What only a manager does without a patient in view.
MANAGER_ONLY = frozenset(
    {
        Capability.MANAGE_HOURS,
        Capability.OVERSEE_NOTES,
        Capability.VIEW_REPORTS,
        Capability.MANAGE_SIGN_INS,
        Capability.RESET_FACTORS,
        Capability.MANAGE_FEEDS,
        Capability.MANAGE_API_TOKENS,
        Capability.MANAGE_WEBHOOKS,
    }
)
# What only the privacy officer does: no other role has it, the manager included.
PRIVACY_ONLY = frozenset({Capability.OVERSEE_PRIVACY})

CAPABILITIES = {
    Role.FRONT_DESK: frozenset(Capability) - MANAGER_ONLY - PRIVACY_ONLY,
    Role.MANAGER: frozenset(Capability) - PRIVACY_ONLY,
    # Practitioners search among their own patients only (access.accessors).
    Role.PRACTITIONER: frozenset({Capability.SEARCH_PATIENTS}),
    Role.PATIENT: frozenset(),
    Role.PRIVACY_OFFICER: PRIVACY_ONLY,
}


@dataclass(frozen=True)
class Person:
    """Who is asking, resolved once per request."""

    user_id: int | None
    roles: frozenset[Role]
    practitioner_id: int | None = None
    patient_id: int | None = None
    # Their own record and every dependent whose bookings they manage.
    managed_patient_ids: frozenset[int] = frozenset()

    @property
    def is_staff_member(self) -> bool:
        return bool(self.roles & {Role.FRONT_DESK, Role.MANAGER, Role.PRACTITIONER})


NOBODY = Person(user_id=None, roles=frozenset())


def decide(
    person: Person,
    action: Action,
    patient_id: int,
    *,
    cares_for: bool,
    lockbox: Lockbox = Lockbox.OPEN,
) -> bool:
    """The rule. `cares_for`: the person is a practitioner with a care relationship to
    this patient (an appointment with them, past or booked, or an explicit assignment).

    - patient: their own record and their managed dependents', their invoices and
      receipts among it (VIEW_BILLING), never clinical content (the right of access
      to one's own clinical record is served by its own process) beyond the health
      intake they are filling in (FILL_INTAKE: a draft's answers);
    - front desk: demographics, bookings and billing of every patient, at every
      location, and a paper intake typed in for a patient (FILL_INTAKE), never a
      submitted one;
    - manager: the same, plus the access log; clinical content only as a practitioner;
    - practitioner: demographics, bookings and the clinical record of the patients in
      their care, nothing about others, and no one's billing;
    - the patient's lockbox (`lockbox`, access/lockbox.py): a directive withholding the
      whole record from this practitioner refuses them its clinical record (WITHHELD);
      an opening — the patient's express consent, or an emergency — lets them in as
      if in care until it expires (OPENED), outside their care too (break-glass).
    """
    own = Role.PATIENT in person.roles and patient_id in person.managed_patient_ids
    if own and action in SELF_SERVICE:
        return True
    if Role.FRONT_DESK in person.roles and action in DESK:
        return True
    if Role.MANAGER in person.roles and action in MANAGEMENT:
        return True
    if Role.PRACTITIONER not in person.roles or action not in CARE:
        return False
    if lockbox == Lockbox.OPENED:
        return True
    return cares_for and not (lockbox == Lockbox.WITHHELD and action in CLINICAL)


def can(person: Person, capability: Capability) -> bool:
    return any(capability in CAPABILITIES[role] for role in person.roles)


def person_for(user: AbstractBaseUser | AnonymousUser | None) -> Person:
    """The facts `decide` needs about a signed-in user (cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached: Person | None = getattr(user, "_rehabdesk_person", None)
    if cached is not None:
        return cached
    roles = roles_of(user.pk)
    practitioner_id = care.practitioner_id_of(user.pk) if Role.PRACTITIONER in roles else None
    patient = Patient.objects.filter(user_id=user.pk).first() if Role.PATIENT in roles else None
    person = Person(
        user_id=user.pk,
        roles=roles,
        practitioner_id=practitioner_id,
        patient_id=patient.pk if patient else None,
        managed_patient_ids=frozenset(managed_patient_ids(patient=patient))
        if patient
        else frozenset(),
    )
    setattr(user, "_rehabdesk_person", person)  # noqa: B010 - a cache, not a model field
    return person


def may(person: Person, action: Action, patient_id: int) -> bool:
    """Whether `person` may do `action` to this patient's record. A practitioner's
    care relationship and the patient's lockbox are read together: one query."""
    return may_standing(person, action, patient_id)[0]


def may_standing(person: Person, action: Action, patient_id: int) -> tuple[bool, Standing]:
    """`may`, with the facts it decided on (the opening that let a practitioner in, for
    the chart's banner): the same one query."""
    standing = standing_of(person, patient_id)
    allowed = decide(person, action, patient_id, cares_for=standing.cares, lockbox=standing.lockbox)
    return allowed, standing


def standing_of(person: Person, patient_id: int) -> Standing:
    """A practitioner's care relationship and lockbox standing with the patient (one
    query); nothing for anyone else."""
    if person.practitioner_id is None:
        return NO_STANDING
    return care_and_lockbox(practitioner_id=person.practitioner_id, patient_id=patient_id)


def withheld_from(person: Person, patient_id: int) -> bool:
    """Whether the patient's lockbox is what keeps this practitioner from their clinical
    record: in their care, a directive withholds it, nothing opened it. The chart then
    says "withheld at the patient's request" and offers the openings, where anyone
    else is answered 404 (which would not tell them a directive exists)."""
    if person.practitioner_id is None or Role.PRACTITIONER not in person.roles:
        return False
    standing = standing_of(person, patient_id)
    return standing.cares and standing.lockbox == Lockbox.WITHHELD
