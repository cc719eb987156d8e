"""Filling calendars with realistic past and future appointments, fast.

For the demo clinic and the benchmark datasets only, never for real people: months of
visits planned from the availability engine's own slots (so every one respects hours,
breaks, time off, closures, registrations and rooms), each for a patient of the
practitioner's panel who is not in another visit then, here or at another location,
and inserted in bulk (demo/bulk.py). The booking
service books one appointment at a time, with its checks and messages; tens of
thousands of invented visits would take minutes that way. The bulk insert leaves out
the service's checks, not the database's: the guards (exclusion constraints on
PostgreSQL, triggers on SQLite) still check every row, so an overlap is refused and the
batch rolls back.
"""

from __future__ import annotations

import random
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.availability import find_slots
from rehabdesk.availability.intervals import wall_clock_instant
from rehabdesk.availability.types import Policy, Query, Slot
from rehabdesk.clinic.models import Location, Service
from rehabdesk.demo.bulk import insert_rows
from rehabdesk.scheduling.adapters import build_query
from rehabdesk.scheduling.choices import ACTIVE_STATUSES, AppointmentStatus, Channel, EventKind
from rehabdesk.scheduling.models import Appointment, AppointmentEvent, AppointmentResource

BATCH = 2000
# No visit lasts longer (the database's guards refuse one that would).
LONGEST_VISIT = timedelta(days=1)
# Each patient's visits, as (start, end), in start order: when they are not free.
Diary = dict[int, list[tuple[datetime, datetime]]]


@dataclass(frozen=True)
class Planned:
    patient_id: int
    practitioner_id: int
    service_id: int
    location_id: int
    start: datetime
    end: datetime
    busy_until: datetime
    resource_ids: tuple[int, ...]
    status: AppointmentStatus
    channel: Channel


@dataclass(frozen=True)
class Offering:
    """A service a practitioner offers in the generated calendar, and how often."""

    service: Service
    weight: float


def plan_calendar(
    *,
    location: Location,
    offerings: dict[int, list[Offering]],
    patients: Mapping[int, Sequence[int]],
    first_day: date,
    last_day: date,
    now: datetime,
    occupancy: float,
    rng: random.Random,
) -> list[Planned]:
    """Appointments for `location` from `first_day` to `last_day` (inclusive): each
    practitioner (key of `offerings`) gets about `occupancy` of their bookable time,
    with services drawn by weight and patients from their own `patients` panel.

    Appointments before `now` are mostly fulfilled (some no-shows and cancellations),
    later ones booked.
    """
    zone = location.zone
    window_start = wall_clock_instant(first_day, time(0), zone)
    window_end = wall_clock_instant(last_day + timedelta(days=1), time(0), zone)
    services = {o.service.pk: o.service for offers in offerings.values() for o in offers}
    queries = {
        service_id: _query(service, location, window_start, window_end, offerings)
        for service_id, service in services.items()
    }
    rooms: dict[int, list[int]] = defaultdict(list)  # kind -> resource ids
    base_busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for facts in next(iter(queries.values())).locations:
        for resource in facts.resources:
            rooms[resource.kind_id].append(resource.id)
            base_busy[resource.id] = sorted(
                (interval.start, interval.end) for interval in resource.busy
            )
    diary = _diary(window_start, window_end)
    # Each practitioner's slots of each service, searched once for the whole window and
    # then taken a day at a time: the same slots a search of each day finds (no visit
    # crosses midnight), without a search per day, practitioner and service.
    by_day = {
        (practitioner_id, o.service.pk): _slots_by_day(queries[o.service.pk], practitioner_id, zone)
        for practitioner_id, offers in offerings.items()
        for o in offers
    }
    planned: list[Planned] = []
    day = first_day
    while day <= last_day:
        held: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
        for practitioner_id, offers in sorted(offerings.items()):
            candidates = {
                o.service.pk: by_day[practitioner_id, o.service.pk].get(day, []) for o in offers
            }
            if not any(candidates.values()):
                continue
            planned.extend(
                _fill_day(
                    practitioner_id,
                    offers,
                    candidates,
                    services,
                    rooms,
                    base_busy,
                    held,
                    patients[practitioner_id],
                    diary,
                    now,
                    occupancy,
                    rng,
                )
            )
        day += timedelta(days=1)
    return planned


