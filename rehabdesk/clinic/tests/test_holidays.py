from datetime import date

import pytest

from rehabdesk.clinic.holidays import easter_sunday, ontario_holidays


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_it_finds_easter_sunday(year, easter):
    assert easter_sunday(year) == easter


def test_it_lists_ontarios_holidays_for_2027():
    assert {name: day for day, name in ontario_holidays(2027)} == {
        "New Year's Day": date(2027, 1, 1),
        "Family Day": date(2027, 2, 15),
        "Good Friday": date(2027, 3, 26),
        "Victoria Day": date(2027, 5, 24),
        "Canada Day": date(2027, 7, 1),
        "Civic Holiday": date(2027, 8, 2),
        "Labour Day": date(2027, 9, 6),
        "Thanksgiving": date(2027, 10, 11),
        "Christmas Day": date(2027, 12, 25),
        "Boxing Day": date(2027, 12, 26),
    }


def test_it_puts_victoria_day_on_may_24_when_that_is_a_monday():
    assert {n: d for d, n in ontario_holidays(2021)}["Victoria Day"] == date(2021, 5, 24)
    assert {n: d for d, n in ontario_holidays(2026)}["Victoria Day"] == date(2026, 5, 18)
