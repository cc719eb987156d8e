"""One table per rule of docs/algorithms/availability.md. Unless a row says otherwise:
practitioner 1 works Mondays 09:00–12:00 at location 1 (Toronto), the service is 60
minutes on a 15-minute grid, and the question is asked at 07:00 on Monday 2027-01-04."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from rehabdesk.availability import (
    Busy,
    DateRange,
    Interval,
    ResourceFacts,
    Slot,
    find_slots,
)
from rehabdesk.availability.tests.builders import (
    MONDAY,
    TORONTO,
    WINNIPEG,
    at,
    location,
    minutes,
    practitioner,
    query,
    shift,
    span,
    utc,
    walls,
)

TUESDAY = MONDAY + timedelta(days=1)
ALL_MORNING = ["09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30", "10:45", "11:00"]


def offered(**options) -> list[str]:
    return walls(find_slots(query(**options)))


def working(*shifts, **facts):
    return (practitioner(shifts=shifts, **facts),)


# -- rule 1: the grid, from local midnight, in elapsed time ----------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, ALL_MORNING),
        ({"step": 30}, ["09:00", "09:30", "10:00", "10:30", "11:00"]),
        ({"duration": 150}, ["09:00", "09:15", "09:30"]),
        # The grid starts at midnight, not at the shift: 09:10 waits for 09:15.
        (
            {"practitioners": working(shift("09:10", "11:10"))},
            ["09:15", "09:30", "09:45", "10:00"],
        ),
        ({"step": 45, "duration": 30}, ["09:00", "09:45", "10:30", "11:15"]),
        ({"step": 7, "duration": 160}, ["09:06", "09:13", "09:20"]),
    ],
)
def test_it_offers_starts_on_the_grid_from_local_midnight(options, expected):
    assert offered(**options) == expected


def test_it_gives_each_slot_its_exact_length_and_buffer():
    slot = find_slots(query(buffer=10)).slots[0]
    assert slot == Slot(
        start=at("09:00"),
        practitioner_id=1,
        location_id=1,
        end=at("10:00"),
        busy_until=at("10:10"),
        resource_ids=(),
    )


# -- rule 2: the window, minimum notice and the horizon --------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        # The window includes its start and excludes its end.
        ({"start": at("09:15"), "end": at("09:45")}, ["09:15", "09:30"]),
        ({"start": at("09:01")}, ALL_MORNING[1:]),
        # A slot may end after the window does: only its start must be inside.
        ({"end": at("09:01")}, ["09:00"]),
        # Never in the past.
        ({"now": at("09:20")}, ALL_MORNING[2:]),
        # Minimum notice: 08:50 + 30 minutes is 09:20, so 09:30.
        ({"now": at("08:50"), "min_notice": minutes(30)}, ALL_MORNING[2:]),
        ({"now": at("08:30"), "min_notice": minutes(30)}, ALL_MORNING),
        # Horizon: starts before now + horizon only.
        ({"now": at("07:00"), "horizon": timedelta(hours=3)}, ["09:00", "09:15", "09:30", "09:45"]),
    ],
)
def test_it_offers_starts_in_the_window_after_notice_before_the_horizon(options, expected):
    assert offered(**options) == expected


# -- rule 3: closures and registrations ------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"locations": (location(closures=(DateRange(MONDAY, MONDAY),)),)}, []),
        ({"locations": (location(closures=(DateRange(TUESDAY),)),)}, ALL_MORNING),
        ({"locations": (location(closures=(DateRange(date(2026, 12, 24), MONDAY),)),)}, []),
        ({"practitioners": working(shift(), qualified=(DateRange(TUESDAY),))}, []),
        # The last day of a registration still counts.
        (
            {"practitioners": working(shift(), qualified=(DateRange(date(2026, 1, 1), MONDAY),))},
            ALL_MORNING,
        ),
        (
            {
                "practitioners": working(
                    shift(), qualified=(DateRange(date(2026, 1, 1), date(2026, 12, 31)),)
                )
            },
            [],
        ),
        # Any one of several registrations will do.
        (
            {
                "practitioners": working(
                    shift(),
                    qualified=(DateRange(date(2025, 1, 1), date(2025, 2, 1)), DateRange(MONDAY)),
                )
            },
            ALL_MORNING,
        ),
    ],
)
def test_it_needs_the_location_open_and_the_practitioner_qualified(options, expected):
    assert offered(**options) == expected


# -- rule 4: shifts, breaks and time off -----------------------------------------------------


@pytest.mark.parametrize(
    ("shifts", "facts", "expected"),
    [
        ((shift(weekday=1),), {}, []),
        ((shift(location=2),), {}, []),
        ((shift(effective=DateRange(TUESDAY)),), {}, []),
        ((shift(effective=DateRange(date(2026, 1, 1), MONDAY)),), {}, ALL_MORNING),
        # The treatment fits between the start of the shift and a break, or after it.
        ((shift(breaks=(("10:00", "10:15"),)),), {}, ["09:00", "10:15", "10:30", "10:45", "11:00"]),
        (
            (shift(breaks=(("09:30", "10:00"), ("10:45", "11:00"))),),
            {},
            ["11:00"],
        ),
        # Time off, at any instant, possibly from the day before.
        (
            (shift(),),
            {"time_off": (span("10:30", "10:45"),)},
            ["09:00", "09:15", "09:30", "10:45", "11:00"],
        ),
        (
            (shift(),),
            {"time_off": (Interval(at("18:00", MONDAY - timedelta(days=1)), at("10:00")),)},
            ["10:00", "10:15", "10:30", "10:45", "11:00"],
        ),
        # Two shifts back to back are two pieces: the rule is per shift.
        (
            (shift("09:00", "10:30"), shift("10:30", "12:00")),
            {},
            ["09:00", "09:15", "09:30", "10:30", "10:45", "11:00"],
        ),
        # Overlapping shifts (which validation refuses) still offer each start once.
        ((shift("09:00", "11:00"), shift("10:00", "12:00")), {}, ALL_MORNING),
    ],
)
def test_it_fits_the_treatment_inside_one_piece_of_a_shift(shifts, facts, expected):
    assert offered(practitioners=working(*shifts, **facts)) == expected


# -- rule 5: the practitioner's other appointments, with buffer and travel --------------------


@pytest.mark.parametrize(
    ("busy", "options", "expected"),
    [
        # Back to back with an appointment at 10:00–10:30 is fine on both sides.
        ((Busy(span("10:00", "10:30"), 1),), {}, ["09:00", "10:30", "10:45", "11:00"]),
        ((Busy(span("10:00", "10:30"), None),), {}, ["09:00", "10:30", "10:45", "11:00"]),
        # The buffer must end before the next appointment...
        ((Busy(span("10:00", "10:30"), 1),), {"buffer": 15}, ["10:30", "10:45", "11:00"]),
        # ...but may run past the end of the shift.
        ((), {"buffer": 15}, ALL_MORNING),
        # Another location: widened by the travel time on both sides.
        (
            (Busy(span("10:00", "10:30"), 2),),
            {"travel": {frozenset({1, 2}): minutes(30)}},
            ["11:00"],
        ),
        # No known travel time: none is added.
        ((Busy(span("10:00", "10:30"), 2),), {}, ["09:00", "10:30", "10:45", "11:00"]),
        (
            (Busy(span("10:00", "10:30"), 2),),
            {"travel": {frozenset({1, 3}): minutes(30)}},
            ["09:00", "10:30", "10:45", "11:00"],
        ),
        # Busy the whole morning.
        ((Busy(span("08:00", "13:00"), 1),), {}, []),
    ],
)
def test_it_keeps_clear_of_the_practitioners_busy_time(busy, options, expected):
    assert offered(practitioners=working(shift(), busy=busy), **options) == expected


def test_it_lets_the_buffer_run_into_a_break():
    with_break = shift(breaks=(("10:00", "10:15"),))
    assert offered(practitioners=working(with_break), buffer=15)[:1] == ["09:00"]


# -- rule 6: rooms and equipment -------------------------------------------------------------

ROOM, TABLE = 1, 2


def resources(*facts: ResourceFacts):
    return (location(resources=facts),)


@pytest.mark.parametrize(
    ("facts", "kinds", "first"),
    [
        ((ResourceFacts(5, ROOM), ResourceFacts(3, ROOM)), (ROOM,), (3,)),
        (
            (ResourceFacts(5, ROOM), ResourceFacts(3, ROOM, (span("08:00", "09:30"),))),
            (ROOM,),
            (5,),
        ),
        ((ResourceFacts(5, ROOM), ResourceFacts(7, TABLE)), (TABLE, ROOM), (7, 5)),
        # A kind named twice needs two resources of that kind.
        ((ResourceFacts(5, ROOM), ResourceFacts(3, ROOM)), (ROOM, ROOM), (3, 5)),
        # The buffer holds the room too.
        (
            (ResourceFacts(3, ROOM, (span("10:05", "11:00"),)), ResourceFacts(4, ROOM)),
            (ROOM,),
            (3,),
        ),
    ],
)
def test_it_picks_the_lowest_free_resource_of_each_kind(facts, kinds, first):
    result = find_slots(query(locations=resources(*facts), kinds=kinds))
    assert result.slots[0].start == at("09:00")
    assert result.slots[0].resource_ids == first


@pytest.mark.parametrize(
    ("facts", "kinds", "buffer", "expected"),
    [
        (
            (ResourceFacts(3, ROOM, (span("09:30", "10:30"),)),),
            (ROOM,),
            0,
            ["10:30", "10:45", "11:00"],
        ),
        ((ResourceFacts(3, ROOM, (span("10:05", "11:00"),)),), (ROOM,), 0, ["09:00", "11:00"]),
        ((ResourceFacts(3, ROOM, (span("10:05", "11:00"),)),), (ROOM,), 10, ["11:00"]),
        ((ResourceFacts(3, ROOM, (span("10:15", "11:00"),)),), (ROOM,), 10, ["09:00", "11:00"]),
        (
            (ResourceFacts(3, ROOM), ResourceFacts(4, TABLE, (span("09:00", "12:00"),))),
            (ROOM, TABLE),
            0,
            [],
        ),
    ],
)
def test_it_needs_every_resource_free_until_the_buffer_ends(facts, kinds, buffer, expected):
    assert offered(locations=resources(*facts), kinds=kinds, buffer=buffer) == expected


def test_it_never_gives_one_resource_to_two_kinds_of_a_service():
    result = find_slots(query(locations=resources(ResourceFacts(3, ROOM)), kinds=(ROOM, ROOM)))
    assert result.slots == ()
    assert result.reason == "no_resources"


# -- order, limits and several places --------------------------------------------------------


def test_it_sorts_by_start_then_practitioner_then_location():
    practitioners = (
        practitioner(2, shifts=(shift(location=1), shift("13:00", "15:00", location=2))),
        practitioner(1, shifts=(shift("09:30", "10:30", location=2),)),
    )
    result = find_slots(
        query(practitioners=practitioners, locations=(location(2), location(1)), step=30)
    )
    assert [
        (f"{s.start.astimezone(TORONTO):%H:%M}", s.practitioner_id, s.location_id)
        for s in result.slots
    ] == [
        ("09:00", 2, 1),
        ("09:30", 1, 2),
        ("09:30", 2, 1),
        ("10:00", 2, 1),
        ("10:30", 2, 1),
        ("11:00", 2, 1),
        ("13:00", 2, 2),
        ("13:30", 2, 2),
        ("14:00", 2, 2),
    ]


def test_it_merges_locations_in_different_time_zones_by_real_instant():
    # Winnipeg is an hour behind Toronto: 08:00–09:30 there is 09:00–10:30 here.
    practitioners = (
        practitioner(1, shifts=(shift("09:00", "10:00", location=1),)),
        practitioner(2, shifts=(shift("08:00", "09:30", location=2),)),
    )
    locations = (location(1), location(2, zone=WINNIPEG))
    result = find_slots(
        query(practitioners=practitioners, locations=locations, step=30, duration=30)
    )
    assert [(s.start, s.practitioner_id) for s in result.slots] == [
        (utc(2027, 1, 4, 14, 0), 1),
        (utc(2027, 1, 4, 14, 0), 2),
        (utc(2027, 1, 4, 14, 30), 1),
        (utc(2027, 1, 4, 14, 30), 2),
        (utc(2027, 1, 4, 15, 0), 2),
    ]


def test_it_stops_after_the_limit():
    result = find_slots(query(), limit=2)
    assert walls(result) == ["09:00", "09:15"]
    assert result.reason is None


def test_it_finds_the_next_slot_weeks_ahead():
    q = query(end=at("00:00", MONDAY + timedelta(days=60)), practitioners=working(shift(weekday=3)))
    result = find_slots(q, limit=1)
    assert result.slots[0].start == at("09:00", MONDAY + timedelta(days=3))


def test_it_answers_in_utc():
    assert find_slots(query()).slots[0].start.tzinfo is not None
    assert find_slots(query()).slots[0].start.utcoffset() == timedelta(0)


# -- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": at("09:00").replace(tzinfo=None)}, "aware"),
        ({"now": at("09:00").replace(tzinfo=None)}, "aware"),
        ({"service": replace(query().service, duration=timedelta(0))}, "duration"),
        ({"service": replace(query().service, buffer=minutes(-1))}, "buffer"),
        ({"policy": replace(query().policy, step=timedelta(0))}, "step"),
        ({"policy": replace(query().policy, min_notice=minutes(-1))}, "min_notice"),
    ],
)
def test_it_refuses_inputs_the_rules_cannot_answer(change, message):
    with pytest.raises(ValueError, match=message):
        find_slots(replace(query(), **change))


def test_it_refuses_a_limit_below_one():
    with pytest.raises(ValueError, match="limit"):
        find_slots(query(), limit=0)
