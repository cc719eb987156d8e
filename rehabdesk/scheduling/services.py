"""The booking service: the only way appointments are created, confirmed, moved,
cancelled, checked in or marked as missed.

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
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q, QuerySet

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.availability import find_slots
from rehabdesk.availability.types import Reason, Slot
from rehabdesk.clinic.choices import PatientEligibility
from rehabdesk.clinic.models import Location, Practitioner, Service
from rehabdesk.core.money import format_money, round_money
from rehabdesk.core.sql import select
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.adapters import build_query
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
from rehabdesk.scheduling.models import (
    Appointment,
    AppointmentEvent,
    AppointmentResource,
    FreedTime,
)
from rehabdesk.scheduling.selectors import availability_search

Actor = AbstractBaseUser | AnonymousUser | None

# How long a hold keeps a time for someone finishing their booking.
HOLD_DURATION = timedelta(minutes=10)
ALTERNATIVES = 3
ALTERNATIVES_WINDOW = timedelta(days=14)
SLOT_UNAVAILABLE_MESSAGE = "That time is not available."
DEADLOCK_DETECTED = "40P01"
# PostgreSQL advisory locks a booking queues on before its check, in this order: the
# practitioner's, then the rooms' and equipment's (`_queue_behind_bookings_in_the_way`).
QUEUE_SQL = """
    SELECT pg_advisory_xact_lock(space, key) FROM (
        SELECT 1 AS space, CAST(%s %% 2147483648 AS integer) AS key
        UNION ALL
        SELECT 2, CAST(resource.id %% 2147483648 AS integer)
          FROM clinic_resource AS resource
          JOIN clinic_service_resource_kinds AS needed
            ON needed.resourcekind_id = resource.kind_id
         WHERE needed.service_id = %s AND resource.location_id = %s
    ) AS keys ORDER BY space, key
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
        _event(locked, EventKind.CONFIRMED, actor, now)
        _audit(locked, AuditAction.CHANGE, actor, "appointment (booked)")
        tell_patient(locked, "booking_confirmation", now, key="booked")
    return locked


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


def appointment_hold_claim(
    *, appointment: Appointment, patient: Patient, actor: Actor, now: datetime
) -> Appointment:
    """Put the patient on a time held online before they said who they are: the hold
    keeps its time and expiry; the patient's own rules (active, new or existing patients
    only) are checked now, and a refusal leaves the hold as it was."""
    with transaction.atomic():
        locked = _locked(appointment)
        if locked.status != AppointmentStatus.PENDING or locked.patient_id is not None:
            raise SchedulingError(SchedulingErrorCode.NOT_A_HOLD, "This time is not on hold.")
        if locked.hold_expires_at is None or locked.hold_expires_at <= now:
            raise SchedulingError(
                SchedulingErrorCode.HOLD_EXPIRED,
                "The time was held for you but has been released; please choose a time again.",
            )
        _check_request(
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
        _audit(locked, AuditAction.CHANGE, actor, "appointment (held for a patient)")
    return locked


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
        locked = _locked(appointment)
        if locked.status not in ACTIVE_STATUSES:
            raise SchedulingError(
                SchedulingErrorCode.NOT_ACTIVE, "This appointment is no longer active."
            )
        was_booked = locked.status == AppointmentStatus.BOOKED
        terms = cancellation_terms(appointment=locked, by=by, now=now)
        late = terms.late
        fee = None if waive_fee else terms.fee
        _end(Appointment.objects.filter(pk=locked.pk), AppointmentStatus.CANCELLED, now, reason)
        Appointment.objects.filter(pk=locked.pk).update(
            cancelled_by=by, late_cancellation=late, fee_due=fee, outside_hours_since=None
        )
        locked.refresh_from_db()
        detail = (
            f"by {by.label.lower()}"
            + (", late" if late else "")
            + (f": {reason}" if reason else "")
        )
        _event(locked, EventKind.CANCELLED, actor, now, detail)
        _audit(locked, AuditAction.CHANGE, actor, "appointment (cancelled)")
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
) -> Appointment:
    """Move a booking to a new time (and perhaps another practitioner or location).

    One transaction: the new time is checked by the engine as if the appointment were
    not there, the row is moved and its rooms held anew — the database guards refuse
    it if someone took the time meanwhile — and only then is the old time free. A
    refusal rolls everything back: the original booking is untouched."""
    request: BookingRequest | None = None
    try:
        with transaction.atomic():
            locked = _locked(appointment)
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
            )
            _check_request(request, now, moving=locked)
            slot = _slot_on_offer(request, now, moving=locked)
            return _move(locked, request, slot, actor, now)
    except _NotOnOffer as refusal:
        assert request is not None
        refusal.alternatives = _alternatives(request, now)
        raise
    except DatabaseError as error:
        if not _lost_race(error):
            raise
        assert request is not None
        raise SchedulingError(
            SchedulingErrorCode.SLOT_TAKEN,
            "That time was just taken. Here are the next free times.",
            alternatives=_alternatives(request, now),
        ) from None


