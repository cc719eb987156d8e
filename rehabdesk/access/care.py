"""Care relationships: which patients a practitioner looks after.

Today that is an explicit care assignment; the scheduling issue adds "an appointment
with them, past or booked" here, and nowhere else.
"""

from __future__ import annotations

from django.db.models import QuerySet

from rehabdesk.clinic.models import Practitioner
from rehabdesk.patients.models import CareAssignment


def practitioner_id_of(user_id: int) -> int | None:
    return (
        Practitioner.objects.filter(user_id=user_id, active=True)
        .values_list("pk", flat=True)
        .first()
    )


def _current_assignments(practitioner_id: int) -> QuerySet[CareAssignment]:
    return CareAssignment.objects.filter(practitioner_id=practitioner_id, ended_at__isnull=True)


def cares_for(*, practitioner_id: int, patient_id: int) -> bool:
    return _current_assignments(practitioner_id).filter(patient_id=patient_id).exists()


def patient_ids_in_care(*, practitioner_id: int) -> set[int]:
    return set(_current_assignments(practitioner_id).values_list("patient_id", flat=True))
