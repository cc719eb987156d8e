"""What the staff patient page shows about a patient's bookings: upcoming visits,
past visits with how each ended, and their attendance record. Read through
scheduling.selectors; the page's view has already authorized and audited the look."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from rehabdesk.core.money import format_money
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import (
    appointments_for_patient,
    patient_attendance,
    patient_past_visits,
)

# Past visits listed at first, and at most with "show all".
PAST_SHOWN = 10
PAST_ALL = 500
# How a past visit ended, in the desk's words.
ENDED = {
    AppointmentStatus.FULFILLED: "Attended",
    AppointmentStatus.ARRIVED: "Attended",
    AppointmentStatus.CANCELLED: "Cancelled",
    AppointmentStatus.NOSHOW: "No-show",
    AppointmentStatus.BOOKED: "Not checked in",
}


def ended(appointment: Appointment) -> str:
    text = ENDED.get(AppointmentStatus(appointment.status), appointment.get_status_display())
    if appointment.status == AppointmentStatus.CANCELLED and appointment.late_cancellation:
        text = "Cancelled late"
    return text


def patient_bookings(patient: Patient, *, all_past: bool = False) -> dict[str, Any]:
    """The patient page's Bookings section."""
    now = timezone.now()
    upcoming = list(
        appointments_for_patient(patient_id=patient.pk)
        .filter(
            end__gte=now,
            status__in=[
                AppointmentStatus.PENDING,
                AppointmentStatus.BOOKED,
                AppointmentStatus.ARRIVED,
            ],
        )
        .order_by("start")[:20]
    )
    limit = PAST_ALL if all_past else PAST_SHOWN
    past = patient_past_visits(patient_id=patient.pk, before=now, limit=limit + 1)
    attendance = patient_attendance(patient_id=patient.pk)
    return {
        "upcoming": [(a, a.start.astimezone(a.location.zone)) for a in upcoming],
        "past": [(a, a.start.astimezone(a.location.zone), ended(a)) for a in past[:limit]],
        "more_past": len(past) > limit,
        "all_past": all_past,
        "attendance": attendance,
        "fees_text": format_money(attendance.fees_due) if attendance.fees_due else "",
    }
