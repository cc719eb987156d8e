"""The one signal of the codebase: a practitioner's or a location's bookable time has
changed. Clinic configuration cannot know about appointments (the layers point the
other way), so it announces the change and scheduling listens: it looks for bookings
the change leaves outside what is allowed (scheduling/services/conflicts.py) and offers time it
opened to the waitlist (scheduling/services/waitlist.py).

Sent inside the saving transaction, so what the receivers write commits with the change
or not at all. Arguments: `practitioner_ids` (None: everyone at the locations),
`location_ids` (None: everywhere the practitioners work), `start` and `end` (aware; end
None: from start on), `now`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.dispatch import Signal
from django.utils import timezone

schedule_changed = Signal()


def announce(
    *,
    practitioner_ids: Collection[int] | None,
    location_ids: Collection[int] | None,
    start: datetime,
    end: datetime | None,
) -> None:
    schedule_changed.send(
        sender=None,
        practitioner_ids=None if practitioner_ids is None else sorted(set(practitioner_ids)),
        location_ids=None if location_ids is None else sorted(set(location_ids)),
        start=start,
        end=end,
        now=timezone.now(),
    )


def days_span(first: date, last: date | None, zone: ZoneInfo) -> tuple[datetime, datetime | None]:
    """Whole local days as instants: from `first`'s midnight to the midnight after
    `last` (None: open-ended)."""
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = None if last is None else datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
    return start, end
