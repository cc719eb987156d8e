"""The next free time is looked for a day ahead first, counting only days someone
works: on Friday evening that first look runs to Monday evening and finds Monday
morning, instead of ending on the closed weekend and reading all two weeks."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models import OpeningHours
from rehabdesk.clinic.testing import make_shift
from rehabdesk.scheduling import selectors
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.selectors import availability_search, first_look_end
from rehabdesk.scheduling.testing import TORONTO, at

pytestmark = pytest.mark.django_db

FRIDAY_EVENING = at(12, 18)  # the world's hours are Monday to Friday, 09:00-17:00


def test_the_first_look_ends_a_day_ahead_skipping_closed_days(world):
    assert first_look_end([world.pickering.pk], at(8, 10)) == at(9, 10)
    assert first_look_end([world.pickering.pk], FRIDAY_EVENING) == datetime(
        2027, 3, 15, 18, 0, tzinfo=TORONTO
    )
    saturday = datetime(2027, 3, 13, 11, 0, tzinfo=TORONTO)
    assert first_look_end([world.pickering.pk], saturday) == datetime(
        2027, 3, 15, 11, 0, tzinfo=TORONTO
    )


def test_the_days_counted_are_those_someone_works(world):
    OpeningHours.objects.create(
        location=world.pickering, weekday=Weekday.SATURDAY, opens=time(9), closes=time(17)
    )
    make_shift(world.massage_therapist, world.pickering, Weekday.SATURDAY, "09:00", "13:00")
    assert first_look_end([world.pickering.pk], FRIDAY_EVENING) == at(13, 18)
    only_the_physio = first_look_end([world.pickering.pk], FRIDAY_EVENING, [world.physio.pk])
    assert only_the_physio == datetime(2027, 3, 15, 18, 0, tzinfo=TORONTO)


def test_where_nobody_works_there_is_no_first_look(world):
    assert first_look_end([world.pickering.pk], FRIDAY_EVENING, [999_999]) is None


def test_on_friday_evening_one_look_finds_monday_morning(world, monkeypatch):
    windows = []
    build_query = selectors.build_query

    def spy(**arguments):
        windows.append(arguments["end"] - arguments["start"])
        return build_query(**arguments)

    monkeypatch.setattr(selectors, "build_query", spy)
    result = availability_search(
        service_id=world.follow_up.pk,
        location_ids=[world.pickering.pk],
        start=FRIDAY_EVENING,
        end=FRIDAY_EVENING + timedelta(days=14),
        now=FRIDAY_EVENING,
        channel=Channel.STAFF,
        limit=1,
    )
    assert [slot.start for slot in result.slots] == [datetime(2027, 3, 15, 9, 0, tzinfo=TORONTO)]
    assert windows == [timedelta(days=3)]
