"""Which of the patients a staff page would name the signed-in user may see."""

from __future__ import annotations

from typing import Any

from rehabdesk.access.accessors import patients_for
from rehabdesk.patients.models import Patient


def visible_patient_ids(
    user: Any, patients: list[Patient], summary: str, object_type: str
) -> set[int]:
    """The ids of the patients this page may show, the look recorded as one event."""
    unique = list({p.pk: p for p in patients}.values())
    visible = patients_for(user=user, patients=unique, summary=summary, object_type=object_type)
    return {p.pk for p in visible}
