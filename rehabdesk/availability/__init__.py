"""Scheduling arithmetic in pure Python.

Nothing here imports Django or any Rehabdesk app (an import-linter contract in
`make lint` enforces it): inputs are plain values, every datetime is aware, and `now`
is always passed in. The Django side converts rows into these values and back.
"""

from rehabdesk.availability.intervals import Interval, wall_clock_instant, wall_clock_interval
from rehabdesk.availability.shifts import ConflictKind, Shift, ShiftConflict, shift_conflicts
from rehabdesk.availability.slots import find_slots
from rehabdesk.availability.types import (
    Busy,
    DateRange,
    LocationFacts,
    Policy,
    PractitionerFacts,
    Query,
    Reason,
    ResourceFacts,
    Result,
    ServiceFacts,
    Slot,
    WeeklyShift,
)

__all__ = [
    "Busy",
    "ConflictKind",
    "DateRange",
    "Interval",
    "LocationFacts",
    "Policy",
    "PractitionerFacts",
    "Query",
    "Reason",
    "ResourceFacts",
    "Result",
    "ServiceFacts",
    "Shift",
    "ShiftConflict",
    "Slot",
    "WeeklyShift",
    "find_slots",
    "shift_conflicts",
    "wall_clock_instant",
    "wall_clock_interval",
]
