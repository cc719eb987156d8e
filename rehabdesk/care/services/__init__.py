"""Writes to the clinical record, one module per area; each service owns its
transaction and puts what it did on the audit trail."""

from rehabdesk.care.services.documents import document_upload

__all__ = ["document_upload"]