def appointment_arrive(*, appointment: Appointment, actor: Actor, now: datetime) -> Appointment:
    """Check the patient in, on the appointment's local day (a late arrival after the
    booked end is still an arrival)."""
    with transaction.atomic():
        locked = _locked(appointment)
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
        locked = _locked(appointment)
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
        locked = _locked(appointment)
        if locked.status not in ACTIVE_STATUSES or locked.outside_hours_since is None:
            raise SchedulingError(
                SchedulingErrorCode.INVALID, "This appointment is not waiting for a decision."
            )
        locked.outside_hours_since = None
        locked.kept_outside_hours = True
        locked.save(update_fields=["outside_hours_since", "kept_outside_hours", "updated_at"])
        _event(locked, EventKind.KEPT, actor, now)
        _audit(locked, AuditAction.CHANGE, actor, "appointment (kept outside hours)")
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
    _check_request(request, now)
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
                slot = _slot_on_offer(request, now)
                return _insert(
                    request, slot, status, actor, now, idempotency_key, note, hold_for, tell
                )
        except SchedulingError as refusal:
            # A concurrent request with the same key may have booked this very time
            # between our look for the key and the engine's look at the calendar.
            replay = _replay(idempotency_key, request) if idempotency_key else None
            if replay is not None:
                return replay
            if isinstance(refusal, _NotOnOffer):
                refusal.alternatives = _alternatives(request, now)
            raise
        except DatabaseError as error:
            if not _lost_race(error):
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
        alternatives=_alternatives(request, now),
    )