def _query(
    service: Service,
    location: Location,
    start: datetime,
    end: datetime,
    offerings: dict[int, list[Offering]],
) -> Query:
    offered_by = [p for p, offers in offerings.items() if any(o.service == service for o in offers)]
    query = build_query(
        service_id=service.pk,
        location_ids=[location.pk],
        practitioner_ids=offered_by,
        start=start,
        end=end,
        now=start,
        channel=Channel.STAFF,
    )
    # History is planned from the window's own start: no horizon, no notice.
    policy = Policy(horizon=end - start + timedelta(days=1), step=query.policy.step)
    return replace(query, policy=policy)


def _slots_by_day(query: Query, practitioner_id: int, zone: ZoneInfo) -> dict[date, list[Slot]]:
    """The practitioner's slots of the query's window, by the local day they start on."""
    people = tuple(p for p in query.practitioners if p.id == practitioner_id)
    days: dict[date, list[Slot]] = defaultdict(list)
    if people:
        for slot in find_slots(replace(query, practitioners=people)).slots:
            days[slot.start.astimezone(zone).date()].append(slot)
    return days


def _fill_day(
    practitioner_id: int,
    offers: list[Offering],
    candidates: dict[int, list[Slot]],
    services: dict[int, Service],
    rooms: dict[int, list[int]],
    base_busy: dict[int, list[tuple[datetime, datetime]]],
    held: dict[int, list[tuple[datetime, datetime]]],
    panel: Sequence[int],
    diary: Diary,
    now: datetime,
    occupancy: float,
    rng: random.Random,
) -> Iterator[Planned]:
    """Walk the practitioner's day: at each point pick a service by weight, take its
    next slot with free rooms (or leave a gap, so about `occupancy` is booked).

    A gap is as long as the longest of their visits, buffer included: a shorter one
    could never be booked for a first assessment, so a practitioner whose day is
    otherwise full would offer none for months."""
    starts = {
        service_id: [slot.start for slot in slots] for service_id, slots in candidates.items()
    }
    weights = [o.weight for o in offers]
    longest = max(slots[0].busy_until - slots[0].start for slots in candidates.values() if slots)
    cursor = min(slots[0].start for slots in candidates.values() if slots)
    last = max(slots[-1].start for slots in candidates.values() if slots)
    while cursor <= last:
        offer = rng.choices(offers, weights)[0]
        slots = candidates[offer.service.pk]
        index = bisect_left(starts[offer.service.pk], cursor)
        if index == len(slots):
            cursor += timedelta(minutes=15)
            continue
        slot = slots[index]
        resource_ids = _free_rooms(offer.service, slot, rooms, base_busy, held)
        if resource_ids is None:
            cursor = slot.start + (slot.end - slot.start)
            continue
        if rng.random() > occupancy:
            cursor = slot.start + longest
            continue
        patient_id = _free_patient(panel, rng.randrange(len(panel)), diary, slot)
        if patient_id is None:
            cursor = slot.start + longest
            continue
        for resource_id in resource_ids:
            held[resource_id].append((slot.start, slot.busy_until))
        cursor = slot.busy_until
        yield Planned(
            patient_id=patient_id,
            practitioner_id=practitioner_id,
            service_id=offer.service.pk,
            location_id=slot.location_id,
            start=slot.start,
            end=slot.end,
            busy_until=slot.busy_until,
            resource_ids=resource_ids,
            status=_status(slot.start, now, rng),
            channel=rng.choice([Channel.PHONE, Channel.PHONE, Channel.ONLINE, Channel.STAFF]),
        )


def _diary(start: datetime, end: datetime) -> Diary:
    """The visits already on file between `start` and `end`, by patient: those planned
    for other locations, or other months, before this plan."""
    diary: Diary = defaultdict(list)
    visits = (
        Appointment.objects.filter(
            patient__isnull=False,
            status__in=ACTIVE_STATUSES,
            start__lt=end + LONGEST_VISIT,
            end__gt=start - LONGEST_VISIT,
        )
        .order_by("start")
        .values_list("patient_id", "start", "end")
    )
    for patient_id, visit_start, visit_end in visits:
        diary[patient_id].append((visit_start, visit_end))
    return diary


def _free_patient(panel: Sequence[int], first: int, diary: Diary, slot: Slot) -> int | None:
    """The first patient of the panel, from `first` on (and round), who is in no other
    visit during the slot's [start, end) — the database refuses a patient in two at
    once — now entered in the diary; None when the whole panel is busy."""
    for index in range(first, first + len(panel)):
        patient_id = panel[index % len(panel)]
        visits = diary[patient_id]
        if not _busy(visits, slot):
            insort(visits, (slot.start, slot.end))
            return patient_id
    return None


