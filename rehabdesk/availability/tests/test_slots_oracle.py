"""find_slots against a brute-force oracle that reads docs/algorithms/availability.md
literally: every grid start of every local day, each rule checked on its own, with no
pieces, no bisecting and no jumping. Random clinics over one to three days, often around
Toronto's 2027 clock changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from rehabdesk.availability import (
    Busy,
    DateRange,
    Interval,
    LocationFacts,
    Policy,
    PractitionerFacts,
    Query,
    Reason,
    ResourceFacts,
    Result,
    ServiceFacts,
    Slot,
    WeeklyShift,
    find_slots,
    wall_clock_instant,
)
from rehabdesk.availability.slots import LAZY_UP_TO
from rehabdesk.availability.tests.builders import TORONTO, WINNIPEG

# -- the oracle -----------------------------------------------------------------------------


def instant(day: date, wall: time, location: LocationFacts) -> datetime:
    return wall_clock_instant(day, wall, location.zone).astimezone(UTC)


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def grid_starts(q: Query, location: LocationFacts):
    """Rule 1, literally: M + k * step whose local date is the date of M. Every local
    date from the day before the window to the day after it."""
    first = q.start.astimezone(location.zone).date() - timedelta(days=1)
    last = q.end.astimezone(location.zone).date() + timedelta(days=1)
    day = first
    while day <= last:
        midnight = instant(day, time(0), location)
        k = 0
        while k * q.policy.step <= timedelta(hours=26):
            start = midnight + k * q.policy.step
            if start.astimezone(location.zone).date() == day:
                yield day, start
            k += 1
        day += timedelta(days=1)


def works(q: Query, p: PractitionerFacts, location: LocationFacts, day: date, start) -> bool:
    """Rules 3 and 4: open, qualified, and the treatment inside one shift's working time."""
    if any(closure.covers(day) for closure in location.closures):
        return False
    if not any(r.covers(day) for r in p.qualified):
        return False
    end = start + q.service.duration
    for shift in p.shifts:
        if shift.location_id != location.id or shift.weekday != day.weekday():
            continue
        if not shift.effective.covers(day):
            continue
        if (
            not instant(day, shift.starts, location)
            <= start
            < end
            <= instant(day, shift.ends, location)
        ):
            continue
        breaks = [(instant(day, a, location), instant(day, b, location)) for a, b in shift.breaks]
        # A break that collapses on the spring-forward night (02:30–03:00) removes nothing.
        if any(a < b and overlaps(start, end, a, b) for a, b in breaks):
            continue
        if any(overlaps(start, end, t.start, t.end) for t in p.time_off):
            continue
        return True
    return False


def practitioner_free(q: Query, p: PractitionerFacts, location: LocationFacts, start) -> bool:
    """Rule 5."""
    held_until = start + q.service.duration + q.service.buffer
    for busy in p.busy:
        busy_start = busy.interval.start.astimezone(UTC)
        busy_end = busy.interval.end.astimezone(UTC)
        if busy.location_id not in (None, location.id):
            travel = q.travel.get(frozenset({location.id, busy.location_id}), timedelta(0))
            busy_start, busy_end = busy_start - travel, busy_end + travel
        if overlaps(start, held_until, busy_start, busy_end):
            return False
    return True


def free_resources(q: Query, location: LocationFacts, start) -> tuple[int, ...] | None:
    """Rule 6."""
    held_until = start + q.service.duration + q.service.buffer
    chosen: list[int] = []
    for kind in q.service.resource_kinds:
        free = [
            r.id
            for r in location.resources
            if r.kind_id == kind
            and r.id not in chosen
            and not any(overlaps(start, held_until, i.start, i.end) for i in r.busy)
        ]
        if not free:
            return None
        chosen.append(min(free))
    return tuple(chosen)


def has_resources(q: Query, location: LocationFacts) -> bool:
    kinds = [r.kind_id for r in location.resources]
    return all(
        kinds.count(kind) >= q.service.resource_kinds.count(kind)
        for kind in q.service.resource_kinds
    )


