"""A free time as the booking pages show and send it back: the staff finder and the
online slot picker share it, and read a chosen one back the same way."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet

from rehabdesk.clinic.models import Location, Practitioner
from rehabdesk.core.bounds import moment_within_bounds


@dataclass(frozen=True)
class FreeTime:
    start: datetime  # local to the location
    practitioner: Practitioner
    location: Location

    @property
    def value(self) -> str:
        """What a form sends back: "start|practitioner|location"."""
        return f"{self.start.isoformat()}|{self.practitioner.pk}|{self.location.pk}"


@dataclass(frozen=True)
class Day:
    day: date
    times: list[FreeTime]


def free_time_from(
    value: str, practitioners: QuerySet[Practitioner], locations: Iterable[Location]
) -> FreeTime | None:
    """The free time a form sent back, if it reads and names one of these practitioners
    and locations (a clinic has a handful of locations, read whole). Whether it is still
    free is the booking service's question."""
    start_text, _, rest = value.partition("|")
    practitioner_id, _, location_id = rest.partition("|")
    try:
        start = datetime.fromisoformat(start_text)
        practitioner = practitioners.get(pk=int(practitioner_id))
        location = next(place for place in locations if place.pk == int(location_id))
    except (ValueError, StopIteration, Practitioner.DoesNotExist):
        return None
    if start.tzinfo is None or not moment_within_bounds(start):
        return None
    return FreeTime(start.astimezone(location.zone), practitioner, location)
