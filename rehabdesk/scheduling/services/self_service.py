"""Patients changing their own bookings, from an e-mailed manage link or the portal.

The clinic's policy, in one place: a patient may cancel or move a booking online while
doing so would not be a late cancellation (at least `Clinic.cancellation_notice_hours`
before it starts, counted in real hours: cancellation_terms). Inside that
window, or once the appointment has begun or is no longer booked, they call the clinic,
who can waive the late fee. A move online goes through the online channel, so the
new time must also be bookable online (the clinic's minimum online notice, a service
offered online). The check runs again inside the change's transaction, on the locked
row, so a page left open past the deadline cannot slip a change through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from rehabdesk.clinic.models import Location, Practitioner
from rehabdesk.scheduling.choices import AppointmentStatus, CancelledBy, Channel
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services.lifecycle import (
    appointment_cancel,
    appointment_reschedule,
    cancellation_terms,
)
from rehabdesk.scheduling.services.records import Actor, appointment_locked


@dataclass(frozen=True)
class SelfService:
    """Whether the patient may change this booking themselves now, and if not, why."""

    allowed: bool
    why_not: str = ""


def self_service_terms(*, appointment: Appointment, now: datetime) -> SelfService:
    if appointment.status != AppointmentStatus.BOOKED or appointment.start <= now:
        return SelfService(False, "This appointment can no longer be changed.")
    terms = cancellation_terms(appointment=appointment, by=CancelledBy.PATIENT, now=now)
    if terms.late:
        hours = appointment.location.clinic.cancellation_notice_hours
        return SelfService(
            False,
            f"It is less than {hours} hours before your appointment, so it can only be "
            "changed by phone.",
        )
    if not appointment.service.online_bookable:
        return SelfService(False, f"{appointment.service.name} is changed by phone.")
    return SelfService(True)


def _refuse_unless_allowed(appointment: Appointment, now: datetime) -> Appointment:
    locked = appointment_locked(appointment)
    terms = self_service_terms(appointment=locked, now=now)
    if not terms.allowed:
        phone = locked.location.phone or locked.location.clinic.phone
        raise SchedulingError(SchedulingErrorCode.CALL_US, f"{terms.why_not} Please call {phone}.")
    return locked


def appointment_cancel_by_patient(
    *, appointment: Appointment, actor: Actor, now: datetime
) -> Appointment:
    """The patient cancels, within the policy: never late, so never a fee."""
    with transaction.atomic():
        locked = _refuse_unless_allowed(appointment, now)
        return appointment_cancel(appointment=locked, actor=actor, now=now, by=CancelledBy.PATIENT)


def appointment_move_by_patient(
    *,
    appointment: Appointment,
    start: datetime,
    practitioner: Practitioner,
    actor: Actor,
    now: datetime,
    location: Location | None = None,
) -> Appointment:
    """The patient moves their booking to a time they chose online: the same service,
    with the same or another practitioner, at the same or another location (the new time
    is checked like any online booking there)."""
    with transaction.atomic():
        locked = _refuse_unless_allowed(appointment, now)
        return appointment_reschedule(
            appointment=locked,
            start=start,
            practitioner=practitioner,
            location=location,
            actor=actor,
            now=now,
            channel=Channel.ONLINE,
        )
