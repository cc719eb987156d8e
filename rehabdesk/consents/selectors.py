"""Reads of the privacy notice and of consents."""

from __future__ import annotations

from django.db.models import QuerySet

from rehabdesk.consents.models import ConsentRecord, PrivacyNotice


def privacy_notice_current() -> PrivacyNotice | None:
    """The latest published version (None before the first is published)."""
    return PrivacyNotice.objects.order_by("-version").first()


def consents_for_patient(*, patient_id: int) -> QuerySet[ConsentRecord]:
    return (
        ConsentRecord.objects.filter(patient_id=patient_id)
        .select_related("notice")
        .order_by("-accepted_at")
    )
