"""The days a clinic in Ontario closes for: the nine public holidays of the Employment
Standards Act and the Civic Holiday, each on its own date, checked against the
published dates for 2024 to 2030."""

from datetime import date

import pytest

from rehabdesk.clinic.holidays import ontario_holidays

NAMES = [
    "New Year's Day",
    "Family Day",
    "Good Friday",
    "Victoria Day",
    "Canada Day",
    "Civic Holiday",
    "Labour Day",
    "Thanksgiving Day",
    "Christmas Day",
    "Boxing Day",
]

# (month, day) of each holiday above, in order, year by year.
PUBLISHED = {
    2024: [(1, 1), (2, 19), (3, 29), (5, 20), (7, 1), (8, 5), (9, 2), (10, 14), (12, 25), (12, 26)],
    2025: [(1, 1), (2, 17), (4, 18), (5, 19), (7, 1), (8, 4), (9, 1), (10, 13), (12, 25), (12, 26)],
    2026: [(1, 1), (2, 16), (4, 3), (5, 18), (7, 1), (8, 3), (9, 7), (10, 12), (12, 25), (12, 26)],
    2027: [(1, 1), (2, 15), (3, 26), (5, 24), (7, 1), (8, 2), (9, 6), (10, 11), (12, 25), (12, 26)],
    2028: [(1, 1), (2, 21), (4, 14), (5, 22), (7, 1), (8, 7), (9, 4), (10, 9), (12, 25), (12, 26)],
    2029: [(1, 1), (2, 19), (3, 30), (5, 21), (7, 1), (8, 6), (9, 3), (10, 8), (12, 25), (12, 26)],
    2030: [(1, 1), (2, 18), (4, 19), (5, 20), (7, 1), (8, 5), (9, 2), (10, 14), (12, 25), (12, 26)],
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_it_lists_ontarios_holidays_on_their_published_dates(year):
    expected = [
        (date(year, month, day), name)
        for (month, day), name in zip(PUBLISHED[year], NAMES, strict=True)
    ]
    assert ontario_holidays(year) == expected


def test_it_leaves_out_the_optional_days_most_clinics_open_on():
    names = {name for _, name in ontario_holidays(2027)}
    assert "Easter Monday" not in names
    assert "Remembrance Day" not in names
    assert date(2027, 3, 29) not in {day for day, _ in ontario_holidays(2027)}


def test_it_keeps_a_weekend_holiday_on_its_own_date():
    # 2027: Christmas is a Saturday and Boxing Day a Sunday; nothing moves to Monday.
    december = [(day, name) for day, name in ontario_holidays(2027) if day.month == 12]
    assert december == [
        (date(2027, 12, 25), "Christmas Day"),
        (date(2027, 12, 26), "Boxing Day"),
    ]
    assert date(2027, 12, 25).weekday() == 5


def test_it_puts_victoria_day_on_may_24_when_that_is_a_monday():
    assert {n: d for d, n in ontario_holidays(2021)}["Victoria Day"] == date(2021, 5, 24)
    assert {n: d for d, n in ontario_holidays(2026)}["Victoria Day"] == date(2026, 5, 18)


def test_family_day_starts_in_2008_as_the_province_decided():
    assert "Family Day" not in {name for _, name in ontario_holidays(2007)}
    assert (date(2008, 2, 18), "Family Day") in ontario_holidays(2008)


def test_a_year_is_ten_days_in_date_order():
    for year in range(2024, 2031):
        days = [day for day, _ in ontario_holidays(year)]
        assert len(days) == 10
        assert days == sorted(days)
        assert {day.year for day in days} == {year}