def oracle(q: Query) -> Result:
    now, start, end = (t.astimezone(UTC) for t in (q.now, q.start, q.end))
    horizon_end = now + q.policy.horizon
    earliest = now + q.policy.min_notice
    lo, hi = max(start, now), min(end, horizon_end)
    slots = []
    working = []  # (location, start) of every start rules 1, 3 and 4 allow in [lo, hi)
    for location in q.locations:
        for day, s in grid_starts(q, location):
            if not lo <= s < hi:
                continue
            for p in q.practitioners:
                if not works(q, p, location, day, s):
                    continue
                working.append((location, s))
                if s < earliest or not practitioner_free(q, p, location, s):
                    continue
                resource_ids = free_resources(q, location, s)
                if resource_ids is not None:
                    slots.append(
                        Slot(
                            s,
                            p.id,
                            location.id,
                            s + q.service.duration,
                            s + q.service.duration + q.service.buffer,
                            resource_ids,
                        )
                    )
    if slots:
        return Result(tuple(sorted(slots)))
    if start >= horizon_end:
        return Result((), Reason.BEYOND_HORIZON)
    dates = [day for location in q.locations for day in local_dates(lo, hi, location)]
    if lo < hi and not any(
        r.covers(day) for p in q.practitioners for r in p.qualified for day in dates
    ):
        return Result((), Reason.NOBODY_QUALIFIED)
    if not working:
        return Result((), Reason.CLOSED)
    resourced = [(location, s) for location, s in working if has_resources(q, location)]
    if not resourced:
        return Result((), Reason.NO_RESOURCES)
    if all(s < earliest for _, s in resourced):
        return Result((), Reason.TOO_SOON)
    return Result((), Reason.FULLY_BOOKED)


def local_dates(lo, hi, location):
    day = lo.astimezone(location.zone).date()
    last = (hi - timedelta(microseconds=1)).astimezone(location.zone).date()
    while day <= last:
        yield day
        day += timedelta(days=1)


# -- random clinics -------------------------------------------------------------------------

# Toronto's 2027 clock changes and the days either side, or any day of the year.
CHANGE_DAYS = [date(2027, 3, 14), date(2027, 11, 7)]
FIRST_DAYS = st.one_of(
    st.sampled_from([date(2027, 3, 13), date(2027, 3, 14), date(2027, 11, 6), date(2027, 11, 7)]),
    st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 12, 31)),
)
# Wall times (minutes after midnight), often in the small hours when clocks change.
NIGHT_MINUTES = st.one_of(
    st.integers(min_value=0, max_value=5 * 60),
    st.sampled_from([60, 90, 120, 150, 170, 180, 195]),  # 01:00 ... 03:15
)
WALL_MINUTES = st.one_of(
    st.integers(min_value=0, max_value=24 * 12 - 1).map(lambda n: n * 5), NIGHT_MINUTES
)


