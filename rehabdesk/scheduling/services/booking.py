"""Booking: holding a time, booking it, confirming a hold, putting a patient on a time
held online, and the sweep of expired holds.

Every booking is checked by the availability engine (registration rule, hours,
closures, time off, rooms, policy) inside a transaction that first takes the database's
write lock on SQLite (BEGIN IMMEDIATE) or, on PostgreSQL, queues behind the bookings
that want the same practitioner or rooms (advisory locks). The database's guards have
the last word: should two requests for one time both pass the check, only one insert
survives. The loser is told "that time was just taken" with the next free times.
docs/algorithms/booking.md is the recipe in prose.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.availability import find_slots
from rehabdesk.availability.types import Reason, Slot
from rehabdesk.clinic.choices import PatientEligibility
from rehabdesk.clinic.models import Location, Practitioner, Service
from rehabdesk.core import database
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.adapters import build_query
from rehabdesk.scheduling.choices import AppointmentStatus, Channel, EventKind
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.messages import tell_patient
from rehabdesk.scheduling.models import Appointment, AppointmentEvent
from rehabdesk.scheduling.selectors import availability_search
from rehabdesk.scheduling.services.records import (
    Actor,
    appointment_locked,
    appointments_end,
    audit_write,
    event_write,
    rooms_hold,
    user_of,
)

# How long a hold keeps a time for someone finishing their booking.
HOLD_DURATION = timedelta(minutes=10)
ALTERNATIVES = 3
ALTERNATIVES_WINDOW = timedelta(days=14)
SLOT_UNAVAILABLE_MESSAGE = "That time is not available."
# What a booking queues behind before its check (`_queue_behind_bookings_in_the_way`):
# (space, key) pairs, the practitioner (space 1), then every room and piece of
# equipment of the kinds the service needs at the location (space 2).
QUEUE_KEYS = """
    SELECT 1, %s
    UNION ALL
    SELECT 2, resource.id
      FROM clinic_resource AS resource
      JOIN clinic_service_resource_kinds AS needed
        ON needed.resourcekind_id = resource.kind_id
     WHERE needed.service_id = %s AND resource.location_id = %s
