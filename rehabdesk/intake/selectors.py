"""Reads of the health intake. `intake_status_of` says only where it stands (all the
front desk may know); the answers are read through the access layer
(access/intake.py), which authorizes and audits."""

from __future__ import annotations

from collections.abc import Iterable

from rehabdesk.intake.choices import IntakeStatus
from rehabdesk.intake.models import IntakeResponse


def intake_of(*, patient_id: int) -> IntakeResponse | None:
    """The patient's intake with its answers. For access/intake.py only."""
    return IntakeResponse.objects.filter(patient_id=patient_id).first()


def intake_status_of(*, patient_id: int) -> IntakeStatus | None:
    """Draft, submitted, or None (not begun): one query, no answers."""
    statuses = intake_statuses(patient_ids=[patient_id])
    return statuses.get(patient_id)


def intake_statuses(*, patient_ids: Iterable[int]) -> dict[int, IntakeStatus]:
    """Each patient's intake status (patients without one are absent): one query."""
    rows = (
        IntakeResponse.objects.filter(patient_id__in=list(patient_ids))
        .order_by()
        .values_list("patient_id", "status")
    )
    return {patient_id: IntakeStatus(status) for patient_id, status in rows}
