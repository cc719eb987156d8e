"""Bookings caught by changed hours: when working hours, time off, a closure or a
registration change, nothing booked is dropped or moved silently. Each booked
appointment the change touches is looked at again by the availability engine, as if it
were being booked now by the clinic: one that would no longer be allowed is marked
(`outside_hours_since`) and appears on the front desk's list until someone moves it,
keeps it on purpose, or cancels it with notice; one the change makes allowed again
leaves the list by itself.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from rehabdesk.availability import find_slots
from rehabdesk.availability.types import Policy, Query
from rehabdesk.clinic.calendar_configuration import CalendarConfiguration
from rehabdesk.clinic.models import WorkingHours
from rehabdesk.scheduling.adapters import build_query
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.models import Appointment

# Checked one start at a time: any minute is a start, however far ahead it lies.
MINUTE = timedelta(minutes=1)
FAR = timedelta(days=3650)


def outside_hours_review(
    *,
    practitioner_ids: Collection[int] | None,
    location_ids: Collection[int] | None,
    start: datetime,
    end: datetime | None,
    now: datetime,
) -> list[Appointment]:
    """Look again at the booked appointments of these practitioners (None: all) at these
    locations (None: all) starting in [start, end) and not yet begun; mark those no
    longer allowed, clear those allowed again. Returns the ones now outside."""
    booked = Appointment.objects.filter(
        status=AppointmentStatus.BOOKED,
        kept_outside_hours=False,
        start__gte=max(start, now),
    ).select_related("service", "location__clinic")
    if end is not None:
        booked = booked.filter(start__lt=end)
    if practitioner_ids is not None:
        booked = booked.filter(practitioner_id__in=list(practitioner_ids))
    if location_ids is not None:
        booked = booked.filter(location_id__in=list(location_ids))
    appointments = list(booked.order_by("start"))
    outside = outside_of(appointments, now=now)
    outside_ids = {a.pk for a in outside}
    now_outside = [a.pk for a in outside if a.outside_hours_since is None]
    allowed_again = [
        a.pk for a in appointments if a.pk not in outside_ids and a.outside_hours_since is not None
    ]
    Appointment.objects.filter(pk__in=now_outside).update(outside_hours_since=now)
    Appointment.objects.filter(pk__in=allowed_again).update(outside_hours_since=None)
    return outside


def outside_of(
    appointments: Sequence[Appointment],
    *,
    now: datetime,
    configuration: CalendarConfiguration | None = None,
) -> list[Appointment]:
    """Those of these booked appointments (in start order) the engine would not allow
    now, each judged as if the clinic were booking it, against the calendar
    configuration as it is (or as `configuration` proposes: the hours pages' preview).
    Writes nothing."""
    groups: dict[tuple[int, int, int], list[Appointment]] = defaultdict(list)
    for appointment in appointments:
        key = (appointment.practitioner_id, appointment.service_id, appointment.location_id)
        groups[key].append(appointment)
    outside: list[Appointment] = []
    for (practitioner_id, _, _), group in groups.items():
        facts = _facts(practitioner_id, group, now, configuration)
        outside.extend(a for a in group if not _allowed(facts, a))
    return sorted(outside, key=lambda a: (a.start, a.pk))


def schedule_changed_received(
    *,
    practitioner_ids: Collection[int] | None,
    location_ids: Collection[int] | None,
    start: datetime,
    end: datetime | None,
    now: datetime,
    **_: object,
) -> int:
    """clinic.signals.schedule_changed → review; the answer is how many are outside."""
    if practitioner_ids is not None and location_ids is None:
        location_ids = (
            set(
                WorkingHours.objects.filter(practitioner_id__in=list(practitioner_ids)).values_list(
                    "location_id", flat=True
                )
            )
            or None
        )
    return len(
        outside_hours_review(
            practitioner_ids=practitioner_ids,
            location_ids=location_ids,
            start=start,
            end=end,
            now=now,
        )
    )


def _facts(
    practitioner_id: int,
    appointments: Sequence[Appointment],
    now: datetime,
    configuration: CalendarConfiguration | None,
) -> Query:
    """Everything the engine needs about this practitioner's calendar over the group's
    days, with the group's own bookings taken out (each is judged as if being booked;
    they cannot overlap one another)."""
    first, last = appointments[0], appointments[-1]
    query = build_query(
        service_id=first.service_id,
        location_ids=[first.location_id],
        practitioner_ids=[practitioner_id],
        start=first.start,
        end=last.start + MINUTE,
        now=now,
        channel=Channel.STAFF,
        ignore_appointment_ids=[a.pk for a in appointments],
        configuration=configuration,
    )
    # However far ahead it was booked and whatever the grid was then.
    return dataclasses.replace(
        query, policy=Policy(horizon=FAR, min_notice=timedelta(0), step=MINUTE)
    )


def _allowed(facts: Query, appointment: Appointment) -> bool:
    one = dataclasses.replace(facts, start=appointment.start, end=appointment.start + MINUTE)
    slots = find_slots(one, limit=1).slots
    return bool(slots) and slots[0].start == appointment.start