"""
# A booking that loses a race for a room (not for the practitioner) is tried again:
# the engine will pick another free room if there is one.
ATTEMPTS = 3


@dataclass(frozen=True)
class BookingRequest:
    # None only for a hold made online before the visitor says who they are.
    patient: Patient | None
    practitioner: Practitioner
    service: Service
    location: Location
    start: datetime
    channel: Channel

    def __post_init__(self) -> None:
        # An instant in UTC, like the engine's slots: a start in the location's zone
        # inside the hour the clocks repeat never equals its slot (and two of one zone
        # compare by wall clock), so the time would be refused as not on offer.
        if self.start.tzinfo is not None and self.start.tzinfo is not UTC:
            object.__setattr__(self, "start", self.start.astimezone(UTC))

    @property
    def fingerprint(self) -> str:
        text = "|".join(
            str(value)
            for value in (
                self.patient.pk if self.patient else "",
                self.practitioner.pk,
                self.service.pk,
                self.location.pk,
                self.start.timestamp(),
                self.channel,
            )
        )
        return hashlib.sha256(text.encode()).hexdigest()


def appointment_hold(
    *,
    request: BookingRequest,
    actor: Actor,
    now: datetime,
    idempotency_key: str | None = None,
    note: str = "",
    hold_for: timedelta = HOLD_DURATION,
) -> Appointment:
    """Keep a time for the patient while they finish booking (status `pending`), for
    `hold_for` (a waitlist offer keeps it longer)."""
    return _create(
        request=request,
        status=AppointmentStatus.PENDING,
        actor=actor,
        now=now,
        idempotency_key=idempotency_key,
        note=note,
        hold_for=hold_for,
    )


def appointment_book(
    *,
    request: BookingRequest,
    actor: Actor,
    now: datetime,
    idempotency_key: str | None = None,
    note: str = "",
    tell: bool = True,
) -> Appointment:
    """Book a time outright (status `booked`); the patient is sent a confirmation unless
    `tell` is False (a series confirms its first visit only)."""
    return _create(
        request=request,
        status=AppointmentStatus.BOOKED,
        actor=actor,
        now=now,
        idempotency_key=idempotency_key,
        note=note,
        tell=tell,
    )


def appointment_confirm(*, appointment: Appointment, actor: Actor, now: datetime) -> Appointment:
    """Turn a hold into a booking, if it has not expired meanwhile."""
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status != AppointmentStatus.PENDING or locked.patient_id is None:
            raise SchedulingError(SchedulingErrorCode.NOT_A_HOLD, "This time is not on hold.")
        if locked.hold_expires_at is None or locked.hold_expires_at <= now:
            raise SchedulingError(
                SchedulingErrorCode.HOLD_EXPIRED,
                "The time was held for you but has been released; please choose a time again.",
            )
        locked.status = AppointmentStatus.BOOKED
        locked.hold_expires_at = None
        locked.save(update_fields=["status", "hold_expires_at", "updated_at"])
        event_write(locked, EventKind.CONFIRMED, actor, now)
        audit_write(locked, AuditAction.CHANGE, actor, "appointment (booked)")
        tell_patient(locked, "booking_confirmation", now, key="booked")
    return locked


def appointment_hold_claim(
    *, appointment: Appointment, patient: Patient, actor: Actor, now: datetime
) -> Appointment:
    """Put the patient on a time held online before they said who they are: the hold
    keeps its time and expiry; the patient's own rules (active, new or existing patients
    only) are checked now, and a refusal leaves the hold as it was."""
    with transaction.atomic():
        locked = appointment_locked(appointment)
        if locked.status != AppointmentStatus.PENDING or locked.patient_id is not None:
            raise SchedulingError(SchedulingErrorCode.NOT_A_HOLD, "This time is not on hold.")
        if locked.hold_expires_at is None or locked.hold_expires_at <= now:
            raise SchedulingError(
                SchedulingErrorCode.HOLD_EXPIRED,
                "The time was held for you but has been released; please choose a time again.",
            )
        request_check(
            BookingRequest(
                patient=patient,
                practitioner=locked.practitioner,
                service=locked.service,
                location=locked.location,
                start=locked.start,
                channel=Channel(locked.channel),
            ),
            now,
        )
        locked.patient = patient
        locked.save(update_fields=["patient", "updated_at"])
        audit_write(locked, AuditAction.CHANGE, actor, "appointment (held for a patient)")
    return locked


def holds_release_expired(*, now: datetime) -> int:
    """Release every hold whose time is up (the sweep; bookings also release the expired
    holds in their way inside their own transaction)."""
    with transaction.atomic():
        return _release_expired(Appointment.objects.all(), now)


def _create(
    *,
    request: BookingRequest,
    status: AppointmentStatus,
    actor: Actor,
    now: datetime,
    idempotency_key: str | None,
    note: str,
    hold_for: timedelta = HOLD_DURATION,
    tell: bool = True,
) -> Appointment:
    request_check(request, now)
    if idempotency_key:
        replay = _replay(idempotency_key, request)
        if replay is not None:
            return replay
    for attempt in range(ATTEMPTS):
        try:
            if attempt == 0:
                # A first look without the write lock: most refusals need no lock.
                _refuse_unless_offered(request, now)
            with transaction.atomic():
                if idempotency_key:
                    replay = _replay(idempotency_key, request)
                    if replay is not None:
                        return replay
                slot = slot_on_offer(request, now)
                return _insert(
                    request, slot, status, actor, now, idempotency_key, note, hold_for, tell
                )
        except SchedulingError as refusal:
            # A concurrent request with the same key may have booked this very time
            # between our look for the key and the engine's look at the calendar.
            replay = _replay(idempotency_key, request) if idempotency_key else None
            if replay is not None:
                return replay
            if isinstance(refusal, NotOnOffer):
                refusal.alternatives = alternatives_for(request, now)
            raise
        except DatabaseError as error:
            if not database.lost_race(error):
                raise
            # The database refused: someone else took the practitioner or a room, or
            # sent the same idempotency key, between our check and our insert.
            replay = _replay(idempotency_key, request) if idempotency_key else None
            if replay is not None:
                return replay
            if attempt == ATTEMPTS - 1:
                break
    raise SchedulingError(
        SchedulingErrorCode.SLOT_TAKEN,
        "That time was just taken. Here are the next free times.",
        alternatives=alternatives_for(request, now),
    )


def request_check(
    request: BookingRequest, now: datetime, moving: Appointment | None = None
) -> None:
    if request.start.tzinfo is None:
        raise SchedulingError(
            SchedulingErrorCode.INVALID, "The start time must include its time zone.", field="start"
        )
    service = request.service
    if request.channel == Channel.ONLINE and not service.online_bookable:
        raise SchedulingError(
            SchedulingErrorCode.NOT_ONLINE_BOOKABLE,
            f"{service.name} is booked by phone: please call the clinic.",
        )
    if request.patient is None:
        if request.channel != Channel.ONLINE:
            raise SchedulingError(
                SchedulingErrorCode.INVALID, "A booking needs a patient.", field="patient"
            )
        return  # the patient's own rules are checked when they claim the hold
    if not request.patient.active:
        raise SchedulingError(
            SchedulingErrorCode.PATIENT_INACTIVE, "This patient's record is inactive."
        )
    if service.patient_eligibility == PatientEligibility.ANYONE:
        return
    visits = Appointment.objects.filter(
        patient=request.patient,
        status__in=[
            AppointmentStatus.BOOKED,
            AppointmentStatus.ARRIVED,
            AppointmentStatus.FULFILLED,
        ],
    )
    known = (visits.exclude(pk=moving.pk) if moving else visits).exists()
    if service.patient_eligibility == PatientEligibility.NEW_ONLY and known:
        raise SchedulingError(
            SchedulingErrorCode.NEW_PATIENTS_ONLY, f"{service.name} is for new patients."
        )
    if service.patient_eligibility == PatientEligibility.EXISTING_ONLY and not known:
        raise SchedulingError(
            SchedulingErrorCode.EXISTING_PATIENTS_ONLY,
            f"{service.name} follows a first visit: please book an assessment first.",
        )


def _replay(key: str, request: BookingRequest) -> Appointment | None:
    existing = Appointment.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if existing.request_fingerprint != request.fingerprint:
        raise SchedulingError(
            SchedulingErrorCode.IDEMPOTENCY_MISMATCH,
            "This idempotency key was already used for a different booking.",
        )
    return existing


def slot_on_offer(
    request: BookingRequest, now: datetime, moving: Appointment | None = None
) -> Slot:
    """The engine's slot for exactly this start, once the bookings in its way have
    finished and the expired holds in its way are released; refused with the engine's
    reason when the time is not on offer. An appointment being `moving` is looked at as
    if it were not there."""
    _queue_behind_bookings_in_the_way(request)
    _release_expired(
        Appointment.objects.filter(
            Q(practitioner=request.practitioner) | Q(location=request.location),
            start__lt=request.start + timedelta(days=1),
            busy_until__gt=request.start - timedelta(days=1),
        ),
        now,
    )
    query = build_query(
        service_id=request.service.pk,
        location_ids=[request.location.pk],
        practitioner_ids=[request.practitioner.pk],
        start=request.start,
        end=request.start + timedelta(seconds=1),
        now=now,
        channel=request.channel,
        ignore_appointment_ids=[moving.pk] if moving else (),
        lean=True,
    )
    result = find_slots(query, limit=1)
    if result.slots and result.slots[0].start == request.start:
        return result.slots[0]
    raise NotOnOffer(SLOT_UNAVAILABLE_MESSAGE, reason=result.reason)


def _queue_behind_bookings_in_the_way(request: BookingRequest) -> None:
    """Wait, inside the transaction, for every other booking that could want the same
    practitioner or the same room or equipment, so that the check sees what they wrote.

    Where writers run one at a time (SQLite) there is nothing to wait for. Where they
    run at once (PostgreSQL), two bookings in each other's way could both pass the
    check and insert; each insert would then wait for the other transaction in the
    guards, a deadlock the database breaks only after a second, with both bookings
    waiting. So they queue (`core.database.queue_behind`): behind the practitioner,
    then every room and piece of equipment of the kinds the service needs at the
    location, always in that order, so two bookings of one time each cannot wait for
    each other. (A series books several times in one transaction and so could; the
    database then aborts one, which `database.lost_race` treats as the lost race it
    is.) The queue only saves waiting: the guards still refuse any overlap, and a key
    two ids share would make bookings queue needlessly, nothing more."""
    database.queue_behind(
        QUEUE_KEYS, [request.practitioner.pk, request.service.pk, request.location.pk]
    )


class NotOnOffer(SchedulingError):
    """`slot_unavailable` from the check under the lock, still without the next free
    times: the caller looks them up once the transaction (and on SQLite the write
    lock) is over, rather than make every other booking wait for that search."""

    def __init__(self, message: str, *, reason: Reason | None) -> None:
        super().__init__(SchedulingErrorCode.SLOT_UNAVAILABLE, message, reason=reason)


def _refuse_unless_offered(request: BookingRequest, now: datetime) -> None:
    """Refuse a start that is not on offer right now, before any transaction: one query
    of the calendar answers both whether exactly this start is on offer and, if not, the
    next free times. Passing proves nothing — `slot_on_offer` asks again under the
    write lock, and the database guards have the last word — but a refusal is as good
    as one made under the lock a moment earlier: it is what the calendar said, and
    nothing is written either way (expired holds count as free in the engine's facts).

    Under contention most attempts are for times just taken; on SQLite this keeps them
    from queueing for the write lock only to be refused."""
    if request.start < now:
        return  # in the past: the check under the lock gives the engine's own reason
    # The window `alternatives_for` searches.
    query = build_query(
        service_id=request.service.pk,
        location_ids=[request.location.pk],
        start=request.start,
        end=request.start + ALTERNATIVES_WINDOW,
        now=now,
        channel=request.channel,
        lean=True,
    )
    # The same question as `slot_on_offer`'s: this practitioner, exactly this start.
    # The facts read for the wider window include all of those it would read (the
    # practitioner's, the rooms', the closures' around the start), so the answer and
    # the reason are the same.
    exactly = replace(
        query,
        practitioners=tuple(p for p in query.practitioners if p.id == request.practitioner.pk),
        start=request.start,
        end=request.start + timedelta(seconds=1),
    )
    result = find_slots(exactly, limit=1)
    if result.slots and result.slots[0].start == request.start:
        return
    raise SchedulingError(
        SchedulingErrorCode.SLOT_UNAVAILABLE,
        SLOT_UNAVAILABLE_MESSAGE,
        reason=result.reason,
        alternatives=find_slots(query, limit=ALTERNATIVES).slots,
    )


def _insert(
    request: BookingRequest,
    slot: Slot,
    status: AppointmentStatus,
    actor: Actor,
    now: datetime,
    idempotency_key: str | None,
    note: str,
    hold_for: timedelta,
    tell: bool,
) -> Appointment:
    appointment = Appointment.objects.create(
        patient=request.patient,
        practitioner=request.practitioner,
        service=request.service,
        location=request.location,
        start=slot.start,
        end=slot.end,
        busy_until=slot.busy_until,
        status=status,
        hold_expires_at=now + hold_for if status == AppointmentStatus.PENDING else None,
        channel=request.channel,
        front_desk_note=note,
        created_by=user_of(actor),
        idempotency_key=idempotency_key or "",
        request_fingerprint=request.fingerprint if idempotency_key else "",
    )
    rooms_hold(appointment, slot)
    kind = EventKind.HELD if status == AppointmentStatus.PENDING else EventKind.BOOKED
    event_write(appointment, kind, actor, now)
    audit_write(appointment, AuditAction.CREATE, actor, f"appointment ({status.label.lower()})")
    if status == AppointmentStatus.BOOKED and tell:
        tell_patient(appointment, "booking_confirmation", now, key="booked")
    return appointment


def alternatives_for(request: BookingRequest, now: datetime) -> list[Slot]:
    """The next free times for the same service at the same location, any practitioner."""
    start = max(request.start, now)
    return list(
        availability_search(
            service_id=request.service.pk,
            location_ids=[request.location.pk],
            start=start,
            end=start + ALTERNATIVES_WINDOW,
            now=now,
            channel=request.channel,
            limit=ALTERNATIVES,
        ).slots
    )


def _release_expired(appointments: QuerySet[Appointment], now: datetime) -> int:
    expired = list(appointments.filter(status=AppointmentStatus.PENDING, hold_expires_at__lte=now))
    if not expired:
        return 0
    appointments_end(
        Appointment.objects.filter(pk__in=[a.pk for a in expired]),
        AppointmentStatus.CANCELLED,
        now,
        "hold expired",
    )
    audit_record(
        actor=None,
        action=AuditAction.CHANGE,
        object_type="scheduling.appointment",
        patient_ids=[a.patient_id for a in expired if a.patient_id],
        summary="appointment holds (expired)",
    )
    AppointmentEvent.objects.bulk_create(
        AppointmentEvent(
            appointment=appointment,
            occurred_at=now,
            kind=EventKind.HOLD_EXPIRED,
            status=AppointmentStatus.CANCELLED,
            start=appointment.start,
            end=appointment.end,
        )
        for appointment in expired
    )
    return len(expired)
