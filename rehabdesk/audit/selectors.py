"""Reads of the audit trail, for the manager's "who touched this record" page."""

from __future__ import annotations

from django.db.models import QuerySet

from rehabdesk.audit.models import AuditEvent


def patient_access_log(*, patient_id: int) -> QuerySet[AuditEvent]:
    """Every event that showed or touched this patient's information, newest first,
    with who did it, in one query however long the list."""
    return (
        AuditEvent.objects.filter(patient_links__patient_id=patient_id)
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )
