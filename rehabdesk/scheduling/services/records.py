"""What every change to an appointment writes besides the row itself, shared by the
booking and lifecycle services: the locked row, the appointment's append-only history,
the audit trail, and the end of its hold on time and rooms."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.availability.types import Slot
from rehabdesk.core.events import event_publish, iso
from rehabdesk.notifications.services import messages_withdraw
from rehabdesk.scheduling.choices import EventKind
from rehabdesk.scheduling.messages import RELATED_TYPE, REMINDER
from rehabdesk.scheduling.models import Appointment, AppointmentEvent, AppointmentResource

Actor = AbstractBaseUser | AnonymousUser | None


def appointment_locked(appointment: Appointment) -> Appointment:
    """The appointment as it is once this transaction holds its row: any change already
    waiting for the row (a move, a cancel) has finished, and what it left is read.

    The row is locked alone, and only then read with what goes with it. On PostgreSQL
    (READ COMMITTED) a row locked by a query that joins other tables is checked again,
    once the lock is ours, against the joined rows as they were when the query began: a
    cancel that waited behind a move to another practitioner or location would find no
    row at all, and the desk's cancel would be lost to a server error. Not even the
    default ordering may join: appointments sort by practitioner."""
    locked = Appointment.objects.select_for_update().filter(pk=appointment.pk).order_by()
    if not locked.values_list("pk", flat=True):
        raise Appointment.DoesNotExist  # appointments are never deleted: a wrong id
    return Appointment.objects.select_related(
        "location__clinic", "service__tax_category", "patient", "practitioner"
    ).get(pk=appointment.pk)


def appointments_end(
    appointments: QuerySet[Appointment], status: str, now: datetime, reason: str
) -> None:
    ids = list(appointments.values_list("pk", flat=True))
    Appointment.objects.filter(pk__in=ids).update(
        status=status,
        cancelled_at=now,
        cancel_reason=reason[:200],
        hold_expires_at=None,
        updated_at=now,
    )
    AppointmentResource.objects.filter(appointment_id__in=ids, active=True).update(active=False)
    reminders_withdraw(appointment_ids=ids, now=now)


def reminders_withdraw(*, appointment_ids: list[int], now: datetime) -> int:
    """Withdraw the queued reminders of these visits that have not gone yet, in the
    caller's transaction: the visit was cancelled, or moved to another time (whose own
    reminders come at their moments: services/reminders.py). Returns how many."""
    return messages_withdraw(
        related_type=RELATED_TYPE, related_ids=appointment_ids, kinds=[REMINDER], now=now
    )


def rooms_hold(appointment: Appointment, slot: Slot) -> None:
    """Hold the rooms and equipment the engine picked for the appointment's time (the
    guards refuse a hold that overlaps another)."""
    AppointmentResource.objects.bulk_create(
        AppointmentResource(
            appointment=appointment,
            resource_id=resource_id,
            start=slot.start,
            busy_until=slot.busy_until,
        )
        for resource_id in slot.resource_ids
    )


def event_write(
    appointment: Appointment, kind: EventKind, actor: Actor, now: datetime, detail: str = ""
) -> AppointmentEvent:
    event = AppointmentEvent.objects.create(
        appointment=appointment,
        occurred_at=now,
        actor=user_of(actor),
        kind=kind,
        status=appointment.status,
        start=appointment.start,
        end=appointment.end,
        detail=detail[:200],
    )
    published = PUBLISHED_EVENTS.get(kind)
    if published:
        # Told to the webhooks (core/events.py), in this transaction: ids and times only.
        event_publish(
            type=published,
            data={
                "appointment_id": appointment.pk,
                "patient_id": appointment.patient_id,
                "practitioner_id": appointment.practitioner_id,
                "location_id": appointment.location_id,
                "start": iso(appointment.start),
                "end": iso(appointment.end),
                "status": str(appointment.status),
            },
            now=now,
        )
    return event


# The appointment events told to the outside (docs/webhooks.md), by the event's kind.
PUBLISHED_EVENTS = {
    EventKind.BOOKED: "appointment.booked",
    EventKind.CONFIRMED: "appointment.booked",
    EventKind.MOVED: "appointment.moved",
    EventKind.CANCELLED: "appointment.cancelled",
    EventKind.ARRIVED: "appointment.checked_in",
    EventKind.NOSHOW: "appointment.no_show",
}


def audit_write(appointment: Appointment, action: AuditAction, actor: Actor, summary: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="scheduling.appointment",
        object_id=str(appointment.pk),
        patient_ids=[appointment.patient_id] if appointment.patient_id else [],
        summary=summary,
        location_id=appointment.location_id,
    )


def user_of(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None
