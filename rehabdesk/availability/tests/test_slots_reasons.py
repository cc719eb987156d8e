"""Why a search offers nothing: each Reason, and the order they are checked in. Unless a
row says otherwise: practitioner 1 works Mondays 09:00–12:00 at location 1, the service
is 60 minutes, and the question is asked at 07:00 on Monday 2027-01-04 for that day."""

from datetime import timedelta

import pytest

from rehabdesk.availability import Busy, DateRange, Reason, ResourceFacts, find_slots
from rehabdesk.availability.tests.builders import (
    MONDAY,
    at,
    location,
    practitioner,
    query,
    shift,
    span,
)

TUESDAY = MONDAY + timedelta(days=1)
ROOM = 1
BOOKED = (Busy(span("08:00", "13:00"), 1),)
LATER = (DateRange(TUESDAY),)


def a_room(*busy):
    return (location(resources=(ResourceFacts(3, ROOM, busy),)),)


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        # BEYOND_HORIZON: the window starts at or after now + horizon.
        ({"horizon": timedelta(hours=1), "start": at("08:00")}, Reason.BEYOND_HORIZON),
        ({"horizon": timedelta(hours=1), "start": at("07:59")}, Reason.CLOSED),
        # NOBODY_QUALIFIED: no registration on any local date the window touches.
        ({"practitioners": (practitioner(qualified=LATER),)}, Reason.NOBODY_QUALIFIED),
        ({"practitioners": (practitioner(qualified=()),)}, Reason.NOBODY_QUALIFIED),
        ({"practitioners": ()}, Reason.NOBODY_QUALIFIED),
        # ...touching Tuesday makes Tuesday's registration count, though nobody works then.
        (
            {"practitioners": (practitioner(qualified=LATER),), "end": at("00:01", TUESDAY)},
            Reason.CLOSED,
        ),
        # CLOSED: no working time, after closures, registrations, shifts, breaks, time off.
        ({"locations": (location(closures=(DateRange(MONDAY, MONDAY),)),)}, Reason.CLOSED),
        ({"practitioners": (practitioner(shifts=(shift(weekday=2),)),)}, Reason.CLOSED),
        ({"practitioners": (practitioner(time_off=(span("08:00", "13:00"),)),)}, Reason.CLOSED),
        # Working time too short for the treatment is no working time.
        ({"duration": 240}, Reason.CLOSED),
        (
            {
                "practitioners": (practitioner(shifts=(shift(breaks=(("10:00", "10:30"),)),)),),
                "duration": 100,
            },
            Reason.CLOSED,
        ),
        # Hours already over, or a window in the past.
        ({"now": at("11:30")}, Reason.CLOSED),
        ({"start": at("12:00")}, Reason.CLOSED),
        ({"now": at("13:00", TUESDAY)}, Reason.CLOSED),
        # NO_RESOURCES: every location with working time lacks a kind the service needs.
        ({"kinds": (ROOM,)}, Reason.NO_RESOURCES),
        ({"kinds": (ROOM, ROOM), "locations": a_room()}, Reason.NO_RESOURCES),
        (
            {
                "kinds": (ROOM,),
                "locations": (location(), location(2, resources=a_room()[0].resources)),
            },
            Reason.NO_RESOURCES,
        ),
        # TOO_SOON: working time, but only before now + minimum notice.
        ({"now": at("08:00"), "min_notice": timedelta(hours=4)}, Reason.TOO_SOON),
        ({"now": at("08:00"), "min_notice": timedelta(hours=3, minutes=1)}, Reason.TOO_SOON),
        # FULLY_BOOKED: hours, rooms and notice allow it, appointments do not.
        ({"practitioners": (practitioner(busy=BOOKED),)}, Reason.FULLY_BOOKED),
        ({"kinds": (ROOM,), "locations": a_room(span("08:00", "13:00"))}, Reason.FULLY_BOOKED),
    ],
)
def test_it_says_why_nothing_is_offered(options, reason):
    result = find_slots(query(**options))
    assert result.slots == ()
    assert result.reason == reason


def test_it_offers_the_last_start_that_minimum_notice_allows():
    result = find_slots(query(now=at("08:00"), min_notice=timedelta(hours=3)))
    assert [slot.start for slot in result.slots] == [at("11:00")]


TOO_SOON = {"now": at("08:00"), "min_notice": timedelta(hours=4)}


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (
            {"horizon": timedelta(hours=1), "start": at("08:00"), "practitioners": ()},
            Reason.BEYOND_HORIZON,
        ),
        (
            {
                "practitioners": (practitioner(qualified=LATER),),
                "locations": (location(closures=(DateRange(MONDAY, MONDAY),)),),
            },
            Reason.NOBODY_QUALIFIED,
        ),
        (
            {"locations": (location(closures=(DateRange(MONDAY, MONDAY),)),), "kinds": (ROOM,)},
            Reason.CLOSED,
        ),
        ({**TOO_SOON, "kinds": (ROOM,)}, Reason.NO_RESOURCES),
        ({**TOO_SOON, "practitioners": (practitioner(busy=BOOKED),)}, Reason.TOO_SOON),
    ],
)
def test_it_gives_the_first_reason_that_applies(options, reason):
    assert find_slots(query(**options)).reason == reason
