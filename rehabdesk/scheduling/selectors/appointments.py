"""Reads of appointments for pages and the API: one appointment with what its page shows,
a patient's visits, their attendance record, and the waitlist offer a hold may be."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from rehabdesk.core.money import round_money
from rehabdesk.scheduling.choices import AppointmentStatus, OfferStatus
from rehabdesk.scheduling.models import Appointment, WaitlistOffer


def appointment_detail(*, appointment_id: int) -> Appointment | None:
    return (
        Appointment.objects.filter(pk=appointment_id)
        .select_related("patient", "practitioner", "service__tax_category", "location__clinic")
        .prefetch_related("resource_holds__resource")
        .first()
    )


def waitlist_offer_open(*, appointment: Appointment, now: datetime) -> WaitlistOffer | None:
    """The waitlist offer this held appointment is, while it can still be answered."""
    if appointment.status != AppointmentStatus.PENDING:
        return None
    return WaitlistOffer.objects.filter(
        appointment=appointment, status=OfferStatus.OPEN, expires_at__gt=now
    ).first()


def appointments_for_patient(*, patient_id: int) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(patient_id=patient_id)
        .select_related("practitioner", "service", "location")
        .order_by("-start")
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
