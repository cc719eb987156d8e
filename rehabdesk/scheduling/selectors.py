"""Reads for scheduling: free times, and appointments with what pages need of them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from rehabdesk.availability import find_slots
from rehabdesk.availability.types import Result
from rehabdesk.clinic.calendar_configuration import (
    CalendarConfiguration,
    calendar_configuration,
)
from rehabdesk.core.money import round_money
from rehabdesk.scheduling.adapters import build_query
from rehabdesk.scheduling.choices import AppointmentStatus, OfferStatus
from rehabdesk.scheduling.models import Appointment, WaitlistOffer

# "The next few free times" are usually within a day: look there first, reading a day
# of calendar instead of the whole window, and read the rest only when they are not.
# The day counts only days someone works there, so Friday evening's first look runs to
# Monday evening instead of ending on an empty Saturday. Searches for more slots
# read it all at once.
FIRST_LOOK_LIMIT = 20


def availability_search(
    *,
    service_id: int,
    location_ids: Sequence[int],
    start: datetime,
    end: datetime,
    now: datetime,
    channel: str,
    practitioner_ids: Collection[int] | None = None,
    limit: int | None = None,
    configuration: CalendarConfiguration | None = None,
) -> Result:
    """Free start times for a service at these locations in [start, end), earliest
    first, with the reason when there are none. The API and the pages both use this.
    `configuration`: the clinic's, as `calendar_configuration()` gave it to the caller
    for this request (read here otherwise).

    With a small `limit`, the window up to `first_look_end` is searched first: if it
    holds `limit` slots they are the window's first `limit` too (slots are sorted by
    start, and whether a start is free depends only on the calendar around it)."""
    if configuration is None:
        configuration = calendar_configuration()
    ends = [end]
    # A window of a day or less is read at once: no first look can be shorter.
    if limit is not None and limit <= FIRST_LOOK_LIMIT and end - start > timedelta(days=1):
        look_end = first_look_end(location_ids, start, practitioner_ids, configuration)
        if look_end is not None and look_end < end:
            ends.insert(0, look_end)
    for window_end in ends:
        query = build_query(
            service_id=service_id,
            location_ids=location_ids,
            start=start,
            end=window_end,
            now=now,
            channel=channel,
            practitioner_ids=practitioner_ids,
            lean=True,
            configuration=configuration,
        )
        result = find_slots(query, limit=limit)
        if len(result.slots) == limit:
            break
    return result


def first_look_end(
    location_ids: Sequence[int],
    start: datetime,
    practitioner_ids: Collection[int] | None = None,
    configuration: CalendarConfiguration | None = None,
) -> datetime | None:
    """The same wall-clock time as `start` on the next day after it that anyone (of
    `practitioner_ids`, if given) works at these locations, in the first location's
    zone; None when nobody works there on any day."""
    if configuration is None:
        configuration = calendar_configuration()
    if not location_ids:
        return None
    searched = set(location_ids)
    today = start.date()
    working_days = {
        shift.weekday
        for person, shift in configuration.shifts
        if shift.location_id in searched
        and (practitioner_ids is None or person in practitioner_ids)
        and (shift.effective.last is None or shift.effective.last >= today)
    }
    if not working_days:
        return None
    zone = configuration.locations[location_ids[0]].zone
    local = start.astimezone(zone)
    day = local.date() + timedelta(days=1)
    while day.weekday() not in working_days:
        day += timedelta(days=1)
    return datetime.combine(day, local.time(), tzinfo=zone)


def appointment_detail(*, appointment_id: int) -> Appointment | None:
    return (
        Appointment.objects.filter(pk=appointment_id)
        .select_related("patient", "practitioner", "service__tax_category", "location__clinic")
        .prefetch_related("resource_holds__resource")
        .first()
    )


def waitlist_offer_open(*, appointment: Appointment, now: datetime) -> WaitlistOffer | None:
    """The waitlist offer this held appointment is, while it can still be answered."""
    if appointment.status != AppointmentStatus.PENDING:
        return None
    return WaitlistOffer.objects.filter(
        appointment=appointment, status=OfferStatus.OPEN, expires_at__gt=now
    ).first()


def appointments_for_patient(*, patient_id: int) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(patient_id=patient_id)
        .select_related("practitioner", "service", "location")
        .order_by("-start")
    )


@dataclass(frozen=True)
class Attendance:
    """What the front desk sees beside a patient's name."""

    late_cancellations: int
    no_shows: int
    fees_due: Decimal


def patient_attendance(*, patient_id: int) -> Attendance:
    """Late cancellations and no-shows of a patient, and the fees they recorded."""
    counts = Appointment.objects.filter(patient_id=patient_id).aggregate(
        late=Count("pk", filter=Q(late_cancellation=True)),
        missed=Count("pk", filter=Q(status=AppointmentStatus.NOSHOW)),
        fees=Sum("fee_due"),
    )
    return Attendance(
        late_cancellations=counts["late"],
        no_shows=counts["missed"],
        fees_due=round_money(counts["fees"] or Decimal(0)),
    )
