"""Patients' documents through the access policy. A referral or an imaging report is
clinical content: practitioners in the patient's care upload, list and open them
(CHANGE_CLINICAL / VIEW_CLINICAL); the front desk and managers never see them, not
even their titles. Every look is audited here, every refusal by access.middleware
(a 404, alike for a document that does not exist), the upload by the service.
"""

from __future__ import annotations

from rehabdesk.access.accessors import PATIENT, User, patient_for
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Action, may, person_for
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.care.models import Document
from rehabdesk.care.selectors.documents import document_by_id, documents_of
from rehabdesk.patients.models import Patient

DOCUMENT = "care.document"


def document_for(*, user: User, document_id: int) -> Document:
    """A document to download, if `user` may read its patient's clinical record; the
    download audited."""
    document = document_by_id(document_id=document_id)
    if document is None:
        raise AccessDenied(
            object_type=DOCUMENT, object_id=str(document_id), summary="document", found=False
        )
    if not may(person_for(user), Action.VIEW_CLINICAL, document.patient_id):
        raise AccessDenied(
            object_type=DOCUMENT,
            object_id=str(document.pk),
            patient_ids=[document.patient_id],
            summary="document",
        )
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=DOCUMENT,
        object_id=document.pk,
        patient_ids=[document.patient_id],
        summary="document downloaded",
    )
    return document


def documents_for(*, user: User, patient_id: int, on_file: bool = True) -> list[Document]:
    """The patient's documents, if `user` may read their clinical record (AccessDenied
    otherwise). `on_file`: False for a page whose own view event already links this
    patient (the chart, the documents page): one page, one event."""
    if not may(person_for(user), Action.VIEW_CLINICAL, patient_id):
        raise AccessDenied(
            object_type=PATIENT,
            object_id=str(patient_id),
            patient_ids=[patient_id],
            summary="documents",
        )
    documents = documents_of(patient_id=patient_id)
    if on_file:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type=DOCUMENT,
            patient_ids=[patient_id],
            summary="documents list",
        )
    return documents


def patient_for_document(*, user: User, patient_id: int, view: bool = True) -> Patient:
    """The patient whose record a document is filed on, if `user` may add to their
    clinical record (practitioners in their care only). `view`: the page shows the
    record (audited); False for the upload itself, which the service audits."""
    return patient_for(
        user=user,
        patient_id=patient_id,
        action=Action.CHANGE_CLINICAL,
        view=view,
        family=False,
        summary="documents",
    )
