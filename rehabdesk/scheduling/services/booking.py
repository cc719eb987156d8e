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
import json
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
from rehabdesk.scheduling.choices import ACTIVE_STATUSES, AppointmentStatus, Channel, EventKind
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.messages import local_text, tell_patient
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
# equipment of the kinds the service needs at the location (space 2), then the patient
# (space 3, QUEUE_PATIENT), whose other visits may be anywhere.
QUEUE_KEYS = """
    SELECT 1, %s
    UNION ALL
    SELECT 2, resource.id
      FROM clinic_resource AS resource
      JOIN clinic_service_resource_kinds AS needed
        ON needed.resourcekind_id = resource.kind_id
     WHERE needed.service_id = %s AND resource.location_id = %s
"""
QUEUE_PATIENT = "SELECT 3, %s"
OVERLAP_REASON_LENGTH = 200  # Appointment.overlap_reason
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
    # Why the front desk books this visit over another of the patient's on purpose (a
    # physio visit running into a massage with a second therapist, say); empty when
    # the patient must be free then, as online they always must.
    overlap_reason: str = ""

    def __post_init__(self) -> None:
        # An instant in UTC, like the engine's slots: a start in the location's zone
        # inside the hour the clocks repeat never equals its slot (and two of one zone
        # compare by wall clock), so the time would be refused as not on offer.
        if self.start.tzinfo is not None and self.start.tzinfo is not UTC:
            object.__setattr__(self, "start", self.start.astimezone(UTC))

    @property
    def end(self) -> datetime:
        """When the patient is done: the practitioner's buffer after it is not theirs."""
        return self.start + timedelta(minutes=self.service.duration_minutes)


def appointment_hold(
    *,
    request: BookingRequest,
    actor: Actor,
    now: datetime,
    idempotency_key: str | None = None,
    note: str = "",
    hold_for: timedelta = HOLD_DURATION,
    live_holds_limit: int | None = None,
) -> Appointment:
    """Keep a time for the patient while they finish booking (status `pending`), for
    `hold_for` (a waitlist offer keeps it longer).

    `live_holds_limit`: refuse (`too_many_holds`) when the patient already has that
    many times held and not yet run out, whoever holds them (the API's limit:
    online/holds.py). Counted inside the booking's transaction once it holds the
    patient's place in the queue (after the practitioner's and the rooms', in the one
    order every booking takes them): two holds for one patient at once, even with two
    practitioners at two locations, are counted one after the other, and the second
    sees the first. A hold for nobody yet has no patient to count."""
    return _create(
        request=request,
        status=AppointmentStatus.PENDING,
        actor=actor,
        now=now,
        idempotency_key=idempotency_key,
        note=note,
        hold_for=hold_for,
        live_holds_limit=live_holds_limit,
    )


def live_holds_check(*, patient: Patient, limit: int, now: datetime) -> None:
    """Refuse another hold for a patient who already has `limit` times held and not yet
    run out (`too_many_holds`: confirm one or cancel it first). `appointment_hold` asks
    this under the patient's lock; asked before, as a first look, it proves nothing."""
    held = Appointment.objects.filter(
        patient=patient, status=AppointmentStatus.PENDING, hold_expires_at__gt=now
    ).count()
    if held >= limit:
        raise SchedulingError(
            SchedulingErrorCode.TOO_MANY_HOLDS,
            "A time is already held for this patient: confirm it or cancel it before "
            "holding another.",
            field="patient",
        )


def appointment_book(
    *,
    request: BookingRequest,
    actor: Actor,
    now: datetime,
    idempotency_key: str | None = None,
    note: str = "",
    tell: bool = True,
    look_first: bool = True,
) -> Appointment:
    """Book a time outright (status `booked`); the patient is sent a confirmation unless
    `tell` is False (a series confirms its first visit only). `look_first`: whether to
    look at the calendar before taking the lock (`_refuse_unless_offered`); a series,
    already inside its own transaction, skips it — the check under the lock is the
    same, and the look only saves queueing for a lock it holds."""
    return _create(
        request=request,
        status=AppointmentStatus.BOOKED,
        actor=actor,
        now=now,
        idempotency_key=idempotency_key,
        note=note,
        tell=tell,
        look_first=look_first,
    )


