"""What a free-time search reads of the clinic's configuration, kept between requests.

Every search needs the same configuration — the services and locations with their
booking policy, who works where and when, who may deliver which service, time off,
closures, rooms, travel times — and it changes a few times a
day, while searches come many times a second. `calendar_configuration()` reads all of
it at once and keeps it in this process under the configuration stamp it saw
(clinic/change_stamp.py: the database replaces the stamp whenever any of it changes, by
whatever route). Each later call reads the stamp only (one small query) and reads
everything again when the stamp differs. The stamp is read before the configuration,
so what is kept is never older than its stamp.

Values are plain, as the availability engine takes them; scheduling.adapters picks
what one search needs. Everything here is read with SQL written out (core/sql.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

from rehabdesk.availability.types import DateRange, ServiceFacts, WeeklyShift
from rehabdesk.clinic.change_stamp import STAMP_TABLE
from rehabdesk.clinic.qualifications import (
    Credential,
    Requirement,
    practitioner_credentials,
    service_requirements,
)
from rehabdesk.core.sql import day_from_text, instant_from_text, select


@dataclass(frozen=True)
class BookableService:
    active: bool
    facts: ServiceFacts  # its duration, buffer and the rooms' kinds it needs, by id


@dataclass(frozen=True)
class BookableLocation:
    """A location, and its clinic's booking policy."""

    id: int
    active: bool
    zone: ZoneInfo
    horizon: timedelta
    online_notice: timedelta
    step: timedelta


@dataclass(frozen=True)
class CalendarConfiguration:
    # Every service and location, active or not, by id.
    services: dict[int, BookableService]
    locations: dict[int, BookableLocation]
    # (practitioner id, shift) of every active practitioner, in effect or not.
    shifts: tuple[tuple[int, WeeklyShift], ...]
    credentials: dict[int, list[Credential]]
    requirements: dict[int, list[Requirement]]
    # Practitioner id -> (start, end) of each time off, in UTC.
    time_off: dict[int, list[tuple[datetime, datetime]]]
    travel: dict[frozenset[int], timedelta]
    # (id, location id, kind id) of each active resource, each kind's by name.
    resources: tuple[tuple[int, int, int], ...]
    closures: dict[int, list[DateRange]]

    @cached_property
    def shifts_by_day(self) -> dict[tuple[int, int], list[tuple[int, WeeklyShift]]]:
        """(location id, weekday) -> (practitioner id, shift) of those shifts, earliest
        start first."""
        by_day: dict[tuple[int, int], list[tuple[int, WeeklyShift]]] = defaultdict(list)
        for person, shift in sorted(self.shifts, key=lambda entry: entry[1].starts):
            by_day[shift.location_id, shift.weekday].append((person, shift))
        return dict(by_day)


# (stamp, configuration) last read by this process. Swapped whole, so threads that race
# to read it again at most read it twice.
_kept: tuple[int, CalendarConfiguration] | None = None


def calendar_configuration() -> CalendarConfiguration:
    """The configuration as it is now: kept, or read again if the stamp changed."""
    global _kept  # noqa: PLW0603 - the process's one copy, swapped whole
    rows = select(f"SELECT stamp FROM {STAMP_TABLE} WHERE id = 1", [])  # noqa: S608 - a constant
    stamp = rows[0][0] if rows else None
    kept = _kept
    if kept is not None and stamp is not None and kept[0] == stamp:
        return kept[1]
    configuration = _read()
    # No stamp (its row deleted, as a test's flush does): keep nothing.
    _kept = None if stamp is None else (stamp, configuration)
    return configuration


def _read() -> CalendarConfiguration:
    return CalendarConfiguration(
        services=_services(),
        locations=_locations(),
        shifts=_shifts(),
        credentials=practitioner_credentials(None),
        requirements=service_requirements(None),
        time_off=_time_off(),
        travel={
            frozenset({a, b}): timedelta(minutes=minutes)
            for a, b, minutes in select(
                "SELECT location_a_id, location_b_id, minutes FROM clinic_traveltime", []
            )
        },
        resources=tuple(
            (resource_id, location_id, kind_id)
            for resource_id, location_id, kind_id in select(
                "SELECT id, location_id, kind_id FROM clinic_resource WHERE active "
                "ORDER BY location_id, kind_id, name, id",
                [],
            )
        ),
        closures=_closures(),
    )


@lru_cache(maxsize=4096)
def _time(text: str) -> time:
    """A clinic's hours use a few dozen distinct times."""
    return time.fromisoformat(text)


def _shifts() -> tuple[tuple[int, WeeklyShift], ...]:
    """Every active practitioner's shifts with their breaks, in one query: a LEFT JOIN
    giving a row per break, and one with no break for a shift without any."""
    facts: dict[int, tuple[int, int, int, time, time, DateRange]] = {}
    breaks: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for row in select(
        """
        SELECT w.id, w.practitioner_id, w.location_id, w.weekday,
               CAST(w.starts AS text), CAST(w.ends AS text),
               CAST(w.effective_from AS text), CAST(w.effective_until AS text),
               CAST(b.starts AS text), CAST(b.ends AS text)
        FROM clinic_workinghours w
        JOIN clinic_practitioner p ON p.id = w.practitioner_id
        LEFT JOIN clinic_break b ON b.working_hours_id = w.id
        WHERE p.active
        ORDER BY w.id""",
        [],
    ):
        shift_id, person, location_id, weekday, starts, ends, first, last = row[:8]
        if shift_id not in facts:
            effective = DateRange(
                day_from_text(first), None if last is None else day_from_text(last)
            )
            facts[shift_id] = (person, location_id, weekday, _time(starts), _time(ends), effective)
        if row[8] is not None:
            breaks[shift_id].append((_time(row[8]), _time(row[9])))
    return tuple(
        (
            person,
            WeeklyShift(
                location_id=location_id,
                weekday=weekday,
                starts=starts,
                ends=ends,
                effective=effective,
                breaks=tuple(sorted(breaks[shift_id])),
            ),
        )
        for shift_id, (person, location_id, weekday, starts, ends, effective) in facts.items()
    )


def _time_off() -> dict[int, list[tuple[datetime, datetime]]]:
    time_off: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for person, starts_at, ends_at in select(
        "SELECT practitioner_id, CAST(starts_at AS text), CAST(ends_at AS text) "
        "FROM clinic_timeoff ORDER BY starts_at",
        [],
    ):
        time_off[person].append((instant_from_text(starts_at), instant_from_text(ends_at)))
    return dict(time_off)


def _services() -> dict[int, BookableService]:
    """Each service with the rooms' kinds it needs: a LEFT JOIN giving a row per kind,
    and one with no kind for a service that needs no room."""
    terms: dict[int, tuple[bool, int, int]] = {}
    kinds: dict[int, list[int]] = defaultdict(list)
    for service_id, active, minutes, buffer_minutes, kind_id in select(
        """
        SELECT s.id, s.active, s.duration_minutes, s.buffer_after_minutes, k.resourcekind_id
        FROM clinic_service s
        LEFT JOIN clinic_service_resource_kinds k ON k.service_id = s.id""",
        [],
    ):
        terms[service_id] = (bool(active), minutes, buffer_minutes)
        if kind_id is not None:
            kinds[service_id].append(kind_id)
    return {
        service_id: BookableService(
            active=active,
            facts=ServiceFacts(
                duration=timedelta(minutes=minutes),
                buffer=timedelta(minutes=buffer_minutes),
                resource_kinds=tuple(sorted(kinds[service_id])),
            ),
        )
        for service_id, (active, minutes, buffer_minutes) in terms.items()
    }


def _locations() -> dict[int, BookableLocation]:
    return {
        location_id: BookableLocation(
            id=location_id,
            active=bool(active),
            zone=ZoneInfo(zone),
            horizon=timedelta(days=horizon_days),
            online_notice=timedelta(minutes=notice_minutes),
            step=timedelta(minutes=step_minutes),
        )
        for location_id, active, zone, horizon_days, notice_minutes, step_minutes in select(
            """
            SELECT l.id, l.active, l.time_zone, c.booking_horizon_days,
                   c.min_online_notice_minutes, c.slot_step_minutes
            FROM clinic_location l JOIN clinic_clinic c ON c.id = l.clinic_id""",
            [],
        )
    }


def _closures() -> dict[int, list[DateRange]]:
    closures: dict[int, list[DateRange]] = defaultdict(list)
    for location_id, first, last in select(
        "SELECT location_id, CAST(first_day AS text), CAST(last_day AS text) FROM clinic_closure",
        [],
    ):
        closures[location_id].append(DateRange(day_from_text(first), day_from_text(last)))
    return dict(closures)


def in_effect_between(shift: WeeklyShift, first_day: date, last_day: date) -> bool:
    """Whether the shift is in effect on some day from `first_day` to `last_day`."""
    return shift.effective.first <= last_day and (
        shift.effective.last is None or shift.effective.last >= first_day
    )
