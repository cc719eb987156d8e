"""What the move page searches and where it leads next, so that a patient moving a
booking never meets a dead end: with their practitioner or anyone, at their location
or another one that offers the service, from today or later days — and, whatever the
search finds, the ways on (later days, other practitioners, the other location, the
waitlist, the phone). HTTP only: the free times come from web/online/slots.py, the
move itself is scheduling's (self_service.py), which checks it all again.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils import timezone

from rehabdesk.clinic.models import Location
from rehabdesk.clinic.selectors import locations_active, services_offered_at
from rehabdesk.core.bounds import day_within_bounds
from rehabdesk.scheduling.models import Appointment
from rehabdesk.web.free_times import Day
from rehabdesk.web.online.slots import SEARCH_DAYS, Choice, number


@dataclass(frozen=True)
class MoveSearch:
    """The search a move page shows: whose times, where, from which day."""

    anyone: bool
    location: Location
    from_day: date | None

    def query(self, **changes: object) -> str:
        """The query string of this search with some of it changed."""
        anyone = changes.get("anyone", self.anyone)
        location = changes.get("location", self.location)
        from_day = changes.get("from_day", self.from_day)
        parts: dict[str, object] = {}
        if anyone:
            parts["anyone"] = 1
        if isinstance(location, Location):
            parts["location"] = location.pk
        if isinstance(from_day, date):
            parts["from"] = from_day.isoformat()
        return f"?{urlencode(parts)}" if parts else ""


@dataclass(frozen=True)
class WayOn:
    """A link from the move page to another search (or elsewhere), and what it says."""

    text: str
    href: str


def move_search(params: QueryDict, appointment: Appointment) -> MoveSearch:
    """The search asked for: anything unreadable or unknown falls back to the booking's
    own (its location, its practitioner, from today)."""
    location = appointment.location
    wanted = number(params.get("location"))
    if wanted is not None and wanted != location.pk:
        location = next((loc for loc in locations_active() if loc.pk == wanted), location)
    from_day = None
    with contextlib.suppress(ValueError):
        from_day = date.fromisoformat(params.get("from", ""))
    if from_day is not None and not day_within_bounds(from_day):
        from_day = None
    return MoveSearch(params.get("anyone") == "1", location, from_day)


def move_choice(search: MoveSearch, appointment: Appointment) -> Choice:
    return Choice(
        appointment.service,
        search.location,
        None if search.anyone else appointment.practitioner,
    )


def ways_on(
    search: MoveSearch, appointment: Appointment, days: list[Day], move_url: str
) -> list[WayOn]:
    """Where else to look from this search: later days while the clinic takes bookings
    that far ahead, back to the soonest times, anyone or only the booking's
    practitioner, and each other location offering the service."""
    ways: list[WayOn] = []
    today = timezone.localdate()
    # The last day the clinic takes bookings for: no way on leads past it.
    last = today + timedelta(days=appointment.location.clinic.booking_horizon_days)
    if days:
        later = days[-1].day + timedelta(days=1)
        if later <= last:
            ways.append(WayOn("Later days", move_url + search.query(from_day=later)))
    else:
        after = (search.from_day or today) + timedelta(days=SEARCH_DAYS)
        if after <= last:
            ways.append(
                WayOn(
                    f"The two weeks from {after:%A, %B} {after.day}",
                    move_url + search.query(from_day=after),
                )
            )
    if search.from_day is not None and search.from_day > today:
        ways.append(WayOn("Back to the soonest times", move_url + search.query(from_day=None)))
    practitioner = appointment.practitioner.display_name
    if search.anyone:
        ways.append(WayOn(f"Only with {practitioner}", move_url + search.query(anyone=False)))
    else:
        ways.append(
            WayOn(
                f"With anyone at {search.location.name}, not only {practitioner}",
                move_url + search.query(anyone=True),
            )
        )
    for location in _locations_offering(appointment):
        if location.pk == search.location.pk:
            continue
        ways.append(
            WayOn(
                f"At {location.name}, with anyone",
                move_url + search.query(location=location, anyone=True),
            )
        )
    return ways


def _locations_offering(appointment: Appointment) -> list[Location]:
    """The active locations where someone may deliver the booking's service today (a
    clinic has a handful), the booking's own first."""
    today = timezone.localdate()
    found = [
        location
        for location in locations_active()
        if location.pk == appointment.location_id
        or appointment.service in services_offered_at(location=location, today=today)
    ]
    found.sort(key=lambda location: location.pk != appointment.location_id)
    return found
