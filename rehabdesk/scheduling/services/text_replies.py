"""What a patient's reply to one of our text messages does (POST /sms/inbound/): "C"
(or "yes") confirms their next booked appointment, "STOP" (or another of the words
carriers and Twilio treat as opting out) stops text messages to their number, and
"START" (or "UNSTOP") undoes a STOP: whoever a STOP reply took off is texted again,
never someone who unticked the box themselves. Anything else changes nothing; the
front desk keeps the phone for conversations.

The number is all that says who replied. A family sharing one phone shares the
answer: STOP stops texts to each of them, START restarts them for each a STOP had
stopped, and C confirms the soonest booked visit of any of them or of the children
they book for — the one the last text was most likely about.

Twilio also treats "YES" as opting back in (it lifts its own block of the number);
here "yes" stays a confirmation, so a patient opts back in with START.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from rehabdesk.audit.choices import AuditAction
from rehabdesk.core.phones import e164_or_blank
from rehabdesk.patients.models import FamilyLink
from rehabdesk.patients.selectors import patients_at_number
from rehabdesk.patients.services import patient_texts_start, patient_texts_stop
from rehabdesk.scheduling.choices import AppointmentStatus, EventKind
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services.records import (
    Actor,
    appointment_locked,
    audit_write,
    event_write,
)

CONFIRM_WORDS = frozenset({"c", "y", "yes", "confirm", "oui"})
# Twilio's default opt-out keywords (it blocks the number itself as well), and French.
STOP_WORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke", "arret"}
)
# Twilio's default opt-in keywords but "yes" (a confirmation here; see above).
START_WORDS = frozenset({"start", "unstop"})


class Reply(enum.StrEnum):
    CONFIRM = "confirm"
    STOP = "stop"
    START = "start"
    OTHER = "other"


@dataclass(frozen=True)
class ReplyOutcome:
    reply: Reply
    appointment_id: int | None = None  # the appointment confirmed
    stopped: tuple[int, ...] = ()  # the patients no longer texted
    started: tuple[int, ...] = ()  # the patients texted again


def reply_meaning(body: str) -> Reply:
    """What a reply asks for: one word, any case, trailing punctuation ignored."""
    word = body.strip().rstrip(".!").strip().casefold().replace("ê", "e")
    if word in CONFIRM_WORDS:
        return Reply.CONFIRM
    if word in STOP_WORDS:
        return Reply.STOP
    if word in START_WORDS:
        return Reply.START
    return Reply.OTHER


def text_reply_receive(*, from_number: str, body: str, now: datetime) -> ReplyOutcome:
    """Act on a reply from `from_number` (E.164, as the provider sends it)."""
    reply = reply_meaning(body)
    number = e164_or_blank(from_number)
    if reply is Reply.OTHER or not number:
        return ReplyOutcome(reply)
    with transaction.atomic():
        if reply is Reply.STOP:
            return ReplyOutcome(reply, stopped=tuple(patient_texts_stop(number=number, now=now)))
        if reply is Reply.START:
            return ReplyOutcome(reply, started=tuple(patient_texts_start(number=number, now=now)))
        appointment = _next_booked(number, now)
        if appointment is None:
            return ReplyOutcome(reply)
        return ReplyOutcome(
            reply,
            appointment_id=appointment_confirm_by_patient(appointment=appointment, now=now).pk,
        )


def appointment_confirm_by_patient(
    *, appointment: Appointment, now: datetime, actor: Actor = None, how: str = "by text message"
) -> Appointment:
    """The patient says they will come (a reply C, or the button on the booking's page:
    `how` says which, `actor` who when signed in): dated once, with an event and an
    audit record; a second confirmation of the same time changes nothing."""
    with transaction.atomic():
        locked = appointment_locked(appointment)
        if locked.status != AppointmentStatus.BOOKED or locked.patient_confirmed_at:
            return locked
        locked.patient_confirmed_at = now
        locked.save(update_fields=["patient_confirmed_at", "updated_at"])
        event_write(locked, EventKind.PATIENT_CONFIRMED, actor, now, how)
        audit_write(locked, AuditAction.CHANGE, actor, "appointment (confirmed by the patient)")
    return locked


def _next_booked(number: str, now: datetime) -> Appointment | None:
    people = list(patients_at_number(number=number).values_list("pk", flat=True))
    if not people:
        return None
    children = FamilyLink.objects.filter(
        guardian_id__in=people, ended_at__isnull=True, manages_bookings=True
    ).values_list("dependent_id", flat=True)
    return (
        Appointment.objects.filter(
            Q(patient_id__in=people) | Q(patient_id__in=list(children)),
            status=AppointmentStatus.BOOKED,
            start__gt=now,
        )
        .order_by("start", "pk")
        .first()
    )
