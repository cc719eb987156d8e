"""The online slot picker: what the visitor has chosen so far (service, location,
practitioner) and the next free days and times for it. Booking online and a patient
moving their booking (portal/manage_views.py) show the same picker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.utils import timezone

from rehabdesk.availability.types import Reason, Slot
from rehabdesk.clinic.models import Location, Practitioner, Service
from rehabdesk.clinic.selectors import (
    locations_active,
    practitioners_active,
    practitioners_by_id,
    services_online,
)
from rehabdesk.core.bounds import day_within_bounds
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.selectors import availability_search
from rehabdesk.web.free_times import Day, FreeTime, free_time_from

Row = TypeVar("Row", bound=Model)

# The slot picker: the next free times over two weeks, the first few days of them.
SEARCH_DAYS = 14
SEARCH_LIMIT = 60  # DAYS_SHOWN x TIMES_PER_DAY at most are shown
DAYS_SHOWN = 5
TIMES_PER_DAY = 12
REASONS = {
    Reason.BEYOND_HORIZON: "Online booking is not open that far ahead yet.",
    Reason.NOBODY_QUALIFIED: "Nobody offers this service then.",
    Reason.CLOSED: "We are closed then.",
    Reason.NO_RESOURCES: "This location cannot offer this service.",
    Reason.TOO_SOON: "The next times are too soon to book online: please call us.",
    Reason.FULLY_BOOKED: "We are fully booked then.",
}


def number(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


@dataclass(frozen=True)
class Choice:
    """What the visitor has chosen so far (from the query string: no personal detail)."""

    service: Service
    location: Location | None
    practitioner: Practitioner | None

    def query(self, **extra: object) -> str:
        parts = {
            "service": self.service.pk,
            "location": self.location.pk if self.location else "",
            "practitioner": self.practitioner.pk if self.practitioner else "",
            **extra,
        }
        return "&".join(f"{key}={value}" for key, value in parts.items())


def one_of(rows: QuerySet[Row], value: str | None) -> Row | None:
    """The row of `rows` that `value` (an id from a form or a query string) names."""
    pk = number(value)
    return None if pk is None else rows.filter(pk=pk).first()


def choice_from(params: QueryDict) -> Choice | None:
    """The choice a page was sent; None without a service that can be booked online."""
    service = one_of(services_online(), params.get("service"))
    if service is None:
        return None
    location = one_of(locations_active(), params.get("location"))
    practitioner = one_of(
        practitioners_active(discipline_id=service.discipline_id), params.get("practitioner")
    )
    return Choice(service, location, practitioner)


def picked_time(value: str) -> FreeTime | None:
    """A free time the picker sent back ("start|practitioner|location")."""
    return free_time_from(value, practitioners_active(), locations_active())


def slot_days(slots: list[Slot], days_shown: int = DAYS_SHOWN) -> list[Day]:
    """Slots as local times grouped by day: the first few days, a dozen times each."""
    locations = {loc.pk: loc for loc in locations_active()}
    practitioners = practitioners_by_id(ids={slot.practitioner_id for slot in slots})
    days: dict[date, list[FreeTime]] = {}
    for slot in slots:
        location = locations.get(slot.location_id)
        practitioner = practitioners.get(slot.practitioner_id)
        if location is None or practitioner is None:
            continue
        local = slot.start.astimezone(location.zone)
        times = days.get(local.date())
        if times is None:
            if len(days) == days_shown:
                break
            times = days[local.date()] = []
        if len(times) < TIMES_PER_DAY:
            times.append(FreeTime(local, practitioner, location))
    return [Day(day, times) for day, times in days.items()]


def slot_picker_days(
    choice: Choice, *, from_day: date | None, now: datetime
) -> tuple[list[Day], str]:
    """The next free days and times for the choice, and what to say when there are none."""
    zone = timezone.get_current_timezone()
    if from_day is not None and not day_within_bounds(from_day):
        from_day = None  # a day no search reaches (year 1, 9999): from today
    start = max(datetime.combine(from_day, time(0), tzinfo=zone), now) if from_day else now
    result = availability_search(
        service_id=choice.service.pk,
        location_ids=[choice.location.pk]
        if choice.location
        else [loc.pk for loc in locations_active()],
        start=start,
        end=start + timedelta(days=SEARCH_DAYS),
        now=now,
        channel=Channel.ONLINE,
        practitioner_ids=[choice.practitioner.pk] if choice.practitioner else None,
        limit=SEARCH_LIMIT,
    )
    days = slot_days(list(result.slots))
    if days:
        return days, ""
    why = REASONS.get(result.reason, "") if result.reason else ""
    return [], f"No free times in the next {SEARCH_DAYS} days. {why}".strip()