def _busy(visits: list[tuple[datetime, datetime]], slot: Slot) -> bool:
    """Whether a visit (in start order) overlaps the slot: one of those starting before
    the slot ends, and less than a visit's longest before it starts, ends after it
    starts."""
    index = bisect_left(visits, (slot.end,)) - 1
    while index >= 0 and visits[index][0] > slot.start - LONGEST_VISIT:
        if visits[index][1] > slot.start:
            return True
        index -= 1
    return False


def _free_rooms(
    service: Service,
    slot: Slot,
    rooms: dict[int, list[int]],
    base_busy: dict[int, list[tuple[datetime, datetime]]],
    held: dict[int, list[tuple[datetime, datetime]]],
) -> tuple[int, ...] | None:
    chosen = []
    for kind_id in _kinds(service):
        free = next(
            (
                room
                for room in rooms.get(kind_id, [])
                if not _clashes(held[room], slot) and not _clashes(base_busy[room], slot)
            ),
            None,
        )
        if free is None:
            return None
        chosen.append(free)
    return tuple(chosen)


def _kinds(service: Service) -> list[int]:
    cached: list[int] | None = getattr(service, "_kind_ids", None)
    if cached is None:
        cached = sorted(service.resource_kinds.values_list("id", flat=True))
        setattr(service, "_kind_ids", cached)  # noqa: B010 - a cache on the instance
    return cached


def _clashes(intervals: list[tuple[datetime, datetime]], slot: Slot) -> bool:
    return any(start < slot.busy_until and slot.start < end for start, end in intervals)


def _status(start: datetime, now: datetime, rng: random.Random) -> AppointmentStatus:
    roll = rng.random()
    if start >= now:
        return AppointmentStatus.CANCELLED if roll < 0.04 else AppointmentStatus.BOOKED
    if roll < 0.06:
        return AppointmentStatus.CANCELLED
    if roll < 0.09:
        return AppointmentStatus.NOSHOW
    return AppointmentStatus.FULFILLED


def appointments_import(
    *, planned: Iterable[Planned], now: datetime, actor: AbstractBaseUser | None = None
) -> int:
    """Insert planned appointments in bulk, with their rooms, their history and one
    audit event per batch, under the database guards. Returns how many."""
    count = 0
    batch: list[Planned] = []
    for item in planned:
        batch.append(item)
        if len(batch) == BATCH:
            count += _import_batch(batch, now, actor)
            batch = []
    if batch:
        count += _import_batch(batch, now, actor)
    return count


def _cancelled_at(item: Planned, now: datetime) -> datetime:
    """A day ahead of the visit, or when the calendar is made if that is sooner: a
    cancellation is never dated after it was recorded (the appointment page shows the
    date), and with a day's notice it is never a late one."""
    return min(item.start - timedelta(days=1), now)


def _import_batch(batch: list[Planned], now: datetime, actor: AbstractBaseUser | None) -> int:
    with transaction.atomic():
        ids = insert_rows(
            Appointment,
            (
                {
                    "created_at": now,
                    "updated_at": now,
                    "patient_id": item.patient_id,
                    "practitioner_id": item.practitioner_id,
                    "service_id": item.service_id,
                    "location_id": item.location_id,
                    "start": item.start,
                    "end": item.end,
                    "busy_until": item.busy_until,
                    "status": item.status,
                    "channel": item.channel,
                    "cancelled_at": _cancelled_at(item, now)
                    if item.status == AppointmentStatus.CANCELLED
                    else None,
                }
                for item in batch
            ),
        )
        insert_rows(
            AppointmentResource,
            (
                {
                    "appointment_id": pk,
                    "resource_id": resource_id,
                    "start": item.start,
                    "busy_until": item.busy_until,
                    "active": item.status in ACTIVE_STATUSES,
                }
                for pk, item in zip(ids, batch, strict=True)
                for resource_id in item.resource_ids
            ),
        )
        insert_rows(
            AppointmentEvent,
            (
                {
                    "appointment_id": pk,
                    "occurred_at": now,
                    "kind": EventKind.IMPORTED,
                    "status": item.status,
                    "start": item.start,
                    "end": item.end,
                }
                for pk, item in zip(ids, batch, strict=True)
            ),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="scheduling.appointment",
            patient_ids=sorted({item.patient_id for item in batch}),
            summary="appointments (imported)",
        )
    return len(batch)
