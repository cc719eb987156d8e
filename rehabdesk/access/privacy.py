"""The privacy rights' pages through the access policy.

- The privacy officer (Capability.OVERSEE_PRIVACY) sees and decides every access and
  correction request and keeps the breach log; nobody else does (404, on file).
- A patient asks for their own record or a dependent's they manage, and downloads the
  export released to them (only while signed in as someone who manages that patient).
- A correction naming a note is also decided by the practitioner who wrote the note.

Every look at a request is one VIEW event linking its patient(s); the services put the
writes on file.
"""

from __future__ import annotations

from rehabdesk.access.accessors import User
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Capability, can, person_for
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import patients_by_ids
from rehabdesk.privacy import selectors
from rehabdesk.privacy.models import AccessRequest, Breach, BreachPatient, CorrectionRequest

PAGE = "web.page"


def officer_check(user: User, *, summary: str) -> None:
    """The privacy officer's pages: anyone else is refused (404, on file)."""
    if not can(person_for(user), Capability.OVERSEE_PRIVACY):
        raise AccessDenied(object_type=PAGE, object_id="privacy", summary=summary)


def is_officer(user: User) -> bool:
    return can(person_for(user), Capability.OVERSEE_PRIVACY)


def family_for(user: User) -> list[Patient]:
    """The signed-in patient and the dependents they manage, themselves first; anyone
    who is not a patient is refused."""
    person = person_for(user)
    if person.patient_id is None:
        raise AccessDenied(object_type=PAGE, object_id="my", summary="privacy rights")
    people = list(patients_by_ids(ids=person.managed_patient_ids))
    return sorted(people, key=lambda p: p.pk != person.patient_id)


def managed_patient_for(user: User, patient_id: int) -> Patient:
    """One of the signed-in patient's family, to file a request for."""
    for patient in family_for(user):
        if patient.pk == patient_id:
            return patient
    raise AccessDenied(
        object_type="patients.patient", object_id=str(patient_id), summary="privacy request"
    )


def my_access_requests_for(user: User) -> list[AccessRequest]:
    people = family_for(user)
    found = list(selectors.access_requests(patient_ids=[p.pk for p in people]))
    _viewed(user, "privacy.access_request", "mine", [p.pk for p in people], "access requests")
    return found


def my_corrections_for(user: User) -> list[CorrectionRequest]:
    people = family_for(user)
    found = list(selectors.corrections(patient_ids=[p.pk for p in people]))
    _viewed(user, "privacy.correction_request", "mine", [p.pk for p in people], "corrections")
    return found


def my_correction_for(user: User, correction_id: int) -> CorrectionRequest:
    correction = selectors.correction_by_id(correction_id=correction_id)
    if correction is None or correction.patient_id not in person_for(user).managed_patient_ids:
        raise AccessDenied(
            object_type="privacy.correction_request",
            object_id=str(correction_id),
            summary="correction request",
            found=correction is not None,
        )
    return correction


def my_export_for(user: User, request_id: int) -> AccessRequest:
    """The access request whose export the signed-in patient downloads: theirs, or a
    dependent's they manage."""
    request = selectors.access_request_by_id(request_id=request_id)
    if request is None or request.patient_id not in person_for(user).managed_patient_ids:
        raise AccessDenied(
            object_type="privacy.access_request",
            object_id=str(request_id),
            patient_ids=[request.patient_id] if request else [],
            summary="record export",
            found=request is not None,
        )
    return request


def access_requests_for(user: User) -> list[AccessRequest]:
    officer_check(user, summary="access requests")
    found = list(selectors.access_requests())
    _viewed(user, "privacy.access_request", "all", [r.patient_id for r in found], "access requests")
    return found


def access_request_for(user: User, request_id: int) -> AccessRequest:
    officer_check(user, summary="access request")
    request = selectors.access_request_by_id(request_id=request_id)
    if request is None:
        raise AccessDenied(
            object_type="privacy.access_request", object_id=str(request_id), found=False
        )
    _viewed(user, "privacy.access_request", str(request.pk), [request.patient_id], "access request")
    return request


def corrections_for(user: User) -> list[CorrectionRequest]:
    """Every correction request for the privacy officer; a practitioner's own notes'
    for a practitioner; anyone else refused."""
    person = person_for(user)
    if is_officer(user):
        found = list(selectors.corrections())
    elif person.practitioner_id is not None:
        found = list(selectors.corrections(author_id=person.practitioner_id))
    else:
        raise AccessDenied(object_type=PAGE, object_id="privacy", summary="corrections")
    _viewed(
        user, "privacy.correction_request", "list", [c.patient_id for c in found], "corrections"
    )
    return found


def correction_for(user: User, correction_id: int) -> CorrectionRequest:
    """One correction request to decide: the privacy officer, or the author of the note
    it names."""
    correction = selectors.correction_by_id(correction_id=correction_id)
    person = person_for(user)
    author = (
        correction is not None
        and correction.note is not None
        and person.practitioner_id is not None
        and correction.note.author_id == person.practitioner_id
    )
    if correction is None or not (is_officer(user) or author):
        raise AccessDenied(
            object_type="privacy.correction_request",
            object_id=str(correction_id),
            patient_ids=[correction.patient_id] if correction else [],
            summary="correction request",
            found=correction is not None,
        )
    _viewed(
        user,
        "privacy.correction_request",
        str(correction.pk),
        [correction.patient_id],
        "correction",
    )
    return correction


def breaches_for(user: User) -> list[Breach]:
    officer_check(user, summary="breach log")
    found = list(selectors.breaches())
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="privacy.breach",
        object_id="list",
        summary="privacy breach log",
    )
    return found


def breach_for(user: User, breach_id: int) -> tuple[Breach, list[BreachPatient]]:
    officer_check(user, summary="breach")
    breach = selectors.breach_by_id(breach_id=breach_id)
    if breach is None:
        raise AccessDenied(object_type="privacy.breach", object_id=str(breach_id), found=False)
    affected = selectors.breach_affected(breach_id=breach.pk)
    _viewed(user, "privacy.breach", str(breach.pk), [a.patient_id for a in affected], "breach")
    return breach, affected


def _viewed(
    user: User, object_type: str, object_id: str, patient_ids: list[int], what: str
) -> None:
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=object_type,
        object_id=object_id,
        patient_ids=patient_ids,
        summary=what,
    )
