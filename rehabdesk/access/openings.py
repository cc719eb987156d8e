"""The lockbox's accessors: a patient's directives and the openings of their record
(Action.SET_LOCKBOX: the patient, the guardian managing a dependent, the desk for
them), the record a practitioner asks to open (with the patient's express consent,
or in an emergency: break-glass), and the privacy officer's review of openings
(Capability.OVERSEE_PRIVACY). Each look audited; each refusal an AccessDenied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from rehabdesk.access.accessors import User, patient_for, require
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import (
    Action,
    Capability,
    may,
    person_for,
    withheld_from,
)
from rehabdesk.accounts.roles import Role
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.clinic.models import Practitioner
from rehabdesk.clinic.selectors import practitioners_active
from rehabdesk.consents.choices import OverrideKind
from rehabdesk.consents.models import ConsentDirective, LockboxOverride
from rehabdesk.consents.selectors import (
    directive_by_id,
    directives_of,
    opening_by_id,
    openings_of,
    openings_to_review,
)
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import patients_by_ids
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import patient_past_visits

DIRECTIVE = "consents.consentdirective"
OPENING = "consents.lockboxoverride"
PATIENT = "patients.patient"
# The most past visits offered to choose one from.
VISITS_OFFERED = 100


@dataclass(frozen=True)
class LockboxSeen:
    """The portal's lockbox page: for each patient the user manages, their directives,
    the openings of their record and their past visits (to withhold one's notes)."""

    patients: list[Patient]
    directives: list[ConsentDirective]
    openings: list[LockboxOverride]
    visits: dict[int, list[Appointment]]
    practitioners: list[Practitioner]


def lockbox_for(*, user: User, now: datetime) -> LockboxSeen:
    """The signed-in patient's lockbox, and their dependents': one audit event."""
    person = person_for(user)
    ids = sorted(i for i in person.managed_patient_ids if may(person, Action.SET_LOCKBOX, i))
    if not ids:
        raise AccessDenied(object_type=DIRECTIVE, object_id="", summary="lockbox")
    patients = list(patients_by_ids(ids=ids).order_by("pk"))
    seen = LockboxSeen(
        patients=patients,
        directives=directives_of(patient_ids=ids),
        openings=openings_of(patient_ids=ids),
        visits={
            p.pk: patient_past_visits(patient_id=p.pk, before=now, limit=VISITS_OFFERED)
            for p in patients
        },
        practitioners=list(practitioners_active()),
    )
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=DIRECTIVE,
        patient_ids=ids,
        summary="lockbox: directives and openings",
        now=now,
    )
    return seen


def lockbox_patient_for(*, user: User, patient_id: int) -> Patient:
    """The patient a directive is set for, if `user` may set theirs."""
    return patient_for(
        user=user,
        patient_id=patient_id,
        action=Action.SET_LOCKBOX,
        summary="lockbox directive",
        view=False,
        family=False,
    )


def directive_for(*, user: User, directive_id: int) -> ConsentDirective:
    """A directive to withdraw, if `user` may set its patient's lockbox."""
    directive = directive_by_id(directive_id=directive_id)
    if directive is None:
        raise AccessDenied(
            object_type=DIRECTIVE, object_id=str(directive_id), summary="lockbox", found=False
        )
    if not may(person_for(user), Action.SET_LOCKBOX, directive.patient_id):
        raise AccessDenied(
            object_type=DIRECTIVE,
            object_id=str(directive.pk),
            patient_ids=[directive.patient_id],
            summary="lockbox directive",
        )
    return directive


@dataclass(frozen=True)
class ToOpen:
    """A record a practitioner may open, and how: `withheld` (in their care, the
    lockbox withholds it: consent or emergency) or outside their care (emergency)."""

    patient: Patient
    practitioner: Practitioner
    withheld: bool

    @property
    def kinds(self) -> list[OverrideKind]:
        return list(OverrideKind) if self.withheld else [OverrideKind.EMERGENCY]


def record_to_open(*, user: User, patient_id: int) -> ToOpen:
    """The record a practitioner asks to open: refused (404) to anyone but an active
    practitioner, for a patient who does not exist, or whose record they may already
    read. Nothing of the record is shown but the patient's name, and that look is on
    file (opening is, apart)."""
    person = person_for(user)
    patient = patients_by_ids(ids=[patient_id], active_only=False).first()
    practitioner = (
        Practitioner.objects.filter(pk=person.practitioner_id).first()
        if person.practitioner_id is not None and Role.PRACTITIONER in person.roles
        else None
    )
    if patient is None or practitioner is None:
        raise AccessDenied(
            object_type=PATIENT,
            object_id=str(patient_id),
            summary="record to open",
            found=patient is not None,
        )
    if may(person, Action.VIEW_CLINICAL, patient.pk):
        raise AccessDenied(
            object_type=PATIENT,
            object_id=str(patient.pk),
            patient_ids=[patient.pk],
            summary="record to open (already open)",
        )
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=PATIENT,
        object_id=str(patient.pk),
        patient_ids=[patient.pk],
        summary="record to open (name shown)",
    )
    return ToOpen(
        patient=patient,
        practitioner=practitioner,
        withheld=withheld_from(person, patient.pk),
    )


def emergency_lookup(
    *, user: User, first_name: str, last_name: str, born_on: date
) -> Patient | None:
    """Break-glass outside one's care: the one patient with exactly this name and date
    of birth (the search shows practitioners only their own patients), or None when
    none or several match. Only a practitioner may ask; a match is audited."""
    practitioner_only(user=user)
    found = list(
        Patient.objects.filter(
            first_name__iexact=first_name.strip(),
            last_name__iexact=last_name.strip(),
            date_of_birth=born_on,
            active=True,
        )[:2]
    )
    if len(found) != 1:
        return None
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=PATIENT,
        object_id=str(found[0].pk),
        patient_ids=[found[0].pk],
        summary="emergency lookup by name and date of birth",
    )
    return found[0]


def practitioner_only(*, user: User) -> None:
    """Break-glass is a practitioner's: anyone else is refused (404)."""
    person = person_for(user)
    if person.practitioner_id is None or Role.PRACTITIONER not in person.roles:
        raise AccessDenied(object_type="web.page", object_id="emergency", summary="emergency")


def openings_for_review(*, user: User, reviewed: bool = False) -> list[LockboxOverride]:
    """The privacy officer's list of openings (to review, or reviewed): one event."""
    require(user=user, capability=Capability.OVERSEE_PRIVACY)
    openings = openings_to_review(reviewed=reviewed)
    if openings:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type=OPENING,
            patient_ids=[o.patient_id for o in openings],
            summary="record openings to review" if not reviewed else "record openings reviewed",
        )
    return openings


def opening_for_review(*, user: User, opening_id: int) -> LockboxOverride:
    require(user=user, capability=Capability.OVERSEE_PRIVACY)
    opening = opening_by_id(opening_id=opening_id)
    if opening is None:
        raise AccessDenied(
            object_type=OPENING, object_id=str(opening_id), summary="opening", found=False
        )
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=OPENING,
        object_id=str(opening.pk),
        patient_ids=[opening.patient_id],
        summary="record opening to review",
    )
    return opening
