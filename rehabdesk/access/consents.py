"""The accessors of consents: a patient's consents as the viewer may see them, and one
consent for whoever may withdraw it.

Consents are the patient's own decisions about their care, kept like their contact
details: whoever may see the record's demographics sees them (the patient and their
guardian, the desk, the practitioners in their care). The note a practitioner writes of
a verbal consent is part of the clinical record: it is shown only to those who may
view clinical content, and showing it is audited (docs/permissions.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from rehabdesk.access.accessors import User
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Action, may, person_for
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.consents.models import ConsentRecord, TreatmentConsent
from rehabdesk.consents.selectors import (
    consents_for_patient,
    privacy_consent_by_id,
    treatment_consent_by_id,
    treatment_consents_for_patient,
)
from rehabdesk.patients.models import Patient

TREATMENT = "consents.treatmentconsent"
PRIVACY = "consents.consentrecord"


@dataclass(frozen=True)
class ConsentsSeen:
    privacy: list[ConsentRecord]
    treatment: list[TreatmentConsent]
    notes_shown: bool

    @property
    def privacy_on_file(self) -> ConsentRecord | None:
        return next((c for c in self.privacy if c.withdrawn_at is None), None)


def consents_for(*, user: User, patient: Patient) -> ConsentsSeen:
    """The patient's privacy and treatment consents, newest first, withdrawn ones too.
    Refused (404) unless `user` may view the patient's demographics."""
    person = person_for(user)
    if not may(person, Action.VIEW_DEMOGRAPHICS, patient.pk):
        raise AccessDenied(
            object_type=TREATMENT,
            object_id="",
            patient_ids=[patient.pk],
            summary="consents",
        )
    treatment = treatment_consents_for_patient(patient_id=patient.pk)
    notes = may(person, Action.VIEW_CLINICAL, patient.pk)
    if notes and any(c.note for c in treatment):
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type=TREATMENT,
            patient_ids=[patient.pk],
            summary="treatment consent notes",
        )
    return ConsentsSeen(
        privacy=list(consents_for_patient(patient_id=patient.pk)),
        treatment=treatment,
        notes_shown=notes,
    )


def treatment_consent_for(
    *, user: User, consent_id: int, action: Action, view: bool = False
) -> TreatmentConsent:
    """A treatment consent, if `user` may do `action` to its patient's record; `view`:
    the page shows it, which is put on file."""
    consent = treatment_consent_by_id(consent_id=consent_id)
    if consent is None or not may(person_for(user), action, consent.patient_id):
        raise AccessDenied(
            object_type=TREATMENT,
            object_id=str(consent_id),
            patient_ids=[consent.patient_id] if consent else [],
            summary="treatment consent",
            found=consent is not None,
        )
    if view:
        _viewed(user, TREATMENT, consent.pk, consent.patient_id, "treatment consent")
    return consent


def privacy_consent_for(
    *, user: User, consent_id: int, action: Action, view: bool = False
) -> ConsentRecord:
    """A privacy consent, if `user` may do `action` to its patient's record; `view`:
    the page shows it, which is put on file."""
    record = privacy_consent_by_id(consent_id=consent_id)
    if record is None or not may(person_for(user), action, record.patient_id):
        raise AccessDenied(
            object_type=PRIVACY,
            object_id=str(consent_id),
            patient_ids=[record.patient_id] if record else [],
            summary="privacy consent",
            found=record is not None,
        )
    if view:
        _viewed(user, PRIVACY, record.pk, record.patient_id, "privacy consent")
    return record


def _viewed(user: User, object_type: str, object_id: int, patient_id: int, summary: str) -> None:
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=object_type,
        object_id=object_id,
        patient_ids=[patient_id],
        summary=summary,
    )
