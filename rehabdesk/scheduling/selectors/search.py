"""Free times: the search pages and the API ask, with the first looks that keep it cheap."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, time, timedelta

from rehabdesk.availability import find_slots
from rehabdesk.availability.intervals import wall_clock_instant
from rehabdesk.availability.types import Result
from rehabdesk.clinic.calendar_configuration import (
    CalendarConfiguration,
    calendar_configuration,
)
from rehabdesk.scheduling.adapters import build_query
from rehabdesk.scheduling.choices import Channel

# "The next few free times" are usually within the first hours someone works: a search
# for a few slots reads and searches those first, then a day ahead, and reads the whole
# window only when the shorter looks do not hold them all. A look holding `limit` slots
# holds the window's first `limit` (slots are sorted by start, and whether a start is
# free depends only on the calendar around it), so the looks change what is read, never
# the answer. Searches for more slots read it all at once.
FIRST_LOOK_LIMIT = 20
# The first look: this long after the first time someone could start the service.
FIRST_HOURS = timedelta(hours=2)
WEEK = timedelta(days=7)


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

    With a small `limit`, the windows up to `hours_look_end` and `day_look_end` are
    searched first (FIRST_LOOK_LIMIT says why that gives the same answer)."""
    if configuration is None:
        configuration = calendar_configuration()
    ends = [end]
    # A window of a day or less is read at once: the looks would save little.
    if limit is not None and limit <= FIRST_LOOK_LIMIT and end - start > timedelta(days=1):
        people = None if practitioner_ids is None else set(practitioner_ids)
        earliest = start
        if channel == Channel.ONLINE and location_ids:
            earliest = max(start, now + configuration.locations[location_ids[0]].online_notice)
        looks = (
            hours_look_end(service_id, location_ids, earliest, people, configuration),
            day_look_end(location_ids, start, people, configuration),
        )
        ends = sorted({look for look in looks if look is not None and look < end}) + ends
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


def hours_look_end(
    service_id: int,
    location_ids: Sequence[int],
    earliest: datetime,
    practitioner_ids: Collection[int] | None,
    configuration: CalendarConfiguration,
) -> datetime | None:
    """FIRST_HOURS after the first instant, at or after `earliest`, at which someone
    (of `practitioner_ids`, if given) is on shift at these locations with time left for
    the service; None when nobody is within a week. Breaks, time off and closures are
    left out: this only sizes a first look."""
    minutes = configuration.services[service_id].facts.duration // timedelta(minutes=1)
    first = None
    for location_id in set(location_ids):
        zone = configuration.locations[location_id].zone
        local = earliest.astimezone(zone)
        for offset in range(WEEK.days + 1):
            on = local.date() + timedelta(days=offset)
            floor = _minute(local.time()) if offset == 0 else 0
            # Shifts come earliest start first, so the first that fits begins first.
            begins = next(
                (
                    max(_minute(shift.starts), floor)
                    for person, shift in configuration.shifts_by_day.get(
                        (location_id, on.weekday()), ()
                    )
                    if (practitioner_ids is None or person in practitioner_ids)
                    and shift.effective.covers(on)
                    and _minute(shift.ends) - minutes >= max(_minute(shift.starts), floor)
                ),
                None,
            )
            if begins is not None:
                at = max(earliest, wall_clock_instant(on, time(begins // 60, begins % 60), zone))
                first = at if first is None else min(first, at)
                break
    return None if first is None else first + FIRST_HOURS


def _minute(wall_time: time) -> int:
    return wall_time.hour * 60 + wall_time.minute


def day_look_end(
    location_ids: Sequence[int],
    start: datetime,
    practitioner_ids: Collection[int] | None,
    configuration: CalendarConfiguration,
) -> datetime | None:
    """The same wall-clock time as `start` on the next day after it that anyone (of
    `practitioner_ids`, if given) works at these locations, in the first location's
    zone; None when nobody works there on any day. On Friday evening that is Monday
    evening, not an empty Saturday."""
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
