"""What the patient is told when a booking is made, moved or cancelled, or a waiting
patient is offered a time: one outbox row each, written in the caller's transaction
(notifications/services.py), so a change and its message commit or vanish together.

The context is the one templates/notifications/README.md lists, formatted in the
location's time zone. A patient who asked not to be e-mailed, or has no address, gets
no row; the front desk sees their bookings on the day sheet and calls them.
"""

from __future__ import annotations

from datetime import datetime

from rehabdesk.clinic.choices import TaxTreatment
from rehabdesk.core.money import format_money
from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.services import message_enqueue
from rehabdesk.scheduling.calendar_file import CALENDAR_METHODS, appointment_calendar
from rehabdesk.scheduling.manage_links import manage_link
from rehabdesk.scheduling.models import Appointment

RELATED_TYPE = "scheduling.appointment"


def local_text(instant: datetime, appointment: Appointment) -> str:
    """'Wednesday, March 10, 2027 at 10:00 AM' in the appointment's location."""
    local = instant.astimezone(appointment.location.zone)
    hour = local.strftime("%I").lstrip("0")
    return f"{local:%A, %B} {local.day}, {local.year} at {hour}:{local:%M %p}"


def booking_context(appointment: Appointment, **extra: object) -> dict[str, object]:
    location = appointment.location
    clinic = location.clinic
    service = appointment.service
    price = format_money(service.price)
    treatment = service.tax_category.treatment
    return {
        "clinic_name": clinic.name,
        "clinic_phone": clinic.phone or location.phone,
        "patient_name": appointment.patient.full_name if appointment.patient else "",
        "service_name": service.name,
        "practitioner_name": appointment.practitioner.display_name,
        "location_name": location.name,
        "location_address": location.address,
        "location_phone": location.phone,
        "start_local": local_text(appointment.start, appointment),
        "duration_minutes": service.duration_minutes,
        "cancellation_notice_hours": clinic.cancellation_notice_hours,
        "price_text": f"{price} + HST" if treatment == TaxTreatment.TAXABLE else price,
        "manage_link": manage_link(appointment) if appointment.patient_id else "",
        **extra,
    }


def tell_patient(
    appointment: Appointment, kind: str, now: datetime, *, key: str, **extra: object
) -> None:
    """Queue message `kind` about this appointment, once per `key`. A confirmation,
    change or cancellation carries the calendar file (calendar_file.py) made now, in
    the same transaction, from the appointment as it stands."""
    patient = appointment.patient
    if patient is None or not (patient.email and patient.contact_by_email):
        return
    context = booking_context(appointment, **extra)
    method = CALENDAR_METHODS.get(kind)
    calendar = (
        appointment_calendar(
            appointment, method=method, now=now, context=context, recipient=patient.email
        )
        if method
        else ""
    )
    message_enqueue(
        channel=MessageChannel.EMAIL,
        kind=kind,
        recipient=patient.email,
        template=kind,
        context=context,
        related_type=RELATED_TYPE,
        related_id=appointment.pk,
        dedupe_key=f"{kind}:{appointment.pk}:{key}",
        calendar=calendar,
        now=now,
    )
