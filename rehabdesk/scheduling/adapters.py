"""The one bridge between the database and the availability engine.

`build_query` reads everything the engine needs for a search — hours, breaks, time
off, closures, registrations, appointments, rooms and their bookings, travel times,
the clinic's policy — as plain values, in a fixed number of queries however many
practitioners, days or appointments are involved, and returns an engine Query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta

from django.db.models import Q

from rehabdesk.availability.intervals import Interval
from rehabdesk.availability.types import (
    Busy,
    DateRange,
    LocationFacts,
    Policy,
    PractitionerFacts,
    Query,
    ResourceFacts,
    ServiceFacts,
    WeeklyShift,
)
from rehabdesk.clinic.models import (
    Break,
    Closure,
    Location,
    Resource,
    Service,
    TimeOff,
    TravelTime,
    WorkingHours,
)
from rehabdesk.clinic.qualifications import (
    practitioner_credentials,
    qualified_periods,
    service_requirements,
)
from rehabdesk.scheduling.choices import ACTIVE_STATUSES, AppointmentStatus, Channel
from rehabdesk.scheduling.models import Appointment, AppointmentResource

# How far around the window to read appointments and time off: enough for the longest
# travel time and for a day's local/UTC difference.
MARGIN = timedelta(days=1)


def clinic_policy(location: Location, channel: str) -> Policy:
    """The clinic's booking policy; the minimum notice is for online bookings only."""
    clinic = location.clinic
    return Policy(
        horizon=timedelta(days=clinic.booking_horizon_days),
        min_notice=timedelta(minutes=clinic.min_online_notice_minutes)
        if channel == Channel.ONLINE
        else timedelta(0),
        step=timedelta(minutes=clinic.slot_step_minutes),
    )


def _held(now: datetime) -> Q:
    """Active rows that still hold their time: holds count until they expire."""
    return Q(status__in=ACTIVE_STATUSES) & ~Q(
        status=AppointmentStatus.PENDING, hold_expires_at__lte=now
    )


def build_query(
    *,
    service: Service,
    locations: Sequence[Location],
    start: datetime,
    end: datetime,
    now: datetime,
    channel: str,
    practitioner_ids: Collection[int] | None = None,
    ignore_appointment_ids: Collection[int] = (),
) -> Query:
    """The engine's question: slots for `service` at `locations` starting in
    [start, end), with any practitioner working there (or only `practitioner_ids`)."""
    location_ids = [location.pk for location in locations]
    first_day = (start - MARGIN).date()
    last_day = (end + MARGIN).date()

    shifts = WorkingHours.objects.filter(
        location_id__in=location_ids,
        practitioner__active=True,
        effective_from__lte=last_day,
    ).filter(Q(effective_until__isnull=True) | Q(effective_until__gte=first_day))
    if practitioner_ids is not None:
        shifts = shifts.filter(practitioner_id__in=list(practitioner_ids))
    shift_rows = list(
        shifts.values_list(
            "id",
            "practitioner_id",
            "location_id",
            "weekday",
            "starts",
            "ends",
            "effective_from",
            "effective_until",
        )
    )
    people = sorted({row[1] for row in shift_rows})
    breaks: dict[int, list[tuple]] = defaultdict(list)
    for shift_id, b_start, b_end in Break.objects.filter(
        working_hours_id__in=[row[0] for row in shift_rows]
    ).values_list("working_hours_id", "starts", "ends"):
        breaks[shift_id].append((b_start, b_end))
    shifts_by_person: dict[int, list[WeeklyShift]] = defaultdict(list)
    for shift_id, person, location_id, weekday, s_start, s_end, e_from, e_until in shift_rows:
        shifts_by_person[person].append(
            WeeklyShift(
                location_id=location_id,
                weekday=weekday,
                starts=s_start,
                ends=s_end,
                effective=DateRange(e_from, e_until),
                breaks=tuple(sorted(breaks[shift_id])),
            )
        )

    requirements = service_requirements([service.pk])[service.pk]
    credentials = practitioner_credentials(people, on_or_after=first_day)

    time_off: dict[int, list[Interval]] = defaultdict(list)
    for person, t_start, t_end in TimeOff.objects.filter(
        practitioner_id__in=people, starts_at__lt=end + MARGIN, ends_at__gt=start - MARGIN
    ).values_list("practitioner_id", "starts_at", "ends_at"):
        time_off[person].append(Interval(t_start, t_end))

    busy: dict[int, list[Busy]] = defaultdict(list)
    for person, a_start, a_until, location_id in (
        Appointment.objects.filter(
            _held(now),
            practitioner_id__in=people,
            start__lt=end + MARGIN,
            busy_until__gt=start - MARGIN,
        )
        .exclude(pk__in=list(ignore_appointment_ids))
        .values_list("practitioner_id", "start", "busy_until", "location_id")
    ):
        busy[person].append(Busy(Interval(a_start, a_until), location_id))

    practitioners = tuple(
        PractitionerFacts(
            id=person,
            shifts=tuple(shifts_by_person[person]),
            qualified=tuple(
                DateRange(first, last)
                for first, last in qualified_periods(credentials[person], requirements)
            ),
            time_off=tuple(time_off[person]),
            busy=tuple(busy[person]),
        )
        for person in people
    )
    return Query(
        service=_service_facts(service),
        practitioners=practitioners,
        locations=_location_facts(
            locations, first_day, last_day, start, end, now, ignore_appointment_ids
        ),
        start=start,
        end=end,
        now=now,
        policy=clinic_policy(locations[0], channel),
        travel={
            frozenset({a, b}): timedelta(minutes=minutes)
            for a, b, minutes in TravelTime.objects.values_list(
                "location_a_id", "location_b_id", "minutes"
            )
        },
    )


