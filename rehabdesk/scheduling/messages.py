"""What the patient is told when a booking is made, moved or cancelled, or a waiting
patient is offered a time: one outbox row each, written in the caller's transaction
(notifications/services.py), so a change and its message commit or vanish together.

The context is the one templates/notifications/README.md lists, formatted in the
location's time zone. A child without an address of their own is written to through
the guardian who manages their bookings (`addressee`), and then names the child ("Maya's
appointment is booked", `whose_appointment`): a parent of several children can tell
their e-mails apart. A patient who asked not to be
e-mailed, or has nobody with an address, gets no row; the front desk sees their bookings
on the day sheet and calls them.
"""

from __future__ import annotations

from datetime import datetime

from rehabdesk.clinic.choices import TaxTreatment
from rehabdesk.core.clock import clock
from rehabdesk.core.money import format_money
from rehabdesk.core.phones import e164_or_blank
from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.services import message_enqueue
from rehabdesk.patients.models import FamilyLink, Patient
from rehabdesk.scheduling.calendar_file import CALENDAR_METHODS, REQUEST, appointment_calendar
from rehabdesk.scheduling.manage_links import intake_link, manage_link
from rehabdesk.scheduling.models import Appointment

RELATED_TYPE = "scheduling.appointment"
# What is also texted to those who agreed to text messages: time, place and clinic only.
# A reminder is texted too when the clinic's reminder policy says so (`remind_patient`).
TEXTED_KINDS = frozenset({"booking_confirmation", "booking_changed", "booking_cancelled"})
REMINDER = "appointment_reminder"
# Said when a service has no advice of its own (Service.what_to_bring).
WHAT_TO_BRING = (
    "Comfortable clothing that lets us reach the area we will work on, a list of any "
    "medications, and your benefits card if you plan to claim."
)


def local_text(instant: datetime, appointment: Appointment) -> str:
    """'Wednesday, March 10, 2027 at 10:00 AM' in the appointment's location."""
    local = instant.astimezone(appointment.location.zone)
    return f"{local:%A, %B} {local.day}, {local.year} at {clock(local)}"


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
        "what_to_bring": service.what_to_bring.strip() or WHAT_TO_BRING,
        "manage_link": manage_link(appointment) if appointment.patient_id else "",
        "intake_link": intake_link(appointment) if appointment.patient_id else "",
        **extra,
    }


def calendar_download(appointment: Appointment, *, now: datetime) -> str:
    """The .ics of a booking as its confirmation e-mail carries it (same UID, so a
    calendar keeps one entry), for the booking pages' "add to your calendar"."""
    return appointment_calendar(
        appointment, method=REQUEST, now=now, context=booking_context(appointment)
    )


def addressee(patient: Patient) -> Patient | None:
    """Whom e-mail about the patient's bookings goes to: the patient, unless they have no
    address of their own (a child), then the first guardian who manages their bookings
    and has one. Nobody when the one with the address asked not to be e-mailed."""
    if patient.email:
        return patient if patient.contact_by_email else None
    link = (
        FamilyLink.objects.filter(
            dependent=patient, ended_at__isnull=True, manages_bookings=True, guardian__active=True
        )
        .exclude(guardian__email="")
        .select_related("guardian")
        .order_by("pk")
        .first()
    )
    if link is None or not link.guardian.contact_by_email:
        return None
    return link.guardian


def whose(patient: Patient | None, to: Patient) -> dict[str, str]:
    """How the message's body names the patient to its reader: "Your appointment" and
    "you" to the patient, "Maya's appointment" and "Maya" to Maya's guardian (whose
    subjects say "An appointment": no names there)."""
    if patient is None or patient.pk == to.pk:
        return {"whose_appointment": "Your appointment", "for_whom": "you"}
    name = patient.preferred_name or patient.first_name
    return {"whose_appointment": f"{name}'s appointment", "for_whom": name}


def text_addressee(patient: Patient) -> tuple[Patient, str] | None:
    """Whom text messages about the patient's bookings go to, and the number (E.164):
    the patient, if they agreed to texts and their phone is a valid number; else the
    first guardian managing their bookings who did. Nobody otherwise — a STOP reply
    turns the agreement off (scheduling/services/text_replies.py)."""
    # Read again: a STOP may have come in since this request loaded the patient.
    agreed = Patient.objects.filter(pk=patient.pk, contact_by_sms=True)
    number = e164_or_blank(next(iter(agreed.values_list("phone", flat=True)), ""))
    if number:
        return patient, number
    links = (
        FamilyLink.objects.filter(
            dependent=patient,
            ended_at__isnull=True,
            manages_bookings=True,
            guardian__active=True,
            guardian__contact_by_sms=True,
        )
        .select_related("guardian")
        .order_by("pk")
    )
    for link in links:
        number = e164_or_blank(link.guardian.phone)
        if number:
            return link.guardian, number
    return None


def tell_patient(
    appointment: Appointment, kind: str, now: datetime, *, key: str, **extra: object
) -> None:
    """Queue message `kind` about this appointment, once per `key`: an e-mail, and a
    text message too for a booking, a move or a cancellation when someone agreed to
    texts. A confirmation, change or cancellation e-mail carries the calendar file
    (calendar_file.py) made now, in the same transaction, from the appointment as it
    stands."""
    if kind in TEXTED_KINDS and appointment.patient:
        _text_patient(appointment, kind, now, key=key, **extra)
    _email_patient(appointment, kind, now, key=key, **extra)


def remind_patient(
    appointment: Appointment, channel: MessageChannel, now: datetime, *, key: str
) -> OutboxMessage | None:
    """Queue a reminder of this appointment by `channel`, once per `key`; None when
    nobody may be written to that way (no address or number, or not agreed)."""
    confirmed = appointment.patient_confirmed_at is not None
    if channel == MessageChannel.SMS:
        return _text_patient(appointment, REMINDER, now, key=key, confirmed=confirmed)
    return _email_patient(appointment, REMINDER, now, key=key, confirmed=confirmed)


def _text_patient(
    appointment: Appointment, kind: str, now: datetime, *, key: str, **extra: object
) -> OutboxMessage | None:
    found = text_addressee(appointment.patient) if appointment.patient else None
    if found is None:
        return None
    return message_enqueue(
        channel=MessageChannel.SMS,
        kind=kind,
        recipient=found[1],
        template=f"sms_{kind}",
        context=booking_context(appointment, **extra),
        related_type=RELATED_TYPE,
        related_id=appointment.pk,
        dedupe_key=f"sms:{kind}:{appointment.pk}:{key}",
        now=now,
    )


def _email_patient(
    appointment: Appointment, kind: str, now: datetime, *, key: str, **extra: object
) -> OutboxMessage | None:
    patient = appointment.patient
    to = addressee(patient) if patient else None
    if to is None:
        return None
    context = booking_context(
        appointment, greeting_name=to.full_name, **whose(patient, to), **extra
    )
    method = CALENDAR_METHODS.get(kind)
    calendar = (
        appointment_calendar(
            appointment, method=method, now=now, context=context, recipient=to.email
        )
        if method
        else ""
    )
    return message_enqueue(
        channel=MessageChannel.EMAIL,
        kind=kind,
        recipient=to.email,
        template=kind,
        context=context,
        related_type=RELATED_TYPE,
        related_id=appointment.pk,
        dedupe_key=f"{kind}:{appointment.pk}:{key}",
        calendar=calendar,
        now=now,
    )
