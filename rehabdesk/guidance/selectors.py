"""Reads of stored guide results."""

from __future__ import annotations

from django.db.models import QuerySet

from rehabdesk.guidance.models import GuideResult


def guide_result_unlinked(*, result_id: int) -> GuideResult | None:
    """A result as its visitor's session may show it again: only while it is on no
    patient's record (once linked, it is health information, read through an accessor)."""
    return GuideResult.objects.filter(pk=result_id, patient__isnull=True).first()


def guide_results_for_patient(*, patient_id: int) -> QuerySet[GuideResult]:
    """A patient's guide results, newest first — for an accessor that has authorized
    and audited the read (never for an edge directly)."""
    return GuideResult.objects.filter(patient_id=patient_id).order_by("-created_at")
