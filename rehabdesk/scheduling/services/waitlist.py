"""The waitlist: freed time offered to waiting patients, longest wait first, held for
them while they decide. docs/algorithms/waitlist.md is the recipe in prose.

Every offer is an ordinary hold made by the booking service, so the database guards
that refuse a double booking also refuse offering one time to two people. Freed time
is recorded (FreedTime) in the same transaction as the change that freed it, and
claimed here with a compare-and-swap, so two schedulers never offer it twice.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.availability import find_slots
from rehabdesk.clinic.models import Location, Practitioner, Service, WorkingHours
from rehabdesk.clinic.services.shift_rules import clinic_zone
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.adapters import build_query
from rehabdesk.scheduling.choices import (
    AppointmentStatus,
    CancelledBy,
    Channel,
    DayPart,
    FreedKind,
    OfferStatus,
    WaitlistStatus,
)
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.messages import local_text, tell_patient
from rehabdesk.scheduling.models import Appointment, FreedTime, WaitlistEntry, WaitlistOffer
from rehabdesk.scheduling.services.booking import (
    BookingRequest,
    appointment_confirm,
    appointment_hold,
)
from rehabdesk.scheduling.services.lifecycle import appointment_cancel
from rehabdesk.scheduling.services.records import Actor, user_of

NOON = time(12)
FIVE_PM = time(17)
# Free starts looked at per candidate: enough to find one on a preferred day and time.
STARTS_LOOKED_AT = 200


@dataclass(frozen=True)
class Wish:
    """What a waiting patient asks for."""

    patient: Patient
    service: Service
    practitioner: Practitioner | None
    locations: Sequence[Location]
    weekdays: Collection[int]
    day_parts: Collection[str]
    valid_until: date
    note: str = ""


def waitlist_add(*, wish: Wish, actor: Actor, now: datetime) -> WaitlistEntry:
    """Put a patient on the waitlist."""
    problem = _problem(wish, now)
    if problem:
        raise SchedulingError(SchedulingErrorCode.INVALID, problem[1], field=problem[0])
    with transaction.atomic():
        entry = WaitlistEntry.objects.create(
            patient=wish.patient,
            service=wish.service,
            practitioner=wish.practitioner,
            weekdays=sorted(set(wish.weekdays)),
            day_parts=[part for part in DayPart.values if part in wish.day_parts],
            valid_until=wish.valid_until,
            note=wish.note[:200],
            created_at=now,
            created_by=user_of(actor),
        )
        entry.locations.set(wish.locations)
        _audit(entry, AuditAction.CREATE, actor, "waitlist entry")
    return entry


def waitlist_withdraw(*, entry: WaitlistEntry, actor: Actor, now: datetime) -> WaitlistEntry:
    """Take a patient off the waitlist; a time on offer to them passes to the next."""
    with transaction.atomic():
        withdrawn = WaitlistEntry.objects.filter(
            pk=entry.pk, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
        ).update(status=WaitlistStatus.WITHDRAWN)
        if not withdrawn:
            raise SchedulingError(
                SchedulingErrorCode.NOT_ACTIVE, "This patient is no longer on the waitlist."
            )
        _audit(entry, AuditAction.CHANGE, actor, "waitlist entry (withdrawn)")
        for offer in WaitlistOffer.objects.filter(entry=entry, status=OfferStatus.OPEN):
            _close(offer, OfferStatus.WITHDRAWN, actor, now, entry_status=None)
    entry.refresh_from_db()
    return entry


def waitlist_offer_accept(*, offer: WaitlistOffer, actor: Actor, now: datetime) -> WaitlistOffer:
    """Take the offered time: the hold becomes a booking."""
    with transaction.atomic():
        taken = WaitlistOffer.objects.filter(
            pk=offer.pk, status=OfferStatus.OPEN, expires_at__gt=now
        ).update(status=OfferStatus.ACCEPTED, answered_at=now)
        if not taken:
            raise SchedulingError(
                SchedulingErrorCode.HOLD_EXPIRED,
                "This offer has ended; the time may have gone to someone else.",
            )
        appointment_confirm(appointment=offer.appointment, actor=actor, now=now)
        WaitlistEntry.objects.filter(pk=offer.entry_id).update(status=WaitlistStatus.BOOKED)
    offer.refresh_from_db()
    return offer


def waitlist_offer_decline(*, offer: WaitlistOffer, actor: Actor, now: datetime) -> WaitlistOffer:
    """Turn the offered time down: the patient keeps waiting, the time goes to the next."""
    with transaction.atomic():
        if not _close(offer, OfferStatus.DECLINED, actor, now, entry_status=WaitlistStatus.WAITING):
            raise SchedulingError(SchedulingErrorCode.NOT_ACTIVE, "This offer has already ended.")
    offer.refresh_from_db()
    return offer


def waitlist_offer_make(
    *,
    entry: WaitlistEntry,
    practitioner: Practitioner,
    location: Location,
    start: datetime,
    actor: Actor,
    now: datetime,
) -> WaitlistOffer:
    """The front desk offers a waiting patient a time it picked: held for them like any
    offer (the clinic's offer time), the patient written to. The time must be one the
    entry asks for (its locations, practitioner, weekdays, parts of the day and last
    day); whether it is free is the booking service's question. Said no to or let lapse,
    it passes to the next waiting patient like released time."""
    with transaction.atomic():
        locked = (
            WaitlistEntry.objects.select_for_update()
            .filter(pk=entry.pk, status=WaitlistStatus.WAITING)
            .select_related("patient", "service")
            .first()
        )
        if locked is None:
            raise SchedulingError(
                SchedulingErrorCode.NOT_ACTIVE,
                "This patient is not waiting now: a time is already on offer to them, "
                "or they have left the waitlist.",
            )
        problem = _unwanted(locked, practitioner, location, start)
        if problem:
            raise SchedulingError(SchedulingErrorCode.INVALID, problem)
        hold = appointment_hold(
            request=BookingRequest(
                patient=locked.patient,
                practitioner=practitioner,
                service=locked.service,
                location=location,
                start=start,
                channel=Channel.PHONE,
            ),
            actor=actor,
            now=now,
            hold_for=timedelta(minutes=location.clinic.waitlist_offer_minutes),
        )
        freed = FreedTime.objects.create(
            practitioner=practitioner,
            location=location,
            kind=FreedKind.DESK,
            start=hold.start,
            end=hold.busy_until,
            created_at=now,
            processed_at=now,
        )
        return _offer_made(locked, hold, freed, actor, now)


def _unwanted(
    entry: WaitlistEntry, practitioner: Practitioner, location: Location, start: datetime
) -> str:
    """Why this time is not one the entry asks for ("" when it is)."""
    if location.pk not in {place.pk for place in entry.locations.all()}:
        return f"{entry.patient.full_name} is not waiting for {location.name}."
    if entry.practitioner_id is not None and entry.practitioner_id != practitioner.pk:
        return f"{entry.patient.full_name} is waiting for another practitioner."
    if not waitlist_fits(entry=entry, start=start, location=location):
        return (
            f"{entry.patient.full_name} did not ask for that time: it is not on a day, "
            "at a time of day or by the last day they gave."
        )
    return ""


def waitlist_offers_expire(*, now: datetime) -> int:
    """Close offers nobody answered in time, pass their time on, and end entries whose
    last wanted day has gone by. Returns the number of offers closed."""
    closed = 0
    for offer in WaitlistOffer.objects.filter(status=OfferStatus.OPEN, expires_at__lte=now):
        with transaction.atomic():
            closed += _close(offer, OfferStatus.EXPIRED, None, now, WaitlistStatus.WAITING)
    # Their last day ends at midnight where the clinic is, not in UTC.
    today = now.astimezone(clinic_zone()).date()
    WaitlistEntry.objects.filter(status=WaitlistStatus.WAITING, valid_until__lt=today).update(
        status=WaitlistStatus.EXPIRED
    )
    return closed


def freed_time_process(*, now: datetime) -> int:
    """Offer each freed time not yet claimed. Returns the number of offers made."""
    offers = 0
    for freed in FreedTime.objects.filter(processed_at__isnull=True).order_by("created_at", "id"):
        # Claimed and offered in one transaction: a crash in between leaves it unclaimed.
        with transaction.atomic():
            claimed = FreedTime.objects.filter(pk=freed.pk, processed_at__isnull=True).update(
                processed_at=now
            )
            if claimed:
                offers += len(offer_freed_time(freed=freed, now=now))
    return offers


def offer_freed_time(*, freed: FreedTime, now: datetime) -> list[WaitlistOffer]:
    """Offer a freed stretch to the longest-waiting entries it fits, each in its own
    transaction: one offer for time a booking released, one per fitting entry for time
    new hours opened."""
    made: list[WaitlistOffer] = []
    for entry in _candidates(freed, now):
        with transaction.atomic():
            offer = _try_offer(entry, freed, now)
        if offer is None:
            continue
        made.append(offer)
        if freed.kind != FreedKind.OPENED:
            break
    return made


def schedule_changed_received(
    *,
    practitioner_ids: Collection[int] | None,
    location_ids: Collection[int] | None,
    start: datetime,
    end: datetime | None,
    now: datetime,
    **_: object,
) -> int:
    """clinic.signals.schedule_changed → record the time for the waitlist to look at,
    for each practitioner and location some waiting patient wants. The offering code
    finds what is really free; a change that only took time away offers nothing."""
    waiting = WaitlistEntry.objects.filter(status=WaitlistStatus.WAITING)
    if location_ids is not None:
        waiting = waiting.filter(locations__in=list(location_ids))
    wanted: set[tuple[int | None, int]] = set(
        waiting.values_list("practitioner_id", "locations").distinct()
    )
    if not wanted:
        return 0
    rostered = WorkingHours.objects.filter(
        location_id__in={location_id for _, location_id in wanted}
    )
    if practitioner_ids is not None:
        rostered = rostered.filter(practitioner_id__in=list(practitioner_ids))
    pairs = {
        (practitioner_id, location_id)
        for practitioner_id, location_id in rostered.values_list("practitioner_id", "location_id")
        if (practitioner_id, location_id) in wanted or (None, location_id) in wanted
    }
    FreedTime.objects.bulk_create(
        FreedTime(
            practitioner_id=practitioner_id,
            location_id=location_id,
            kind=FreedKind.OPENED,
            start=max(start, now),
            end=end,
            created_at=now,
        )
        for practitioner_id, location_id in sorted(pairs)
        if end is None or end > max(start, now)
    )
    return len(pairs)


def _candidates(freed: FreedTime, now: datetime) -> list[WaitlistEntry]:
    return list(
        WaitlistEntry.objects.filter(
            Q(practitioner_id=freed.practitioner_id) | Q(practitioner__isnull=True),
            status=WaitlistStatus.WAITING,
            locations=freed.location_id,
            valid_until__gte=freed.start.astimezone(freed.location.zone).date(),
        )
        .exclude(offers__freed=freed)
        .select_related("patient", "service")
        .order_by("created_at", "id")
        .distinct()
    )


def _try_offer(entry: WaitlistEntry, freed: FreedTime, now: datetime) -> WaitlistOffer | None:
    # Another process may have offered this entry something a moment ago: the lock
    # makes the second one wait and then see it.
    still_waiting = list(
        WaitlistEntry.objects.select_for_update()
        .filter(pk=entry.pk, status=WaitlistStatus.WAITING)
        .values_list("pk", flat=True)
    )
    if not still_waiting:
        return None
    location = freed.location
    clinic = location.clinic
    end = freed.end or now + timedelta(days=clinic.booking_horizon_days)
    query = build_query(
        service_id=entry.service_id,
        location_ids=[location.pk],
        practitioner_ids=[freed.practitioner_id],
        start=freed.start,
        end=end,
        now=now,
        channel=Channel.ONLINE,
        lean=True,
    )
    hold_for = timedelta(minutes=clinic.waitlist_offer_minutes)
    for slot in find_slots(query, limit=STARTS_LOOKED_AT).slots:
        if not waitlist_fits(entry=entry, start=slot.start, location=location):
            continue
        request = BookingRequest(
            patient=entry.patient,
            practitioner=freed.practitioner,
            service=entry.service,
            location=location,
            start=slot.start,
            channel=Channel.ONLINE,
        )
        try:
            with transaction.atomic():
                hold = appointment_hold(request=request, actor=None, now=now, hold_for=hold_for)
        except SchedulingError:
            continue  # taken a moment ago, or not for this patient: try the next start
        return _offer_made(entry, hold, freed, None, now)
    return None


def _offer_made(
    entry: WaitlistEntry, hold: Appointment, freed: FreedTime, actor: Actor, now: datetime
) -> WaitlistOffer:
    """Write the offer of a time held for the entry's patient, and tell them."""
    assert hold.hold_expires_at is not None
    offer = WaitlistOffer.objects.create(
        entry=entry,
        appointment=hold,
        freed=freed,
        expires_at=hold.hold_expires_at,
        created_at=now,
    )
    WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistStatus.OFFERED)
    tell_patient(
        hold,
        "waitlist_offer",
        now,
        key=str(offer.pk),
        offer_expires_local=local_text(offer.expires_at, hold),
        respond_text=f"call us at {hold.location.phone}",
    )
    _audit(entry, AuditAction.CHANGE, actor, "waitlist entry (offered a time)")
    return offer


