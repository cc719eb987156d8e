"""After booking: cancelling (with the clinic's notice policy and late fee), moving,
checking in, no-shows, and keeping a booking that changed hours left outside what is
allowed. Each change locks the appointment's row, writes its event and audit record,
tells the patient, and puts any time it frees on the waitlist's desk, in one
transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import DatabaseError, transaction

from rehabdesk.audit.choices import AuditAction
from rehabdesk.availability.types import Slot
from rehabdesk.clinic.models import Location, Practitioner
from rehabdesk.core import database
from rehabdesk.core.money import format_money, round_money
from rehabdesk.scheduling.choices import (
    ACTIVE_STATUSES,
    AppointmentStatus,
    CancelledBy,
    Channel,
    EventKind,
    FreedKind,
)
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.messages import local_text, tell_patient
from rehabdesk.scheduling.models import Appointment, AppointmentResource, FreedTime
from rehabdesk.scheduling.services.booking import (
    OVERLAP_SUMMARY,
    BookingRequest,
    NotOnOffer,
    alternatives_for,
    overlap_detail,
    patient_free_check,
    request_check,
    slot_on_offer,
)
from rehabdesk.scheduling.services.records import (
    Actor,
    appointment_locked,
    appointments_end,
    audit_write,
    event_write,
    reminders_withdraw,
    rooms_hold,
)


@dataclass(frozen=True)
class CancellationTerms:
    """What cancelling now would mean: a late cancellation, and the fee it records
    (before any waiver by the front desk)."""

    late: bool
    fee: Decimal | None


def cancellation_terms(
    *, appointment: Appointment, by: CancelledBy, now: datetime
) -> CancellationTerms:
    """The clinic's notice policy, the one place it is applied: a booking the patient
    cancels with less than `Clinic.cancellation_notice_hours` of notice, counted in real
    elapsed hours, is late and owes `late_cancellation_fee_percent` of the price. The
    clinic cancelling is never late; nor is cancelling a hold. The cancellation page
    shows this before the desk confirms; appointment_cancel records it."""
    clinic = appointment.location.clinic
    late = (
        appointment.status == AppointmentStatus.BOOKED
        and by == CancelledBy.PATIENT
        and appointment.start - now < timedelta(hours=clinic.cancellation_notice_hours)
    )
    fee = _fee(appointment, clinic.late_cancellation_fee_percent) if late else None
    return CancellationTerms(late=late, fee=fee)


def appointment_cancel(
    *,
    appointment: Appointment,
    actor: Actor,
    now: datetime,
    by: CancelledBy = CancelledBy.CLINIC,
    reason: str = "",
    waive_fee: bool = False,
) -> Appointment:
    """Cancel an appointment or a hold; its time and rooms are free again at once.

    A booking the patient cancels with less than the clinic's notice (24 hours unless
    set otherwise, counted in real hours, so across a clock change too) is a late
    cancellation and records the clinic's fee, unless the front desk waives it. The
    patient is told, and the freed time goes to the waitlist."""
    with transaction.atomic():
        locked = appointment_locked(appointment)
        if locked.status not in ACTIVE_STATUSES:
            raise SchedulingError(
                SchedulingErrorCode.NOT_ACTIVE, "This appointment is no longer active."
            )
        was_booked = locked.status == AppointmentStatus.BOOKED
        terms = cancellation_terms(appointment=locked, by=by, now=now)
        late = terms.late
        fee = None if waive_fee else terms.fee
        appointments_end(
            Appointment.objects.filter(pk=locked.pk), AppointmentStatus.CANCELLED, now, reason
        )
        Appointment.objects.filter(pk=locked.pk).update(
            cancelled_by=by, late_cancellation=late, fee_due=fee, outside_hours_since=None
        )
        locked.refresh_from_db()
        detail = (
            f"by {by.label.lower()}"
            + (", late" if late else "")
            + (f": {reason}" if reason else "")
        )
        event_write(locked, EventKind.CANCELLED, actor, now, detail)
        audit_write(locked, AuditAction.CHANGE, actor, "appointment (cancelled)")
        if was_booked:
            _release(
                locked.practitioner_id, locked.location_id, (locked.start, locked.busy_until), now
            )
            tell_patient(
                locked,
                "booking_cancelled",
                now,
                key="cancelled",
                cancel_reason="at your request" if by == CancelledBy.PATIENT else reason,
                late_cancellation_fee_text=format_money(fee) if fee else "",
            )
    return locked


def appointment_reschedule(
    *,
    appointment: Appointment,
    start: datetime,
    actor: Actor,
    now: datetime,
    channel: Channel,
    practitioner: Practitioner | None = None,
    location: Location | None = None,
    overlap_reason: str = "",
) -> Appointment:
    """Move a booking to a new time (and perhaps another practitioner or location).

    One transaction: the new time is checked by the engine as if the appointment were
    not there, the row is moved and its rooms held anew — the database guards refuse
    it if someone took the time meanwhile — and only then is the old time free. A
    refusal rolls everything back: the original booking is untouched. The patient must
    be free at the new time unless the front desk moves it over another of their
    visits on purpose, saying why (`overlap_reason`)."""
    request: BookingRequest | None = None
    try:
        with transaction.atomic():
            locked = appointment_locked(appointment)
            if locked.status != AppointmentStatus.BOOKED:
                raise SchedulingError(
                    SchedulingErrorCode.NOT_ACTIVE, "Only a booked appointment can be moved."
                )
            request = BookingRequest(
                patient=locked.patient,
                practitioner=practitioner or locked.practitioner,
                service=locked.service,
                location=location or locked.location,
                start=start,
                channel=channel,
                overlap_reason=overlap_reason,
            )
            request_check(request, now, moving=locked)
            slot = slot_on_offer(request, now, moving=locked)
            overlapping = patient_free_check(request, now, moving=locked)
            return _move(locked, request, slot, actor, now, overlapping)
    except NotOnOffer as refusal:
        assert request is not None
        refusal.alternatives = alternatives_for(request, now)
        raise
    except DatabaseError as error:
        if not database.lost_race(error):
            raise
        assert request is not None
        # A visit of the patient's that won the race is the answer, as it would have
        # been a moment later; otherwise the practitioner's or a room's time was taken.
        patient_free_check(request, now, moving=appointment)
        raise SchedulingError(
            SchedulingErrorCode.SLOT_TAKEN,
            "That time was just taken. Here are the next free times.",
            alternatives=alternatives_for(request, now),
        ) from None


def appointment_arrive(*, appointment: Appointment, actor: Actor, now: datetime) -> Appointment:
    """Check the patient in, on the appointment's local day (a late arrival after the
    booked end is still an arrival)."""
    with transaction.atomic():
        locked = appointment_locked(appointment)
        if locked.status != AppointmentStatus.BOOKED:
            raise SchedulingError(
                SchedulingErrorCode.NOT_ACTIVE, "Only a booked appointment can be checked in."
            )
        zone = locked.location.zone
        if now.astimezone(zone).date() != locked.start.astimezone(zone).date():
            raise SchedulingError(
                SchedulingErrorCode.INVALID, "Patients are checked in on the day of their visit."
            )
        return _change_status(locked, AppointmentStatus.ARRIVED, EventKind.ARRIVED, actor, now)


def appointment_mark_noshow(
    *, appointment: Appointment, actor: Actor, now: datetime, waive_fee: bool = False
) -> Appointment:
    """Record that the patient did not come: once the appointment has started. The
    clinic's no-show fee is recorded for billing unless the front desk waives it."""
    with transaction.atomic():
        locked = appointment_locked(appointment)
        if locked.status != AppointmentStatus.BOOKED:
            raise SchedulingError(
                SchedulingErrorCode.NOT_ACTIVE, "Only a booked appointment can be a no-show."
            )
        if now < locked.start:
            raise SchedulingError(
                SchedulingErrorCode.INVALID, "An appointment is a no-show only once it has started."
            )
        fee = None if waive_fee else _fee(locked, locked.location.clinic.no_show_fee_percent)
        locked.fee_due = fee
        locked.save(update_fields=["fee_due"])
        AppointmentResource.objects.filter(appointment=locked, active=True).update(active=False)
        return _change_status(locked, AppointmentStatus.NOSHOW, EventKind.NOSHOW, actor, now)