def _check_request(
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


def _slot_on_offer(
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
    raise _NotOnOffer(SLOT_UNAVAILABLE_MESSAGE, reason=result.reason)


def _queue_behind_bookings_in_the_way(request: BookingRequest) -> None:
    """Wait, inside the transaction, for every other booking that could want the same
    practitioner or the same room or equipment, so that the check sees what they wrote.

    SQLite needs nothing: BEGIN IMMEDIATE already makes every writer wait. On
    PostgreSQL two bookings in each other's way could both pass the check and insert;
    each insert then waits for the other transaction in an exclusion constraint, a
    deadlock PostgreSQL breaks only after `deadlock_timeout` (a second), with both
    bookings waiting. Transaction-scoped advisory locks make them queue instead: the
    practitioner's, then every room and piece of equipment of the kinds the service
    needs at the location, always in that order, so two bookings of one time each
    cannot wait for each other. (A series books several times in one transaction and
    so could; PostgreSQL then aborts one, which `_lost_race` treats as the lost race it
    is.) The locks only save waiting: the guards still refuse any overlap, and a key
    two ids share would make bookings queue needlessly, nothing more."""
    if connection.vendor == "postgresql":
        select(QUEUE_SQL, [request.practitioner.pk, request.service.pk, request.location.pk])


class _NotOnOffer(SchedulingError):
    """`slot_unavailable` from the check under the lock, still without the next free
    times: the caller looks them up once the transaction (and on SQLite the write
    lock) is over, rather than make every other booking wait for that search."""

    def __init__(self, message: str, *, reason: Reason | None) -> None:
        super().__init__(SchedulingErrorCode.SLOT_UNAVAILABLE, message, reason=reason)


def _refuse_unless_offered(request: BookingRequest, now: datetime) -> None:
    """Refuse a start that is not on offer right now, before any transaction: one query
    of the calendar answers both whether exactly this start is on offer and, if not, the
    next free times. Passing proves nothing — `_slot_on_offer` asks again under the
    write lock, and the database guards have the last word — but a refusal is as good
    as one made under the lock a moment earlier: it is what the calendar said, and
    nothing is written either way (expired holds count as free in the engine's facts).

    Under contention most attempts are for times just taken; on SQLite this keeps them
    from queueing for the write lock only to be refused."""
    if request.start < now:
        return  # in the past: the check under the lock gives the engine's own reason
    # The window `_alternatives` searches.
    query = build_query(
        service_id=request.service.pk,
        location_ids=[request.location.pk],
        start=request.start,
        end=request.start + ALTERNATIVES_WINDOW,
        now=now,
        channel=request.channel,
        lean=True,
    )
    # The same question as `_slot_on_offer`'s: this practitioner, exactly this start.
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
        created_by=_user(actor),
        idempotency_key=idempotency_key or "",
        request_fingerprint=request.fingerprint if idempotency_key else "",
    )
    AppointmentResource.objects.bulk_create(
        AppointmentResource(
            appointment=appointment,
            resource_id=resource_id,
            start=slot.start,
            busy_until=slot.busy_until,
        )
        for resource_id in slot.resource_ids
    )
    kind = EventKind.HELD if status == AppointmentStatus.PENDING else EventKind.BOOKED
    _event(appointment, kind, actor, now)
    _audit(appointment, AuditAction.CREATE, actor, f"appointment ({status.label.lower()})")
    if status == AppointmentStatus.BOOKED and tell:
        tell_patient(appointment, "booking_confirmation", now, key="booked")
    return appointment


def _alternatives(request: BookingRequest, now: datetime) -> list[Slot]:
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
    _end(
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


def _end(appointments: QuerySet[Appointment], status: str, now: datetime, reason: str) -> None:
    ids = list(appointments.values_list("pk", flat=True))
    Appointment.objects.filter(pk__in=ids).update(
        status=status,
        cancelled_at=now,
        cancel_reason=reason[:200],
        hold_expires_at=None,
        updated_at=now,
    )
    AppointmentResource.objects.filter(appointment_id__in=ids, active=True).update(active=False)


def _lost_race(error: DatabaseError) -> bool:
    """Whether the database refused a booking because another took the time first: an
    overlap or a repeated key (IntegrityError), or — on PostgreSQL — a deadlock between
    two bookings each waiting on the other's rows in the exclusion constraints (one
    appointment and one room each), where PostgreSQL aborts one of them (40P01)."""
    if isinstance(error, IntegrityError):
        return True
    return getattr(error.__cause__, "sqlstate", None) == DEADLOCK_DETECTED


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("location__clinic", "service__tax_category", "patient", "practitioner")
        .get(pk=appointment.pk)
    )


def _fee(appointment: Appointment, percent: int) -> Decimal | None:
    if not percent:
        return None
    return round_money(appointment.service.price * percent / 100)


def _move(
    appointment: Appointment, request: BookingRequest, slot: Slot, actor: Actor, now: datetime
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
    appointment.save(
        update_fields=[
            "practitioner",
            "location",
            "start",
            "end",
            "busy_until",
            "outside_hours_since",
            "kept_outside_hours",
            "updated_at",
        ]
    )
    AppointmentResource.objects.bulk_create(
        AppointmentResource(
            appointment=appointment,
            resource_id=resource_id,
            start=slot.start,
            busy_until=slot.busy_until,
        )
        for resource_id in slot.resource_ids
    )
    moved = _event(appointment, EventKind.MOVED, actor, now, f"from {previous_start_local}")
    _audit(appointment, AuditAction.CHANGE, actor, "appointment (moved)")
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
    """Put the time a booking no longer needs on the waitlist's desk (waitlist.py), in
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
    _event(appointment, kind, actor, now)
    _audit(appointment, AuditAction.CHANGE, actor, f"appointment ({status.label.lower()})")
    return appointment


def _event(
    appointment: Appointment, kind: EventKind, actor: Actor, now: datetime, detail: str = ""
) -> AppointmentEvent:
    return AppointmentEvent.objects.create(
        appointment=appointment,
        occurred_at=now,
        actor=_user(actor),
        kind=kind,
        status=appointment.status,
        start=appointment.start,
        end=appointment.end,
        detail=detail[:200],
    )


def _audit(appointment: Appointment, action: AuditAction, actor: Actor, summary: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="scheduling.appointment",
        object_id=str(appointment.pk),
        patient_ids=[appointment.patient_id] if appointment.patient_id else [],
        summary=summary,
        location_id=appointment.location_id,
    )


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None
