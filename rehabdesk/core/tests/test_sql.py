from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from rehabdesk.core.sql import day_from_text, day_param, instant_from_text, instant_param, select

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")


def test_a_list_parameter_is_an_in_list():
    assert select("SELECT 1 WHERE %s IN %s", [2, [1, 2, 3]]) == [(1,)]
    assert select("SELECT 1 WHERE %s IN %s", [4, (1, 2, 3)]) == []
    assert select("SELECT 1 WHERE %s IN %s", [3, {3}]) == [(1,)]


def test_a_list_parameter_can_be_a_not_in_list():
    assert select("SELECT 1 WHERE %s NOT IN %s", [2, [1, 2, 3]]) == []
    assert select("SELECT 1 WHERE %s NOT IN %s", [4, (1, 2, 3)]) == [(1,)]
    assert select("SELECT 1 WHERE 'b' IN %s", [["a", "b"]]) == [(1,)]


def test_an_empty_list_is_in_nothing():
    assert select("SELECT 1 WHERE 2 IN %s", [[]]) == []
    assert select("SELECT 1 WHERE 2 NOT IN %s", [[]]) == [(1,)]


def test_a_list_parameter_must_follow_in():
    with pytest.raises(ValueError, match="must follow IN or NOT IN"):
        select("SELECT 1 WHERE 2 = %s", [[2]])


def test_placeholders_and_parameters_must_match():
    with pytest.raises(ValueError, match="2 placeholders for 1 parameters"):
        select("SELECT %s, %s", [1])


def test_instants_go_in_and_come_back_as_utc():
    # 08:00 in Toronto on the day clocks spring forward is 12:00 UTC.
    wall = datetime(2027, 3, 14, 8, 0, tzinfo=TORONTO)
    [(text,)] = select("SELECT CAST(%s AS text)", [instant_param(wall)])
    assert instant_from_text(text) == datetime(2027, 3, 14, 12, 0, tzinfo=UTC)
    assert instant_from_text(text).tzinfo is UTC


def test_days_go_in_and_come_back():
    [(text,)] = select("SELECT CAST(%s AS text)", [day_param(date(2027, 11, 7))])
    assert day_from_text(text) == date(2027, 11, 7)


def test_instants_read_as_text_with_or_without_an_offset():
    expected = datetime(2027, 11, 7, 6, 30, tzinfo=UTC)
    for text in (
        "2027-11-07 06:30:00",  # SQLite: UTC, no offset
        "2027-11-07 06:30:00+00",  # PostgreSQL in UTC
        "2027-11-07 01:30:00-05",
        "2027-11-07 01:30:00-05:00",
        "2027-11-07 12:00:00+05:30",
    ):
        assert instant_from_text(text) == expected
        assert instant_from_text(text).tzinfo is UTC
    assert instant_from_text("2027-11-07 06:30:00.250000").microsecond == 250000
