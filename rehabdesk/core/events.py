"""Domain events: "an appointment was booked", told to whoever listens, inside the
transaction that made it so.

The apps that book, register patients and issue invoices sit below the apps that react
to those facts from outside (webhooks), which they may not import. So a service
publishes a fact here (`event_publish`) and a higher app registers a listener from its
AppConfig.ready() (`event_listen`), like core/chores.py does for the scheduler's chores.

Listeners run synchronously, in the publisher's transaction: what they write (an outbox
row) commits with the change or rolls back with it. So a listener must be quick, write
only to the database, and never call out over the network. An event carries ids and
times only, never names or clinical content: it is meant to leave the building.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils import timezone

# An event's data: ids, times (ISO 8601 text) and plain codes; nothing else.
EventValue = int | str | None


@dataclass(frozen=True)
class DomainEvent:
    type: str  # "appointment.booked"
    occurred_at: datetime
    data: Mapping[str, EventValue] = field(default_factory=dict)


Listener = Callable[[DomainEvent], object]

_LISTENERS: dict[str, Listener] = {}


def event_listen(*, name: str, listener: Listener) -> None:
    """Register (or replace, under the same name) a listener for every event."""
    _LISTENERS[name] = listener


def event_publish(*, type: str, data: Mapping[str, EventValue], now: datetime) -> None:
    """Tell every listener that `type` happened at `now`. Call it inside the
    transaction that made it happen."""
    if timezone.is_naive(now):
        raise ValueError("now must be an aware datetime")
    event = DomainEvent(type=type, occurred_at=now, data=dict(data))
    for listener in list(_LISTENERS.values()):
        listener(event)


def iso(moment: datetime | None) -> str | None:
    """An instant as event data: ISO 8601 in UTC, to the second."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds")
