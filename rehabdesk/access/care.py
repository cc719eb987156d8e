"""Care relationships as the access policy reads them: who the signed-in practitioner
is, and the care circle itself, whose rule lives in `scheduling.care` (the
services below access that refuse a practitioner outside a patient's care ask there
too, so the rule is written once).
"""

from __future__ import annotations

from rehabdesk.clinic.models import Practitioner
from rehabdesk.scheduling.care import cares_for, in_care, patient_ids_in_care

__all__ = ["cares_for", "in_care", "patient_ids_in_care", "practitioner_id_of"]


def practitioner_id_of(user_id: int) -> int | None:
    return (
        Practitioner.objects.filter(user_id=user_id, active=True)
        .values_list("pk", flat=True)
        .first()
    )
