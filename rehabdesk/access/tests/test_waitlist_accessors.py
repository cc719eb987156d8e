"""A place on the waitlist and an offer from it are reached the way a booking is: by
whoever may manage the bookings of its patient (the desk, the patient, a guardian who
manages their child's bookings). Anyone else is refused as if it did not exist, with the
patient named for the audit trail; an unknown id is refused alike, naming nobody."""

from __future__ import annotations

from datetime import date

import pytest

from rehabdesk.access.accessors import waitlist_entry_for, waitlist_offer_for
from rehabdesk.access.errors import AccessDenied
from rehabdesk.scheduling.choices import CancelledBy
from rehabdesk.scheduling.services import (
    Wish,
    appointment_book,
    appointment_cancel,
    freed_time_process,
    waitlist_add,
)
from rehabdesk.scheduling.testing import NOW, at, build_booking_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def wait(world, patient):
    wish = Wish(
        patient=patient,
        service=world.follow_up,
        practitioner=None,
        locations=[world.pickering],
        weekdays=[],
        day_parts=[],
        valid_until=date(2027, 4, 30),
    )
    return waitlist_add(wish=wish, actor=None, now=NOW)


def offered(world, entry):
    taken = appointment_book(
        request=world.request(at(10, 10), patient=world.other_patient), actor=None, now=NOW
    )
    appointment_cancel(appointment=taken, actor=None, now=NOW, by=CancelledBy.PATIENT)
    freed_time_process(now=NOW)
    return entry.offers.get()


@pytest.mark.parametrize("who", ["front_desk", "manager", "patient_a"])
def test_the_desk_and_the_patient_reach_a_place_and_its_offer(world, personas, who):
    entry = wait(world, personas.patient_a)
    offer = offered(world, entry)
    user = personas.user(who)

    assert waitlist_entry_for(user=user, entry_id=entry.pk) == entry
    assert waitlist_offer_for(user=user, offer_id=offer.pk) == offer


def test_a_guardian_reaches_their_childs_place_on_the_waitlist(world, personas):
    entry = wait(world, personas.child)
    assert waitlist_entry_for(user=personas.guardian.user, entry_id=entry.pk) == entry


@pytest.mark.parametrize("who", ["patient_b", "guardian", "massage_therapist", "outsider"])
def test_anyone_else_is_refused_with_the_patient_named_for_the_trail(world, personas, who):
    entry = wait(world, personas.patient_a)
    offer = offered(world, entry)
    user = personas.user(who)

    with pytest.raises(AccessDenied) as refused_entry:
        waitlist_entry_for(user=user, entry_id=entry.pk)
    with pytest.raises(AccessDenied) as refused_offer:
        waitlist_offer_for(user=user, offer_id=offer.pk)
    assert (refused_entry.value.found, refused_entry.value.patient_ids) == (
        True,
        [personas.patient_a.pk],
    )
    assert refused_entry.value.object_type == "scheduling.waitlistentry"
    assert (refused_offer.value.object_type, refused_offer.value.patient_ids) == (
        "scheduling.waitlistoffer",
        [personas.patient_a.pk],
    )


def test_an_unknown_place_or_offer_is_refused_naming_nobody(world, personas):
    for reach, key in ((waitlist_entry_for, "entry_id"), (waitlist_offer_for, "offer_id")):
        with pytest.raises(AccessDenied) as refused:
            reach(user=personas.front_desk, **{key: 999_999})
        assert (refused.value.found, refused.value.patient_ids) == (False, [])
