"""Reads of patients' documents: the rows only (the bytes: care.storage). Pages reach
them through rehabdesk.access.documents, which authorizes and audits."""

from __future__ import annotations

from rehabdesk.care.models import Document


def documents_of(*, patient_id: int) -> list[Document]:
    """The patient's documents, the newest first (by the document's own date), each
    with who uploaded it: one query."""
    return list(
        Document.objects.filter(patient_id=patient_id)
        .select_related("uploaded_by")
        .order_by("-received_on", "-pk")
    )


def document_by_id(*, document_id: int) -> Document | None:
    """One document with its patient: one query."""
    return Document.objects.select_related("patient").filter(pk=document_id).first()
