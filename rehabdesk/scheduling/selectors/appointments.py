"""Reads of appointments for pages and the API: one appointment with what its page shows
and its history, a patient's visits, and their attendance record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from rehabdesk.core.money import round_money
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment, AppointmentEvent


def appointment_detail(*, appointment_id: int) -> Appointment | None:
    return (
        Appointment.objects.filter(pk=appointment_id)
        .select_related("patient", "practitioner", "service__tax_category", "location__clinic")
        .prefetch_related("resource_holds__resource")
        .first()
    )


def appointments_for_patient(*, patient_id: int, holds: bool = True) -> QuerySet[Appointment]:
    """A patient's appointments, latest first; without times only held (`holds=False`:
    what the patient sees in the portal)."""
    appointments = Appointment.objects.filter(patient_id=patient_id)
    if not holds:
        appointments = appointments.exclude(status=AppointmentStatus.PENDING)
    return appointments.select_related("practitioner", "service", "location").order_by("-start")


# A patient's past visits as their record lists them: not times only held or proposed,
# nor entries made in error.
PAST_VISIT_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.FULFILLED,
    AppointmentStatus.CANCELLED,
    AppointmentStatus.NOSHOW,
)


def patient_past_visits(*, patient_id: int, before: datetime, limit: int) -> list[Appointment]:
    """A patient's visits that started before `before`, newest first, at most `limit`:
    attended, cancelled, missed, or booked and never checked in. One query."""
    return list(
        Appointment.objects.filter(
            patient_id=patient_id, start__lt=before, status__in=PAST_VISIT_STATUSES
        )
        .select_related("practitioner", "service", "location")
        .order_by("-start", "-pk")[:limit]
    )


def appointments_upcoming_for_patients(
    *, patient_ids: Iterable[int], now: datetime
) -> list[Appointment]:
    """The booked visits still to come (or under way) of several patients, a family's,
    soonest first, each with its patient, practitioner, service and location: one query."""
    return list(
        Appointment.objects.filter(
            patient_id__in=list(patient_ids),
            status__in=[AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED],
            end__gt=now,
        )
        .select_related("patient", "practitioner", "service", "location")
        .order_by("start", "pk")
    )


def appointment_history(*, appointment_id: int) -> QuerySet[AppointmentEvent]:
    """What happened to an appointment, oldest first, with who did it."""
    return (
        AppointmentEvent.objects.filter(appointment_id=appointment_id)
        .select_related("actor")
        .order_by("occurred_at", "pk")
    )


@dataclass(frozen=True)
class Attendance:
    """What the front desk sees beside a patient's name."""

    late_cancellations: int
    no_shows: int
    fees_due: Decimal


def patient_attendance(*, patient_id: int) -> Attendance:
    """Late cancellations and no-shows of a patient, and the fees they recorded."""
    counts = Appointment.objects.filter(patient_id=patient_id).aggregate(
        late=Count("pk", filter=Q(late_cancellation=True)),
        missed=Count("pk", filter=Q(status=AppointmentStatus.NOSHOW)),
        fees=Sum("fee_due"),
    )
    return Attendance(
        late_cancellations=counts["late"],
        no_shows=counts["missed"],
        fees_due=round_money(counts["fees"] or Decimal(0)),
    )