def appointment_keep(*, appointment: Appointment, actor: Actor, now: datetime) -> Appointment:
    """Keep a booking that changed hours left outside what is allowed, on purpose (the
    practitioner will come in for it, say): it leaves the changed-hours list."""
    with transaction.atomic():
        locked = appointment_locked(appointment)
        if locked.status not in ACTIVE_STATUSES or locked.outside_hours_since is None:
            raise SchedulingError(
                SchedulingErrorCode.INVALID, "This appointment is not waiting for a decision."
            )
        locked.outside_hours_since = None
        locked.kept_outside_hours = True
        locked.save(update_fields=["outside_hours_since", "kept_outside_hours", "updated_at"])
        event_write(locked, EventKind.KEPT, actor, now)
        audit_write(locked, AuditAction.CHANGE, actor, "appointment (kept outside hours)")
    return locked


def _fee(appointment: Appointment, percent: int) -> Decimal | None:
    if not percent:
        return None
    return round_money(appointment.service.price * percent / 100)


def _move(
    appointment: Appointment,
    request: BookingRequest,
    slot: Slot,
    actor: Actor,
    now: datetime,
    overlapping: bool,
) -> Appointment:
    before = (appointment.start, appointment.busy_until)
    previous_start_local = local_text(appointment.start, appointment)
    released_practitioner, released_location = appointment.practitioner, appointment.location
    AppointmentResource.objects.filter(appointment=appointment, active=True).update(active=False)
    appointment.practitioner = request.practitioner
    appointment.location = request.location
    appointment.start, appointment.end, appointment.busy_until = (
        slot.start,
        slot.end,
        slot.busy_until,
    )
    appointment.outside_hours_since = None
    appointment.kept_outside_hours = False
    appointment.patient_confirmed_at = None  # they confirmed the old time, not this one
    reminders_withdraw(appointment_ids=[appointment.pk], now=now)  # of the old time
    # A move is a new decision: a reason only when the desk moved it over another visit.
    appointment.overlap_reason = request.overlap_reason if overlapping else ""
    appointment.save(
        update_fields=[
            "practitioner",
            "location",
            "start",
            "end",
            "busy_until",
            "outside_hours_since",
            "kept_outside_hours",
            "overlap_reason",
            "patient_confirmed_at",
            "updated_at",
        ]
    )
    rooms_hold(appointment, slot)
    detail = f"from {previous_start_local}"
    if overlapping:
        detail += f"; {overlap_detail(request)}"
    moved = event_write(appointment, EventKind.MOVED, actor, now, detail)
    summary = "moved" + (OVERLAP_SUMMARY if overlapping else "")
    audit_write(appointment, AuditAction.CHANGE, actor, f"appointment ({summary})")
    _release(released_practitioner.pk, released_location.pk, before, now)
    tell_patient(
        appointment,
        "booking_changed",
        now,
        key=f"moved:{moved.pk}",
        previous_start_local=previous_start_local,
    )
    return appointment


def _release(
    practitioner_id: int, location_id: int, span: tuple[datetime, datetime], now: datetime
) -> None:
    """Put the time a booking no longer needs on the waitlist's desk (services/waitlist.py), in
    the same transaction as the change, so a crash right after cannot lose it."""
    start, end = max(span[0], now), span[1]
    if end > start:
        FreedTime.objects.create(
            practitioner_id=practitioner_id,
            location_id=location_id,
            kind=FreedKind.RELEASED,
            start=start,
            end=end,
            created_at=now,
        )


def _change_status(
    appointment: Appointment,
    status: AppointmentStatus,
    kind: EventKind,
    actor: Actor,
    now: datetime,
) -> Appointment:
    appointment.status = status
    appointment.save(update_fields=["status", "updated_at"])
    event_write(appointment, kind, actor, now)
    audit_write(appointment, AuditAction.CHANGE, actor, f"appointment ({status.label.lower()})")
    return appointment
