"""Reads of the audit trail: the manager's "who touched this record" page, the access
report (a patient's own, the privacy officer's across patients), how many copies of a
receipt were made (billing.receipts: the "DUPLICATE" marker), and the hash chain."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet

from rehabdesk.audit import chain
from rehabdesk.audit.choices import AuditAction, AuditOutcome
from rehabdesk.audit.models import AuditEvent, AuditEventPatient


def patient_access_log(*, patient_id: int) -> QuerySet[AuditEvent]:
    """Every event that showed or touched this patient's information, newest first,
    with who did it, in one query however long the list."""
    return (
        AuditEvent.objects.filter(patient_links__patient_id=patient_id)
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )


def patient_accesses(
    *,
    since: datetime | None = None,
    patient_ids: Collection[int] | None = None,
    actor_ids: Collection[int] | None = None,
    actions: Collection[AuditAction] | None = None,
) -> QuerySet[AuditEventPatient]:
    """Each look at, or change to, a patient's information (since `since`) by someone
    signed in, one row per (event, patient), newest first, with its event: the access
    report's rows. Narrowed to these patients, these people, these actions when given.
    Found through the links' patient index, or the events' time index."""
    rows = AuditEventPatient.objects.filter(event__actor__isnull=False).select_related("event")
    if since is not None:
        rows = rows.filter(event__occurred_at__gte=since)
    if patient_ids is not None:
        rows = rows.filter(patient_id__in=list(patient_ids))
    if actor_ids is not None:
        rows = rows.filter(event__actor_id__in=list(actor_ids))
    if actions is not None:
        rows = rows.filter(event__action__in=list(actions))
    return rows.order_by("-event__occurred_at", "-event_id", "patient_id")


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


def chained_events(
    *, batch: int = 5000
) -> Iterator[tuple[int, str, str, Sequence[Any], list[int]]]:
    """Every event in id order as (id, content_hash, chain_hash, chain.FIELDS values,
    patient ids),
    for `verify_audit`: read a batch at a time by id (two indexed queries per batch),
    so memory stays flat however long the trail."""
    last_id = 0
    while True:
        rows = list(
            AuditEvent.objects.filter(id__gt=last_id)
            .order_by("id")
            .values_list("id", "content_hash", "chain_hash", *chain.FIELDS)[:batch]
        )
        if not rows:
            return
        patients: dict[int, list[int]] = {}
        links = AuditEventPatient.objects.filter(
            event_id__gte=rows[0][0], event_id__lte=rows[-1][0]
        ).values_list("event_id", "patient_id")
        for event_id, patient_id in links:
            patients.setdefault(event_id, []).append(patient_id)
        for event_id, content_hash, chain_hash, *values in rows:
            yield event_id, content_hash, chain_hash, values, patients.get(event_id, [])
        last_id = rows[-1][0]
