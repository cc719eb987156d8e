"""Ontario's public holidays, for a clinic's closures.

Pure date arithmetic. The list is the nine statutory holidays under Ontario's
Employment Standards Act plus the Civic Holiday, which most clinics observe; a clinic
removes or adds closures as it likes (⚠ configurable: they are loaded as data).
"""

from __future__ import annotations

from datetime import date, timedelta


def easter_sunday(year: int) -> date:
    """Western (Gregorian) Easter, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday (Monday=0) of a month, e.g. the third Monday of February."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def ontario_holidays(year: int) -> list[tuple[date, str]]:
    may_24 = date(year, 5, 24)
    return [
        (date(year, 1, 1), "New Year's Day"),
        (nth_weekday(year, 2, 0, 3), "Family Day"),
        (easter_sunday(year) - timedelta(days=2), "Good Friday"),
        # Victoria Day: the Monday before May 25.
        (may_24 - timedelta(days=may_24.weekday()), "Victoria Day"),
        (date(year, 7, 1), "Canada Day"),
        (nth_weekday(year, 8, 0, 1), "Civic Holiday"),
        (nth_weekday(year, 9, 0, 1), "Labour Day"),
        (nth_weekday(year, 10, 0, 2), "Thanksgiving"),
        (date(year, 12, 25), "Christmas Day"),
        (date(year, 12, 26), "Boxing Day"),
    ]
