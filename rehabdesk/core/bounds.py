"""The range of what an edge accepts from outside, in one place for both edges.

Input beyond these bounds names nothing a clinic could mean, and some of it breaks
below the application: a date next to year 1 or 9999 overflows the moment a day is
added to it or its time zone changed, PostgreSQL refuses a UTC offset past ±15:59 and
an integer past its bigint, and a NUL byte in text. The edges refuse such input as
bad input (a 4xx with a code, a form error, or a 404 for an address), so none of it
reaches a service or the database.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

# Bookings, searches, schedules and waitlist wishes fall in these years. (Dates of
# birth are not bounded by them: they have their own form fields and rules.)
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2199, 12, 31)
# The widest UTC offset in use anywhere (Kiribati's +14:00; the farthest behind is -12:00).
MAX_UTC_OFFSET = timedelta(hours=14)
# An id is a positive PostgreSQL bigint.
MAX_ID = 2**63 - 1


def day_within_bounds(day: date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


def moment_within_bounds(moment: datetime) -> bool:
    """An aware time in the bounded years (read on its own clock, so nothing is
    converted before it is known to be safe) with a UTC offset in use on Earth."""
    offset = moment.utcoffset()
    return offset is not None and abs(offset) <= MAX_UTC_OFFSET and day_within_bounds(moment.date())


def id_within_bounds(value: int) -> bool:
    return 1 <= value <= MAX_ID


def has_nul(text: str) -> bool:
    return "\x00" in text
