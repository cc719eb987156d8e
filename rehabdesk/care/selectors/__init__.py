"""Reads of the clinical record, one module per area, each in a fixed number of
queries. Pages reach them through the accessors of rehabdesk.access."""

from rehabdesk.care.selectors.documents import document_by_id, documents_of

__all__ = ["document_by_id", "documents_of"]
