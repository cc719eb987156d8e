"""Care relationships: which patients a practitioner looks after. The one place that
says so; `access.care` (the policy's reader) and the services below it that refuse a
practitioner outside a patient's care (plans, home exercise) all ask here.

A practitioner is in a patient's care circle when they have an appointment with them,
past or booked (a hold is not yet one, a cancellation is not one any more), or an
explicit, current care assignment.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from rehabdesk.patients.models import CareAssignment
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

CARE_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.FULFILLED,
    AppointmentStatus.NOSHOW,
)


def care_links(*, practitioner_id: int, patient: str = "pk") -> tuple[Exists, Exists]:
    """The circle as two subqueries on an outer query's `patient` column, (assigned,
    seen), for a query that asks it beside other facts in one round trip (the access
    policy's lockbox check)."""
    return (
        Exists(
            CareAssignment.objects.filter(
                practitioner_id=practitioner_id, patient_id=OuterRef(patient), ended_at__isnull=True
            )
        ),
        Exists(
            Appointment.objects.filter(
                practitioner_id=practitioner_id,
                patient_id=OuterRef(patient),
                status__in=CARE_STATUSES,
            )
        ),
    )


def cares_for(*, practitioner_id: int, patient_id: int) -> bool:
    """Whether this practitioner looks after this patient."""
    assigned = CareAssignment.objects.filter(
        practitioner_id=practitioner_id, patient_id=patient_id, ended_at__isnull=True
    )
    seen = Appointment.objects.filter(
        practitioner_id=practitioner_id, patient_id=patient_id, status__in=CARE_STATUSES
    )
    return assigned.exists() or seen.exists()


def patient_ids_in_care(*, practitioner_id: int) -> set[int]:
    assigned = CareAssignment.objects.filter(
        practitioner_id=practitioner_id, ended_at__isnull=True
    ).values_list("patient_id", flat=True)
    seen = Appointment.objects.filter(
        practitioner_id=practitioner_id, status__in=CARE_STATUSES
    ).values_list("patient_id", flat=True)
    return set(assigned) | set(seen)


def in_care(*, practitioner_id: int, field: str = "patient_id") -> Q:
    """The same circle as a condition on a query's `field` (a patient id), so a list
    limited to the patients in care is read in one query."""
    assigned = CareAssignment.objects.filter(
        practitioner_id=practitioner_id, ended_at__isnull=True
    ).values("patient_id")
    seen = Appointment.objects.filter(
        practitioner_id=practitioner_id, status__in=CARE_STATUSES
    ).values("patient_id")
    return Q(**{f"{field}__in": assigned}) | Q(**{f"{field}__in": seen})
