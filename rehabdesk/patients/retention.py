"""How long a patient's record must be kept (domain-reference §3.1, §3.2).

Colleges require records for at least ten years after the last visit, or — for someone
seen as a child — ten years after their eighteenth birthday, whichever is later. We
apply the later of the two to every discipline. ⚠ The years are configurable defaults.
"""

from __future__ import annotations

from datetime import date

RETENTION_YEARS = 10
AGE_OF_MAJORITY = 18


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def retain_until(*, date_of_birth: date, last_visit: date | None) -> date | None:
    """The first day the record may be destroyed, or None if never seen (nothing to keep
    beyond what the clinic decides)."""
    if last_visit is None:
        return None
    after_visit = _add_years(last_visit, RETENTION_YEARS)
    after_majority = _add_years(date_of_birth, AGE_OF_MAJORITY + RETENTION_YEARS)
    return max(after_visit, after_majority)
