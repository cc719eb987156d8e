"""Visit notes through the access policy: clinical content (Action.VIEW_CLINICAL to read,
CHANGE_CLINICAL to write), so only practitioners in the patient's care reach them; the
front desk and managers never do. Every look is audited here, every change by the care
services; a refusal raises AccessDenied (a 404, put on file by access.middleware).

A draft is not yet part of the record: only its author opens it. Who may write what
beyond that (the visit's own practitioner, the note's author) is the services' rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from rehabdesk.access.accessors import User
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.lockbox import visits_withheld, withheld_visit_ids
from rehabdesk.access.policy import Action, Person, may, person_for
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.care.models import VisitNote
from rehabdesk.care.selectors import ChartEntry, note_by_id, patient_notes
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import patient_by_id
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import appointment_detail

NOTE = "care.visitnote"
PATIENT = "patients.patient"
APPOINTMENT = "scheduling.appointment"


def note_for(*, user: User, note_id: int, action: Action = Action.VIEW_CLINICAL) -> VisitNote:
    """A note with what its page shows, if `user` may do `action` to its patient's
    clinical record (a draft: if they wrote it); the look audited."""
    note = note_by_id(note_id=note_id)
    if note is None:
        raise AccessDenied(
            object_type=NOTE, object_id=str(note_id), summary="clinical note", found=False
        )
    person = person_for(user)
    in_record = note.signed or note.author_id == person.practitioner_id
    if not in_record or not may(person, action, note.patient_id) or _withheld_note(person, note):
        raise AccessDenied(
            object_type=NOTE,
            object_id=str(note.pk),
            patient_ids=[note.patient_id],
            summary="clinical note",
        )
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=NOTE,
        object_id=str(note.pk),
        patient_ids=[note.patient_id],
        summary="clinical note",
    )
    return note


def visit_for_note(*, user: User, appointment_id: int) -> Appointment:
    """The visit whose note `user` is to write, if they may change its patient's
    clinical record and the patient's lockbox does not withhold the visit from them;
    the look audited (whether it is their visit is the service's rule)."""
    appointment = appointment_detail(appointment_id=appointment_id)
    if appointment is None or appointment.patient_id is None:
        raise AccessDenied(
            object_type=APPOINTMENT,
            object_id=str(appointment_id),
            summary="visit for a clinical note",
            found=False,
        )
    person = person_for(user)
    if not may(person, Action.CHANGE_CLINICAL, appointment.patient_id) or visits_withheld_among(
        person, [appointment.pk]
    ):
        raise AccessDenied(
            object_type=APPOINTMENT,
            object_id=str(appointment.pk),
            patient_ids=[appointment.patient_id],
            summary="visit for a clinical note",
        )
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=APPOINTMENT,
        object_id=str(appointment.pk),
        patient_ids=[appointment.patient_id],
        summary="visit for a clinical note",
        location_id=appointment.location_id,
    )
    return appointment


def patient_for_note(*, user: User, patient_id: int) -> Patient:
    """The patient a standalone entry (a phone consult, a letter, a missed visit) is
    for, if `user` may change their clinical record; the look audited."""
    patient = _clinical_patient(user, patient_id, Action.CHANGE_CLINICAL, "clinical entry")
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=PATIENT,
        object_id=str(patient.pk),
        patient_ids=[patient.pk],
        summary="patient for a clinical entry",
    )
    return patient


def notes_for(
    *, user: User, patient_id: int, since: date | None = None, until: date | None = None
) -> list[ChartEntry]:
    """The patient's record (signed entries and their corrections, with the viewer's
    own drafts), if `user` may see their clinical record: one audit event for the list."""
    _clinical_patient(user, patient_id, Action.VIEW_CLINICAL, "clinical notes")
    person = person_for(user)
    entries, _withheld = without_withheld(
        person,
        patient_id,
        patient_notes(
            patient_id=patient_id, since=since, until=until, drafts_of=person.practitioner_id
        ),
    )
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=NOTE,
        patient_ids=[patient_id],
        summary=f"clinical notes ({len(entries)})",
    )
    return entries


def _clinical_patient(user: User, patient_id: int, action: Action, summary: str) -> Patient:
    patient = patient_by_id(patient_id=patient_id)
    if patient is None:
        raise AccessDenied(
            object_type=PATIENT, object_id=str(patient_id), summary=summary, found=False
        )
    if not may(person_for(user), action, patient.pk):
        raise AccessDenied(
            object_type=PATIENT,
            object_id=str(patient.pk),
            patient_ids=[patient.pk],
            summary=summary,
        )
    return patient


def without_withheld(
    person: Person, patient_id: int, entries: list[ChartEntry]
) -> tuple[list[ChartEntry], frozenset[int]]:
    """The entries less those of visits the patient's lockbox withholds from `person`
    (their corrections with them), and those visits: one query."""
    if person.practitioner_id is None:
        return entries, frozenset()
    withheld = withheld_visit_ids(practitioner_id=person.practitioner_id, patient_id=patient_id)
    if not withheld:
        return entries, withheld
    return [e for e in entries if e.note.appointment_id not in withheld], withheld


def visits_withheld_among(person: Person, appointment_ids: Iterable[int]) -> frozenset[int]:
    """Which of these visits the patients' lockboxes withhold from `person` (their note,
    their measures): one query, none for someone who is not a practitioner or no visits.
    The pages listing visits (my day, the patient's past visits) show those as withheld,
    with no way into their note."""
    ids = list(appointment_ids)
    if person.practitioner_id is None or not ids:
        return frozenset()
    found = visits_withheld(practitioner_id=person.practitioner_id).filter(appointment_id__in=ids)
    return frozenset(i for i in found if i is not None)


def _withheld_note(person: Person, note: VisitNote) -> bool:
    """Whether the lockbox withholds this note's visit (a correction: its original's)."""
    visit = note.appointment_id or (note.corrects.appointment_id if note.corrects else None)
    if visit is None or person.practitioner_id is None:
        return False
    return visit in withheld_visit_ids(
        practitioner_id=person.practitioner_id, patient_id=note.patient_id
    )