def _service_facts(service: Service) -> ServiceFacts:
    return ServiceFacts(
        duration=timedelta(minutes=service.duration_minutes),
        buffer=timedelta(minutes=service.buffer_after_minutes),
        resource_kinds=tuple(sorted(service.resource_kinds.values_list("id", flat=True))),
    )


def _location_facts(
    locations: Sequence[Location],
    first_day: date,
    last_day: date,
    start: datetime,
    end: datetime,
    now: datetime,
    ignore_appointment_ids: Collection[int],
) -> tuple[LocationFacts, ...]:
    location_ids = [location.pk for location in locations]
    closures: dict[int, list[DateRange]] = defaultdict(list)
    for location_id, c_first, c_last in Closure.objects.filter(
        location_id__in=location_ids, first_day__lte=last_day, last_day__gte=first_day
    ).values_list("location_id", "first_day", "last_day"):
        closures[location_id].append(DateRange(c_first, c_last))
    resources = list(
        Resource.objects.filter(location_id__in=location_ids, active=True).values_list(
            "id", "location_id", "kind_id"
        )
    )
    held: dict[int, list[Interval]] = defaultdict(list)
    for resource_id, h_start, h_until in (
        AppointmentResource.objects.filter(
            active=True,
            resource_id__in=[row[0] for row in resources],
            start__lt=end + MARGIN,
            busy_until__gt=start - MARGIN,
        )
        .exclude(
            appointment__status=AppointmentStatus.PENDING,
            appointment__hold_expires_at__lte=now,
        )
        .exclude(appointment_id__in=list(ignore_appointment_ids))
        .values_list("resource_id", "start", "busy_until")
    ):
        held[resource_id].append(Interval(h_start, h_until))
    by_location: dict[int, list[ResourceFacts]] = defaultdict(list)
    for resource_id, location_id, kind_id in resources:
        by_location[location_id].append(
            ResourceFacts(id=resource_id, kind_id=kind_id, busy=tuple(held[resource_id]))
        )
    return tuple(
        LocationFacts(
            id=location.pk,
            zone=location.zone,
            closures=tuple(closures[location.pk]),
            resources=tuple(by_location[location.pk]),
        )
        for location in locations
    )
