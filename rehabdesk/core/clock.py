"""Times of day as people read them, in the one format (rehabdesk/core/formats/en)."""

from datetime import UTC, datetime, time

from django.utils import formats


def clock(value: time | datetime) -> str:
    """'9:00 AM' for a time or a (local) datetime; the caller converts to the right zone."""
    return formats.time_format(value)


def clock_span(starts: time | datetime, ends: time | datetime) -> str:
    """'9:00 AM–5:00 PM'."""
    return f"{clock(starts)}–{clock(ends)}"


def date_and_clock(value: datetime, date_format: str = "l, F j, Y") -> str:
    """'Wednesday, March 10, 2027, 9:00 AM': the date as asked, then the time of day."""
    return f"{formats.date_format(value, date_format)}, {clock(value)}"


def utc_text(value: datetime) -> str:
    """'2027-03-10 17:00 UTC': a moment as the admin's lists name a record, with no zone
    to guess (a record's own location may not be at hand)."""
    return f"{value.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
