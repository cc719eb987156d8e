"""A booking first looks at the calendar without any transaction (one query of the next
two weeks) and refuses there what is not on offer; only what passes goes on to the
check under the write lock. The first look must refuse exactly what the check under
the lock refuses, with the same reason, and offer the same next free times (a start
already past it leaves to the check under the lock)."""

from datetime import date, timedelta

import pytest
from django.db import transaction

from rehabdesk.availability.types import Reason
from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models import Closure, TimeOff
from rehabdesk.clinic.testing import make_practitioner, make_registration, make_shift
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.services import appointment_book, appointment_hold, booking
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


Refusal = tuple[str, Reason | None, list]


def under_the_lock(request) -> Refusal | None:
    """The check under the lock, rolled back (it releases expired holds): None when the
    time is on offer, else the refusal's code and reason and the next free times."""
    with transaction.atomic():
        try:
            booking.slot_on_offer(request, NOW)
            answer = None
        except SchedulingError as refusal:
            answer = (refusal.code, refusal.reason, booking.alternatives_for(request, NOW))
        transaction.set_rollback(True)
    return answer


def before_the_lock(request) -> Refusal | None:
    try:
        booking._refuse_unless_offered(request, NOW)
    except SchedulingError as refusal:
        return refusal.code, refusal.reason, refusal.alternatives
    return None


@pytest.fixture
def busy_week(world):
    """Bookings, a second physio filling the rooms at times, an expired hold, time off,
    a closed day, a physio without a registration."""
    second = make_practitioner("Second Physio")
    make_registration(second, "cpo")
    for day in (Weekday.TUESDAY, Weekday.WEDNESDAY):
        make_shift(second, world.pickering, day, "08:00", "12:00")
    unregistered = make_practitioner("Unregistered Physio")
    make_shift(unregistered, world.pickering, Weekday.TUESDAY, "09:00", "17:00")
    for start in (at(9, 9), at(9, 10, 30), at(9, 14), at(10, 9, 15)):
        appointment_book(request=world.request(start), actor=None, now=NOW)
    for start in (at(9, 9), at(9, 10, 30)):
        appointment_book(
            request=world.request(start, practitioner=second, patient=world.other_patient),
            actor=None,
            now=NOW,
        )
    appointment_hold(
        request=world.request(at(9, 15)),
        actor=None,
        now=NOW - timedelta(hours=1),  # held an hour ago: expired now
    )
    clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(10, 13), ends_at=at(10, 15))
    )
    clinic_services.closure_save(
        closure=Closure(
            location=world.pickering,
            first_day=date(2027, 3, 11),
            last_day=date(2027, 3, 11),
            name="Storm",
        )
    )
    return second, unregistered


@pytest.mark.parametrize("channel", [Channel.STAFF, Channel.ONLINE])
def test_the_first_look_refuses_exactly_what_the_check_under_the_lock_refuses(
    world, busy_week, channel
):
    second, unregistered = busy_week
    practitioners = [world.physio, second, unregistered, world.massage_therapist]
    # Monday (today: too soon online, or already past), Tuesday and Wednesday (bookings,
    # full rooms, time off, an expired hold), Thursday (closed), Saturday (nobody works);
    # on the grid and off it.
    starts = [
        at(day, hour, minute)
        for day in (8, 9, 10, 11, 13)
        for hour in (7, 9, 10, 11, 12, 14, 15, 16)
        for minute in (0, 5, 30)
    ]
    reasons = set()
    for practitioner in practitioners:
        for start in starts:
            request = world.request(start, practitioner=practitioner, channel=channel)
            expected = under_the_lock(request)
            # A start already past is left to the check under the lock.
            # A start already past is left to the check under the lock.
            first_look = before_the_lock(request) if start >= NOW else expected
            assert first_look == expected, (practitioner, start)
            reasons.add(None if expected is None else expected[1])
    # The cases above cover every way of being (or not being) on offer here.
    assert reasons >= {
        None,
        Reason.NOBODY_QUALIFIED,
        Reason.CLOSED,
        Reason.FULLY_BOOKED,
    }


def test_a_refusal_before_the_lock_is_the_same_answer_as_before(world):
    appointment_book(request=world.request(at(9, 10)), actor=None, now=NOW)
    with pytest.raises(SchedulingError) as caught:
        appointment_book(
            request=world.request(at(9, 10), patient=world.other_patient), actor=None, now=NOW
        )
    refusal = caught.value
    assert (refusal.code, refusal.reason) == (
        SchedulingErrorCode.SLOT_UNAVAILABLE,
        Reason.FULLY_BOOKED,
    )
    # The next free times from the time asked for, once the booking's buffer is over.
    assert [slot.start for slot in refusal.alternatives] == [
        at(9, 10, 45),
        at(9, 11),
        at(9, 11, 15),
    ]
