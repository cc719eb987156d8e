"""Reads for the front desk's and the practitioners' day pages, and for the hours pages.

Each returns its rows with what the page shows of them fetched up front, in a fixed
number of queries however many appointments the day holds. `now` and `day` are passed
in (the edge reads the clock).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from rehabdesk.clinic.models import Location, Practitioner, TimeOff, WorkingHours
from rehabdesk.scheduling.choices import AppointmentStatus, OfferStatus, ReminderOutcome
from rehabdesk.scheduling.models import Appointment, AppointmentReminder, WaitlistOffer

# A booked patient not checked in this long after their start is late.
LATE_AFTER = timedelta(minutes=10)
# The desk's day: who is coming, who came, who did not.
DESK_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.NOSHOW)
# A practitioner's day also keeps the visits already done.
MY_DAY_STATUSES = (*DESK_STATUSES, AppointmentStatus.FULFILLED)
# Time zones are at most 14 hours from UTC: a window this much wider than the clinic's
# day holds every location's local day, and the exact day is checked per location.
ZONE_SLACK = timedelta(hours=14)
# How far ahead the desk sees the visits no reminder could reach (the usual policy's
# longest reminder is 48 hours before).
NOT_REMINDED_WITHIN = timedelta(hours=48)


def desk_locations() -> list[Location]:
    """Active locations, for the desk's location switcher (the first is the default)."""
    return list(Location.objects.filter(active=True).select_related("clinic").order_by("name"))


def _local_day(day: date, location: Location) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=location.zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=location.zone)
    return start, end


def desk_arrivals(*, location: Location, day: date) -> list[Appointment]:
    """The day's booked, arrived and no-show appointments at a location (its local day),
    in time order."""
    start, end = _local_day(day, location)
    return list(
        Appointment.objects.filter(
            location=location, start__gte=start, start__lt=end, status__in=DESK_STATUSES
        )
        .select_related("patient", "practitioner", "service", "location")
        .order_by("start", "practitioner__display_name", "pk")
    )


def late_arrivals(appointments: list[Appointment], *, now: datetime) -> list[Appointment]:
    """Those still booked (not checked in) more than LATE_AFTER past their start."""
    return [
        a
        for a in appointments
        if a.status == AppointmentStatus.BOOKED and now - a.start > LATE_AFTER
    ]


def desk_open_offers(*, location: Location, now: datetime) -> list[WaitlistOffer]:
    """Waitlist offers at a location still waiting for the patient's answer, soonest
    expiry first."""
    return list(
        WaitlistOffer.objects.filter(
            status=OfferStatus.OPEN, expires_at__gt=now, appointment__location=location
        )
        .select_related(
            "entry__patient",
            "appointment__practitioner",
            "appointment__service",
            "appointment__location",
        )
        .order_by("expires_at", "pk")
    )


def desk_not_reminded(*, location: Location, now: datetime) -> list[Appointment]:
    """Booked visits at a location in the next NOT_REMINDED_WITHIN whose reminders could
    not go by any channel (nobody to write to: services/reminders.py recorded
    `no_contact`) and that the patient has not confirmed: the desk calls them."""
    for_this_time = AppointmentReminder.objects.filter(
        appointment=OuterRef("pk"), start=OuterRef("start")
    )
    return list(
        Appointment.objects.filter(
            location=location,
            status=AppointmentStatus.BOOKED,
            start__gt=now,
            start__lte=now + NOT_REMINDED_WITHIN,
            patient_confirmed_at__isnull=True,
        )
        .filter(Exists(for_this_time.filter(outcome=ReminderOutcome.NO_CONTACT)))
        .exclude(Exists(for_this_time.filter(outcome=ReminderOutcome.QUEUED)))
        .select_related("patient", "practitioner", "location")
        .order_by("start", "pk")
    )


def desk_outside_hours(*, location: Location) -> list[Appointment]:
    """Bookings at a location that changed hours left outside what is allowed."""
    return list(outside_hours(location_ids=[location.pk]))


def practitioner_outside_hours(*, practitioner_id: int) -> list[Appointment]:
    """A practitioner's bookings, at any location, that changed hours left outside."""
    return list(outside_hours().filter(practitioner_id=practitioner_id))


@dataclass(frozen=True)
class Visit:
    """One appointment on a practitioner's day."""

    appointment: Appointment
    first_visit: bool

    @property
    def local_start(self) -> datetime:
        return self.appointment.start.astimezone(self.appointment.location.zone)


def practitioner_day(*, practitioner_id: int, day: date, now: datetime) -> list[Visit]:
    """A practitioner's appointments on `day` (each location's local day), in time
    order, each marked as the patient's first visit to the clinic or a follow-up.

    A first visit: the patient has no earlier appointment at the clinic (any
    practitioner, any location) that took place — arrived or fulfilled — or was booked
    for a time already past."""
    earlier = Appointment.objects.filter(
        patient_id=OuterRef("patient_id"),
        location__clinic_id=OuterRef("location__clinic_id"),
        start__lt=OuterRef("start"),
    ).filter(
        Q(status__in=[AppointmentStatus.ARRIVED, AppointmentStatus.FULFILLED])
        | Q(status=AppointmentStatus.BOOKED, start__lt=now)
    )
    rows = (
        Appointment.objects.filter(
            practitioner_id=practitioner_id,
            status__in=MY_DAY_STATUSES,
            # Wider than any one local day; narrowed below, per location.
            start__gte=datetime.combine(day, time(0), tzinfo=UTC) - ZONE_SLACK,
            start__lt=datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC) + ZONE_SLACK,
        )
        .annotate(seen_before=Exists(earlier))
        .select_related("patient", "service", "location")
        .order_by("start", "pk")
    )
    return [
        Visit(appointment=a, first_visit=not a.seen_before)
        for a in rows
        if a.start.astimezone(a.location.zone).date() == day
    ]


def hours_by_practitioner(*, today: date) -> list[Practitioner]:
    """Active practitioners, each with `current_hours`: the shifts in effect today or
    later (location and breaks fetched), by weekday and time."""
    current = (
        WorkingHours.objects.filter(Q(effective_until__isnull=True) | Q(effective_until__gte=today))
        .select_related("location")
        .prefetch_related("breaks")
        .order_by("location__name", "weekday", "starts")
    )
    return list(
        Practitioner.objects.filter(active=True)
        .order_by("display_name")
        .prefetch_related(Prefetch("working_hours", queryset=current, to_attr="current_hours"))
    )


def practitioner_shifts(*, practitioner_id: int, today: date) -> QuerySet[WorkingHours]:
    """A practitioner's shifts in effect today or later, with location and breaks."""
    return (
        WorkingHours.objects.filter(practitioner_id=practitioner_id)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=today))
        .select_related("location")
        .prefetch_related("breaks")
        .order_by("weekday", "starts", "location__name")
    )


def practitioner_time_off(*, practitioner_id: int, now: datetime) -> QuerySet[TimeOff]:
    """A practitioner's time off not yet over, soonest first."""
    return TimeOff.objects.filter(practitioner_id=practitioner_id, ends_at__gt=now).order_by(
        "starts_at"
    )


def outside_hours(*, location_ids: Collection[int] | None = None) -> QuerySet[Appointment]:
    """The front desk's list: booked appointments waiting for a decision, soonest first."""
    waiting = Appointment.objects.filter(
        outside_hours_since__isnull=False, status=AppointmentStatus.BOOKED
    )
    if location_ids is not None:
        waiting = waiting.filter(location_id__in=list(location_ids))
    return waiting.select_related("patient", "practitioner", "service", "location").order_by(
        "start"
    )
