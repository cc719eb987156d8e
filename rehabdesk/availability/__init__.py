"""Scheduling arithmetic in pure Python.

Nothing here imports Django or any Rehabdesk app (an import-linter contract in
`make lint` enforces it): inputs are plain values, every datetime is aware, and `now`
is always passed in. The Django side converts rows into these values and back.
"""

from rehabdesk.availability.intervals import Interval, wall_clock_instant, wall_clock_interval
from rehabdesk.availability.shifts import ConflictKind, Shift, ShiftConflict, shift_conflicts

__all__ = [
    "ConflictKind",
    "Interval",
    "Shift",
    "ShiftConflict",
    "shift_conflicts",
    "wall_clock_instant",
    "wall_clock_interval",
]