def waitlist_fits(*, entry: WaitlistEntry, start: datetime, location: Location) -> bool:
    """Whether a time at this location is on a day and at a time of day the entry asks
    for, by its last day (not whether it is free, nor the entry's locations)."""
    local = start.astimezone(location.zone)
    if local.date() > entry.valid_until:
        return False
    if entry.weekdays and local.weekday() not in entry.weekdays:
        return False
    return not entry.day_parts or day_part(local.time()) in entry.day_parts


def day_part(moment: time) -> DayPart:
    if moment < NOON:
        return DayPart.MORNING
    return DayPart.AFTERNOON if moment < FIVE_PM else DayPart.EVENING


def _close(
    offer: WaitlistOffer,
    status: OfferStatus,
    actor: Actor,
    now: datetime,
    entry_status: WaitlistStatus | None,
) -> bool:
    """End an open offer (compare-and-swap: only one caller wins), release its hold and
    pass the time to the next candidate. Runs inside the caller's transaction."""
    ended = WaitlistOffer.objects.filter(pk=offer.pk, status=OfferStatus.OPEN).update(
        status=status, answered_at=now
    )
    if not ended:
        return False
    hold = offer.appointment
    hold.refresh_from_db()
    if hold.status == AppointmentStatus.PENDING:
        appointment_cancel(
            appointment=hold, actor=actor, now=now, by=CancelledBy.PATIENT, reason="offer ended"
        )
    if entry_status is not None:
        WaitlistEntry.objects.filter(pk=offer.entry_id, status=WaitlistStatus.OFFERED).update(
            status=entry_status
        )
    offer_freed_time(freed=offer.freed, now=now)
    return True


def _problem(wish: Wish, now: datetime) -> tuple[str, str] | None:
    if not wish.locations:
        return "locations", "Choose at least one location."
    if any(day not in range(7) for day in wish.weekdays):
        return "weekdays", "Weekdays are 0 (Monday) to 6 (Sunday)."
    if any(part not in DayPart.values for part in wish.day_parts):
        return "day_parts", "Parts of the day are morning, afternoon or evening."
    if wish.valid_until < now.astimezone(wish.locations[0].zone).date():
        return "valid_until", "The last day wanted has already passed."
    if not wish.patient.active:
        return "patient", "This patient's record is inactive."
    return None


def _audit(entry: WaitlistEntry, action: AuditAction, actor: Actor, summary: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="scheduling.waitlistentry",
        object_id=str(entry.pk),
        patient_ids=[entry.patient_id],
        summary=summary,
    )
