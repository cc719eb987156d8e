"""A moment named for the admin's lists says it is UTC, whatever zone it arrives in."""

from datetime import datetime
from zoneinfo import ZoneInfo

from rehabdesk.core.clock import utc_text

TORONTO = ZoneInfo("America/Toronto")


def test_a_local_moment_is_written_in_utc_and_says_so():
    # The Sunday clocks go back in Toronto: EDT (UTC−4) before 2:00, EST (UTC−5) after.
    assert utc_text(datetime(2027, 11, 7, 1, 30, tzinfo=TORONTO)) == "2027-11-07 05:30 UTC"
    assert utc_text(datetime(2027, 11, 7, 9, 30, tzinfo=TORONTO)) == "2027-11-07 14:30 UTC"
