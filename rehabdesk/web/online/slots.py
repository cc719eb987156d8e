"""The online slot picker: what the visitor has chosen so far (service, location,
practitioner, and whether they have been to the clinic before) and the free times for
it. Booking online shows a calendar week of them (slot_picker_week); a patient moving
their booking (portal/manage_views.py) shows the next free days (slot_picker_days)."""

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

# The week calendar: a week's every free time (a clinic's busiest week has a few
# hundred starts; the cap only bounds a runaway configuration), and how far ahead the
# first week with a free time is looked for.
WEEK_LIMIT = 2000
FIRST_FREE_DAYS = 28
# The next free days: the next free times over two weeks, the first few days of them.
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


# Whether the visitor has been to the clinic before, as step 1 asks it.
NEW, RETURNING = "new", "returning"


@dataclass(frozen=True)
class Choice:
    """What the visitor has chosen so far (from the query string: no personal detail).
    `visit` is NEW or RETURNING once they have said, "" otherwise (the portal's move)."""

    service: Service
    location: Location | None
    practitioner: Practitioner | None
    visit: str = ""

    @property
    def new_patient(self) -> bool:
        return self.visit == NEW

    def query(self, **extra: object) -> str:
        parts: dict[str, object] = {
            "service": self.service.pk,
            "location": self.location.pk if self.location else "",
            "practitioner": self.practitioner.pk if self.practitioner else "",
        }
        if self.visit:
            parts["visit"] = self.visit
        parts.update(extra)
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
    visit = params.get("visit", "")
    return Choice(service, location, practitioner, visit if visit in (NEW, RETURNING) else "")


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


@dataclass(frozen=True)
class Week:
    """A calendar week of free times, Monday first: every day, with or without times."""

    days: list[Day]
    previous: date | None  # the Monday before, unless this week is the first bookable
    next: date | None  # the Monday after, unless online booking is not open that far
    empty: str  # what to say when no day of the week has a time

    @property
    def first(self) -> date:
        return self.days[0].day

    @property
    def last(self) -> date:
        return self.days[-1].day


def week_days(slots: list[Slot], monday: date) -> list[Day]:
    """The seven days from `monday`, each with its free times as local times, one per
    start and location (the first practitioner free then, when the visitor has not
    chosen one)."""
    locations = {loc.pk: loc for loc in locations_active()}
    practitioners = practitioners_by_id(ids={slot.practitioner_id for slot in slots})
    days: dict[date, list[FreeTime]] = {monday + timedelta(days=n): [] for n in range(7)}
    seen: set[tuple[datetime, int]] = set()
    for slot in slots:
        location = locations.get(slot.location_id)
        practitioner = practitioners.get(slot.practitioner_id)
        if location is None or practitioner is None or (slot.start, location.pk) in seen:
            continue
        seen.add((slot.start, location.pk))
        local = slot.start.astimezone(location.zone)
        if local.date() in days:
            days[local.date()].append(FreeTime(local, practitioner, location))
    return [Day(day, times) for day, times in days.items()]


def _search(
    choice: Choice, *, start: datetime, end: datetime, now: datetime, limit: int
) -> tuple[list[Slot], Reason | None]:
    result = availability_search(
        service_id=choice.service.pk,
        location_ids=[choice.location.pk]
        if choice.location
        else [loc.pk for loc in locations_active()],
        start=start,
        end=end,
        now=now,
        channel=Channel.ONLINE,
        practitioner_ids=[choice.practitioner.pk] if choice.practitioner else None,
        limit=limit,
    )
    return list(result.slots), result.reason


def slot_picker_week(choice: Choice, *, week_of: date | None, now: datetime) -> Week:
    """The free times of the week holding `week_of` (never a week before this one).
    Without a day asked for: the week of the first free time in the next
    FIRST_FREE_DAYS days (with no previous week to go to), else this week."""
    zone = timezone.get_current_timezone()
    today = now.astimezone(zone).date()
    this_monday = today - timedelta(days=today.weekday())
    monday = this_monday
    if week_of is not None and not day_within_bounds(week_of):
        week_of = None  # a day no search reaches (year 1, 9999): the first free week
    if week_of is not None:
        monday = max(this_monday, week_of - timedelta(days=week_of.weekday()))
    else:
        first, _ = _search(
            choice, start=now, end=now + timedelta(days=FIRST_FREE_DAYS), now=now, limit=1
        )
        if first:
            day = first[0].start.astimezone(zone).date()
            # Nothing is free before it: the weeks before are not offered.
            monday = this_monday = day - timedelta(days=day.weekday())
    start = max(datetime.combine(monday, time(0), tzinfo=zone), now)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)
    slots, reason = _search(choice, start=start, end=end, now=now, limit=WEEK_LIMIT)
    days = week_days(slots, monday)
    empty = ""
    if not any(day.times for day in days):
        why = REASONS.get(reason, "") if reason else ""
        empty = f"No free times this week. {why}".strip()
    return Week(
        days=days,
        previous=monday - timedelta(days=7) if monday > this_monday else None,
        next=None if reason == Reason.BEYOND_HORIZON else monday + timedelta(days=7),
        empty=empty,
    )