def wall(n: int) -> time:
    return time(n // 60, n % 60)


@st.composite
def wall_span(
    draw, lengths: list[int], low: int = 0, high: int = 24 * 60 - 1, walls=WALL_MINUTES
) -> tuple[time, time] | None:
    """Wall times low <= a < b <= high, or None when there is no room."""
    a = draw(walls)
    if not low <= a <= high:
        a = low + a % (high - low + 1)
    b = min(high, a + draw(st.sampled_from(lengths)))
    if a >= b:
        return None
    return wall(a), wall(b)


def closures(day: date, closed: bool) -> tuple[DateRange, ...]:
    return (DateRange(day, day),) if closed else ()


def one_in(draw, n: int) -> bool:
    """True about once in n draws (integers lean towards their bounds, so not those)."""
    return draw(st.sampled_from([False] * (n - 1) + [True]))


@st.composite
def clinics(draw, scarce: bool = False, nights: bool = False) -> Query:
    """A random clinic, tilted so that most examples offer some slots; a `scarce` one is
    tilted the other way (busy days, narrow registrations, short horizons), so that every
    reason for offering nothing comes up."""
    first_day = draw(st.sampled_from(CHANGE_DAYS) if nights else FIRST_DAYS)
    days = 1 if nights else draw(st.integers(min_value=1, max_value=3))
    walls = NIGHT_MINUTES if nights else WALL_MINUTES
    # On the nights, breaks often start in the hour that is skipped or repeated.
    pauses = st.one_of(st.sampled_from([120, 135, 150, 165, 170]), walls) if nights else walls
    dates = [first_day + timedelta(days=i) for i in range(days)]
    origin = wall_clock_instant(first_day, time(0), TORONTO).astimezone(UTC)
    length = days * 24 * 60
    always = DateRange(date(2020, 1, 1))
    whole_time = Interval(origin - timedelta(days=1), origin + timedelta(days=days + 1))

    def moment(low: int, high: int) -> datetime:
        return origin + timedelta(minutes=draw(st.integers(min_value=low, max_value=high)))

    def interval(longest: int) -> Interval:
        start = moment(-6 * 60, length + 6 * 60)
        end = start + timedelta(minutes=draw(st.integers(min_value=1, max_value=longest)))
        if draw(st.booleans()):
            try:  # Interval compares same-zone datetimes by wall clock, so not always.
                return Interval(start.astimezone(TORONTO), end.astimezone(TORONTO))
            except ValueError:
                pass
        return Interval(start, end)

    def date_range() -> DateRange:
        first = first_day + timedelta(days=draw(st.integers(min_value=-2, max_value=days)))
        last = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=2)))
        return DateRange(first, None if last is None else first + timedelta(days=last))

    location_ids = draw(st.sampled_from([[1], [1, 2], [2, 1]]))
    locations = []
    resource_ids = iter(draw(st.permutations(range(1, 9))))
    for location_id in location_ids:
        resources = []
        for _ in range(draw(st.sampled_from([0, 1, 2, 3]))):
            held = tuple(interval(120) for _ in range(draw(st.sampled_from([0, 0, 1, 3]))))
            if scarce and one_in(draw, 2):
                held += (whole_time,)
            resources.append(ResourceFacts(next(resource_ids), draw(st.sampled_from([1, 2])), held))
        locations.append(
            LocationFacts(
                location_id,
                WINNIPEG if one_in(draw, 4) else TORONTO,
                closures(draw(st.sampled_from(dates)), one_in(draw, 8)),
                tuple(resources),
            )
        )

    weekdays = [d.weekday() for d in dates]
    practitioners = []
    for practitioner_id in draw(st.sampled_from([[1, 2], [1], [3, 1, 2], [2, 5]])):
        shifts = []
        for _ in range(draw(st.sampled_from([1, 2, 3, 0]))):
            hours = draw(wall_span([480, 240, 120, 600, 60, 30, 5], walls=walls))
            if hours is None:
                continue
            breaks = []
            for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):
                low = hours[0].hour * 60 + hours[0].minute
                high = hours[1].hour * 60 + hours[1].minute
                pause = draw(wall_span([15, 30, 60, 5], low, high, pauses)) if high > low else None
                if pause is not None:
                    breaks.append(pause)
            shifts.append(
                WeeklyShift(
                    location_id=9 if one_in(draw, 12) else draw(st.sampled_from(location_ids)),
                    weekday=draw(st.integers(0, 6))
                    if one_in(draw, 8)
                    else draw(st.sampled_from(weekdays)),
                    starts=hours[0],
                    ends=hours[1],
                    effective=date_range() if one_in(draw, 6) else always,
                    breaks=tuple(breaks),
                )
            )
        qualified = (
            tuple(date_range() for _ in range(draw(st.integers(1, 2))))
            if one_in(draw, 6)
            else (always,)
        )
        if scarce and one_in(draw, 4):
            qualified = (DateRange(date(2020, 1, 1), first_day - timedelta(days=2)),)
        time_off = tuple(
            interval(draw(st.sampled_from([120, 600, 2 * 24 * 60])))
            for _ in range(draw(st.sampled_from([0, 0, 1, 2])))
        )
        busy = tuple(
            Busy(interval(120), draw(st.sampled_from([None, 1, 2, 3])))
            for _ in range(draw(st.integers(0, 6)))
        )
        if scarce and one_in(draw, 2):
            busy += (Busy(whole_time, draw(st.sampled_from([None, 1, 2]))),)
        practitioners.append(
            PractitionerFacts(practitioner_id, tuple(shifts), qualified, time_off, busy)
        )

    travel = {}
    for pair in (frozenset({1, 2}), frozenset({1, 3}), frozenset({2, 3})):
        if draw(st.booleans()):
            travel[pair] = timedelta(minutes=draw(st.integers(min_value=0, max_value=60)))

    start = moment(-2 * 60, length // 2)
    # Hypothesis leans towards small numbers; most windows should span the days.
    window = length + 2 * 60
    if one_in(draw, 6):
        window = draw(st.integers(min_value=1, max_value=window))
    end = start + timedelta(minutes=window)
    if one_in(draw, 5):
        now = moment(-24 * 60, length)
    else:
        now = start - timedelta(minutes=draw(st.sampled_from([0, 1, 60, 8 * 60, 24 * 60])))
    if draw(st.booleans()):
        start, end, now = (t.astimezone(TORONTO) for t in (start, end, now))
    horizon = 4 * 24 * 60
    if one_in(draw, 3 if scarce else 5):
        horizon = draw(st.integers(min_value=60, max_value=horizon))
    return Query(
        service=ServiceFacts(
            duration=timedelta(minutes=draw(st.integers(min_value=3, max_value=18)) * 5),
            buffer=timedelta(minutes=draw(st.integers(min_value=0, max_value=15))),
            resource_kinds=tuple(draw(st.sampled_from([(), (), (1,), (2,), (1, 2), (1, 1)]))),
        ),
        practitioners=tuple(practitioners),
        locations=tuple(locations),
        start=start,
        end=end,
        now=now,
        policy=Policy(
            horizon=timedelta(minutes=horizon),
            min_notice=timedelta(minutes=draw(st.sampled_from([0, 0, 15, 60, 6 * 60, 20 * 60]))),
            step=timedelta(minutes=draw(st.sampled_from([5, 10, 15, 30]))),
        ),
        travel=travel,
    )


def clock_change_event(q: Query) -> None:
    days = {q.start.astimezone(TORONTO).date(), q.end.astimezone(TORONTO).date()}
    if days & {date(2027, 3, 14), date(2027, 11, 7)}:
        event("window touches a 2027 clock change day")


# -- the properties -------------------------------------------------------------------------


@settings(max_examples=1000, deadline=None)
@given(clinics())
def test_it_offers_exactly_the_slots_the_rules_allow(q):
    expected = oracle(q)
    event(f"reason: {expected.reason}" if expected.reason else "some slots")
    clock_change_event(q)
    assert find_slots(q) == expected


@settings(max_examples=500, deadline=None)
@given(clinics())
def test_the_lazy_walk_offers_the_slots_the_rules_allow(q):
    # find_slots works out up to LAZY_UP_TO slots one by one, more all at once: the
    # tests above check the second way against the oracle, this one the first.
    expected = oracle(q)
    event(f"reason: {expected.reason}" if expected.reason else "some slots")
    found = find_slots(q, limit=LAZY_UP_TO)
    assert found.slots == expected.slots[:LAZY_UP_TO]
    assert found.reason == expected.reason


@settings(max_examples=500, deadline=None)
@given(
    clinics(),
    st.sampled_from(["nothing", "time off", "everything"]),
    st.booleans(),
)
def test_practitioners_with_the_same_shifts_get_the_slots_the_rules_allow(q, kept, rooms):
    # The engine works out a day once for everyone with the same shifts, and the starts
    # once for those of them whom nothing blocks: everyone here has the first one's
    # shifts, with none of their calendar, their time off only, or all of it, for a
    # service that needs rooms or none.
    shifts = q.practitioners[0].shifts
    busy = kept == "everything"
    time_off = kept != "nothing"
    same = replace(
        q,
        service=q.service if rooms else replace(q.service, resource_kinds=()),
        practitioners=tuple(
            replace(
                p,
                shifts=shifts,
                busy=p.busy if busy else (),
                time_off=p.time_off if time_off else (),
            )
            for p in q.practitioners
        ),
    )
    expected = oracle(same)
    event(f"reason: {expected.reason}" if expected.reason else "some slots")
    assert find_slots(same) == expected
    found = find_slots(same, limit=LAZY_UP_TO)
    assert found.slots == expected.slots[:LAZY_UP_TO]
    assert found.reason == expected.reason


@settings(max_examples=300, deadline=None)
@given(clinics(nights=True))
def test_it_offers_exactly_the_slots_the_rules_allow_on_clock_change_nights(q):
    expected = oracle(q)
    event(f"reason: {expected.reason}" if expected.reason else "some slots")
    assert find_slots(q) == expected


@settings(max_examples=500, deadline=None)
@given(clinics(scarce=True))
def test_it_says_why_there_is_no_slot(q):
    expected = oracle(q)
    event(f"reason: {expected.reason}" if expected.reason else "some slots")
    assert find_slots(q) == expected


@settings(max_examples=300, deadline=None)
@given(clinics(), st.randoms(use_true_random=False))
def test_it_gives_the_same_answer_whatever_the_order_of_its_inputs(q, random):
    def shuffled(items):
        items = list(items)
        random.shuffle(items)
        return tuple(items)

    mixed = replace(
        q,
        practitioners=shuffled(
            replace(
                p, shifts=shuffled(p.shifts), busy=shuffled(p.busy), time_off=shuffled(p.time_off)
            )
            for p in q.practitioners
        ),
        locations=shuffled(replace(loc, resources=shuffled(loc.resources)) for loc in q.locations),
    )
    assert find_slots(mixed) == find_slots(q)


@settings(max_examples=300, deadline=None)
@given(clinics())
def test_it_never_offers_a_slot_over_busy_time(q):
    for slot in find_slots(q).slots:
        held = Interval(slot.start, slot.busy_until)
        assert slot.end - slot.start == q.service.duration
        practitioner = next(p for p in q.practitioners if p.id == slot.practitioner_id)
        for busy in practitioner.busy:
            travel = timedelta(0)
            if busy.location_id not in (None, slot.location_id):
                travel = q.travel.get(frozenset({slot.location_id, busy.location_id}), travel)
            busy_start, busy_end = (
                t.astimezone(UTC) for t in (busy.interval.start, busy.interval.end)
            )
            widened = Interval(busy_start - travel, busy_end + travel)
            assert not held.overlaps(widened)
        location = next(loc for loc in q.locations if loc.id == slot.location_id)
        resources = {r.id: r for r in location.resources}
        assert len(set(slot.resource_ids)) == len(slot.resource_ids)
        assert [resources[i].kind_id for i in slot.resource_ids] == list(q.service.resource_kinds)
        for resource_id in slot.resource_ids:
            assert not any(held.overlaps(i) for i in resources[resource_id].busy)


@settings(max_examples=300, deadline=None)
@given(clinics(), st.integers(min_value=1, max_value=6))
def test_it_gives_the_first_slots_when_limited(q, limit):
    everything = find_slots(q)
    first = find_slots(q, limit=limit)
    assert first.slots == everything.slots[:limit]
    assert first.reason == everything.reason
