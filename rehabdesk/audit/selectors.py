"""Reads of the audit trail: the manager's "who touched this record" page, and how many
copies of a receipt were made (billing.receipts: the "DUPLICATE" marker)."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Count, QuerySet

from rehabdesk.audit.choices import AuditAction, AuditOutcome
from rehabdesk.audit.models import AuditEvent


def patient_access_log(*, patient_id: int) -> QuerySet[AuditEvent]:
    """Every event that showed or touched this patient's information, newest first,
    with who did it, in one query however long the list."""
    return (
        AuditEvent.objects.filter(patient_links__patient_id=patient_id)
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )


def exports_counted(
    *, object_type: str, object_ids: Collection[str], patient_ids: Collection[int]
) -> dict[str, int]:
    """How many times each of these things was exported (a copy made: a receipt
    downloaded or e-mailed), found through their patients' links, which are indexed
    (one query)."""
    if not object_ids:
        return {}
    rows = (
        AuditEvent.objects.filter(
            patient_links__patient_id__in=list(patient_ids),
            action=AuditAction.EXPORT,
            outcome=AuditOutcome.SUCCESS,
            object_type=object_type,
            object_id__in=list(object_ids),
        )
        .values("object_id")
        .annotate(copies=Count("id", distinct=True))
    )
    return {row["object_id"]: row["copies"] for row in rows}
