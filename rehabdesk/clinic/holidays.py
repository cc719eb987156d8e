"""Ontario's public holidays, for a clinic's closures.

The dates come from the `holidays` package (Canada, province "ON"), which follows the
governments' changes so that we do not keep an Easter computation of our own. The list
is the nine public holidays of Ontario's Employment Standards Act plus the Civic
Holiday, which is not one but which most clinics close for. Easter Monday and
Remembrance Day, which the package also lists for Ontario as optional, are left out:
most clinics open on them. A clinic removes or adds closures as it likes (⚠
configurable: they are loaded as data).

Each holiday is on its own date, never moved to a weekday ("observed"): a clinic
closed on Saturdays is closed on a Saturday Christmas anyway, and the Act owes staff a
substitute day, not the public a closed clinic on the Monday.
"""

from __future__ import annotations

from datetime import date

import holidays

CIVIC_HOLIDAY = "Civic Holiday"


def ontario_holidays(year: int) -> list[tuple[date, str]]:
    """The days a clinic in Ontario usually closes in `year`, in date order, each with
    its name in Canadian English ("Labour Day")."""

    def calendar(category: str) -> holidays.HolidayBase:
        return holidays.country_holidays(
            "CA",
            subdiv="ON",
            years=year,
            categories=(category,),
            observed=False,
            language="en_CA",
        )

    public = list(calendar(holidays.PUBLIC).items())
    civic = [
        (day, name) for day, name in calendar(holidays.OPTIONAL).items() if name == CIVIC_HOLIDAY
    ]
    return sorted(public + civic)