def appointment_confirm(*, appointment: Appointment, actor: Actor, now: datetime) -> Appointment:
    """Turn a hold into a booking, if it has not expired meanwhile."""
    with transaction.atomic():
        locked = appointment_locked(appointment)
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
    only, not booked elsewhere then) are checked now, and a refusal leaves the hold as
    it was."""
    request: BookingRequest | None = None
    try:
        with transaction.atomic():
            locked = appointment_locked(appointment)
            if locked.status != AppointmentStatus.PENDING or locked.patient_id is not None:
                raise SchedulingError(SchedulingErrorCode.NOT_A_HOLD, "This time is not on hold.")
            if locked.hold_expires_at is None or locked.hold_expires_at <= now:
                raise SchedulingError(
                    SchedulingErrorCode.HOLD_EXPIRED,
                    "The time was held for you but has been released; please choose a time again.",
                )
            request = BookingRequest(
                patient=patient,
                practitioner=locked.practitioner,
                service=locked.service,
                location=locked.location,
                start=locked.start,
                channel=Channel(locked.channel),
            )
            request_check(request, now)
            _queue_behind_the_patient(request, now)
            patient_free_check(request, now)
            locked.patient = patient
            locked.save(update_fields=["patient", "updated_at"])
            audit_write(locked, AuditAction.CHANGE, actor, "appointment (held for a patient)")
        return locked
    except DatabaseError as error:
        if not database.lost_race(error) or request is None:
            raise
        # Only the patient's guard looks at who is on a hold: a visit of theirs at that
        # time won the race.
        patient_free_check(request, now)
        raise SchedulingError(
            SchedulingErrorCode.PATIENT_BUSY,
            f"{patient.full_name} was booked at that time a moment ago.",
            field="start",
        ) from None


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
    look_first: bool = True,
    live_holds_limit: int | None = None,
) -> Appointment:
    fingerprint = request_fingerprint(request, status=status, actor=actor, note=note)
    # A retry is answered with what the first request made before any rule is looked at
    # again: the rules may well refuse it now *because* of that booking (the patient is
    # known, or busy at that very time).
    replay = _replay(idempotency_key, fingerprint, status)
    if replay is not None:
        return replay
    for attempt in range(ATTEMPTS):
        try:
            if attempt == 0:
                # A first look without the write lock: most refusals need no lock. Inside
                # the try, so that a refusal caused by a concurrent request with the same
                # key (its booking makes the patient busy, or known) answers its replay.
                request_check(request, now)
                if look_first:
                    patient_free_check(request, now)
                    _refuse_unless_offered(request, now)
            with transaction.atomic():
                replay = _replay(idempotency_key, fingerprint, status)
                if replay is not None:
                    return replay
                slot = slot_on_offer(request, now)
                # The count comes after slot_on_offer took the patient's place in the
                # queue: never a lock on the patient before the practitioner's, the
                # order every other booking takes them in.
                if live_holds_limit is not None and request.patient is not None:
                    live_holds_check(patient=request.patient, limit=live_holds_limit, now=now)
                overlapping = patient_free_check(request, now)
                return _insert(
                    request,
                    slot,
                    status,
                    actor,
                    now,
                    idempotency_key,
                    fingerprint,
                    note,
                    hold_for,
                    tell,
                    overlapping,
                )
        except SchedulingError as refusal:
            # A concurrent request with the same key may have booked this very time
            # between our look for the key and the engine's look at the calendar.
            replay = _replay(idempotency_key, fingerprint, status)
            if replay is not None:
                return replay
            if isinstance(refusal, NotOnOffer):
                refusal.alternatives = alternatives_for(request, now)
            raise
        except DatabaseError as error:
            if not database.lost_race(error):
                raise
            # The database refused: someone else took the practitioner, a room or the
            # patient's time, or sent the same idempotency key, between our check and
            # our insert. The next attempt sees what they wrote.
            replay = _replay(idempotency_key, fingerprint, status)
            if replay is not None:
                return replay
            if attempt == ATTEMPTS - 1:
                break
    patient_free_check(request, now)
    raise _slot_taken(request, now)


def _slot_taken(request: BookingRequest, now: datetime) -> SchedulingError:
    return SchedulingError(
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
    if request.overlap_reason and request.channel == Channel.ONLINE:
        raise SchedulingError(
            SchedulingErrorCode.INVALID,
            "Only the clinic books visits that overlap: please choose another time.",
            field="overlap_reason",
        )
    if len(request.overlap_reason) > OVERLAP_REASON_LENGTH:
        raise SchedulingError(
            SchedulingErrorCode.INVALID,
            f"Say why the visits overlap in at most {OVERLAP_REASON_LENGTH} characters.",
            field="overlap_reason",
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


def request_fingerprint(
    request: BookingRequest, *, status: AppointmentStatus, actor: Actor, note: str
) -> str:
    """What an idempotency key stands for: one operation (a hold or a booking), every
    field of the request, and the account that sent it. The same key with anything else
    is another request: refused, never answered with the first one's appointment."""
    user = user_of(actor)
    text = json.dumps(
        [
            str(status),
            user.pk if user else None,
            request.patient.pk if request.patient else None,
            request.practitioner.pk,
            request.service.pk,
            request.location.pk,
            request.start.timestamp(),
            str(request.channel),
            note,
            request.overlap_reason,
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(key: str | None, fingerprint: str, status: AppointmentStatus) -> Appointment | None:
    """The appointment this key made, as it is now, when the request is the same; a
    refusal when it is another request, or when what it made has since been cancelled —
    answering a cancelled booking as if it stood would tell the caller it is booked."""
    if not key:
        return None
    existing = Appointment.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if existing.request_fingerprint != fingerprint:
        raise SchedulingError(
            SchedulingErrorCode.IDEMPOTENCY_MISMATCH,
            "This idempotency key was already used for another request: send a new key "
            "with each new booking.",
        )
    if existing.status == AppointmentStatus.CANCELLED:
        made = "time held" if status == AppointmentStatus.PENDING else "booking made"
        raise SchedulingError(
            SchedulingErrorCode.ALREADY_CANCELLED,
            f"The {made} with this idempotency key (appointment {existing.pk}) has since "
            "been cancelled, and nothing was made again: to book again, send a new key.",
        )
    return existing


def patient_free_check(
    request: BookingRequest, now: datetime, moving: Appointment | None = None
) -> bool:
    """Refuse a visit that overlaps another active one of the same patient, with
    whomever and wherever (`patient_busy`): nobody is in two treatment rooms at once.
    When the front desk books it over the other on purpose and says why, allow it and
    answer whether it does overlap (the appointment then keeps the reason in
    `overlap_reason`, and the database's guard lets it be).

    The patient's time is [start, end): back to back is touching, not overlapping, and
    the practitioner's buffer after a visit is theirs, not the patient's. A hold counts
    until it expires; a cancelled or missed visit does not. `moving` is the appointment
    being moved, which cannot be in its own way."""
    if request.patient is None:
        return False
    others = Appointment.objects.filter(
        patient=request.patient,
        status__in=ACTIVE_STATUSES,
        start__lt=request.end,
        end__gt=request.start,
    ).exclude(status=AppointmentStatus.PENDING, hold_expires_at__lte=now)
    if moving is not None:
        others = others.exclude(pk=moving.pk)
    # Asked of every booking, and nearly always answered "free": look for an id, and
    # read the visit in the way (with its service and location) only to name it.
    first = others.order_by("start").values_list("pk", flat=True).first()
    if first is None:
        return False
    if request.overlap_reason:
        return True
    other = Appointment.objects.select_related("service", "location").get(pk=first)
    raise SchedulingError(
        SchedulingErrorCode.PATIENT_BUSY,
        f"{request.patient.full_name} already has a booking then: {other.service.name} at "
        f"{other.location.name}, {local_text(other.start, other)}.",
        field="start",
    )


def slot_on_offer(
    request: BookingRequest, now: datetime, moving: Appointment | None = None
) -> Slot:
    """The engine's slot for exactly this start, once the bookings in its way have
    finished and the expired holds in its way are released; refused with the engine's
    reason when the time is not on offer. An appointment being `moving` is looked at as
    if it were not there."""
    _queue_behind_bookings_in_the_way(request)
    in_the_way = Q(practitioner=request.practitioner) | Q(location=request.location)
    if request.patient is not None:
        in_the_way |= Q(patient=request.patient)
    _release_expired(
        Appointment.objects.filter(
            in_the_way,
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
    is.) The patient comes last: two visits of one patient, with two practitioners at
    two locations, share nothing else. The queue only saves waiting: the guards still
    refuse any overlap, and a key two ids share would make bookings queue needlessly,
    nothing more."""
    keys, params = QUEUE_KEYS, [request.practitioner.pk, request.service.pk, request.location.pk]
    if request.patient is not None:
        keys, params = f"{keys} UNION ALL {QUEUE_PATIENT}", [*params, request.patient.pk]
    database.queue_behind(keys, params)


def _queue_behind_the_patient(request: BookingRequest, now: datetime) -> None:
    """Wait for the patient's other bookings in progress, then release the patient's
    expired holds around the time: a patient put on a hold needs nothing else in its
    way (its practitioner and rooms are held already)."""
    assert request.patient is not None
    database.queue_behind(QUEUE_PATIENT, [request.patient.pk])
    _release_expired(
        Appointment.objects.filter(
            patient=request.patient,
            start__lt=request.start + timedelta(days=1),
            busy_until__gt=request.start - timedelta(days=1),
        ),
        now,
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
    fingerprint: str,
    note: str,
    hold_for: timedelta,
    tell: bool,
    overlapping: bool,
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
        request_fingerprint=fingerprint if idempotency_key else "",
        overlap_reason=request.overlap_reason if overlapping else "",
    )
    rooms_hold(appointment, slot)
    kind = EventKind.HELD if status == AppointmentStatus.PENDING else EventKind.BOOKED
    event_write(appointment, kind, actor, now, overlap_detail(request) if overlapping else "")
    summary = status.label.lower() + (OVERLAP_SUMMARY if overlapping else "")
    audit_write(appointment, AuditAction.CREATE, actor, f"appointment ({summary})")
    if status == AppointmentStatus.BOOKED and tell:
        tell_patient(appointment, "booking_confirmation", now, key="booked")
    return appointment


# The audit trail says an overlap was booked on purpose; the reason, which may speak of
# the patient's care, is in the appointment's own history.
OVERLAP_SUMMARY = ", overlapping another of the patient's on purpose"


def overlap_detail(request: BookingRequest) -> str:
    return f"over another booking of the patient: {request.overlap_reason}"


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
