"""The reads pages and the API ask of the waitlist and of a patient's visits: who is
waiting (by status and location), a patient's places with only the offers still open,
one entry or offer, whether a hold was a waitlist offer, and what happened to an
appointment, in order."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rehabdesk.scheduling.choices import CancelledBy, EventKind, OfferStatus, WaitlistStatus
from rehabdesk.scheduling.selectors import (
    appointment_history,
    appointment_was_offered,
    appointments_for_patient,
    offer_detail,
    waitlist_entries,
    waitlist_entry,
    waitlist_for_patient,
)
from rehabdesk.scheduling.services import (
    Wish,
    appointment_book,
    appointment_cancel,
    appointment_hold,
    appointment_reschedule,
    freed_time_process,
    waitlist_add,
    waitlist_withdraw,
)
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


def wait(world, patient, *, locations=None, when=NOW):
    wish = Wish(
        patient=patient,
        service=world.follow_up,
        practitioner=None,
        locations=locations or [world.pickering],
        weekdays=[],
        day_parts=[],
        valid_until=date(2027, 4, 30),
    )
    return waitlist_add(wish=wish, actor=None, now=when)


def offer_to(world, entry):
    """Free a time someone else held, so the scheduler offers it to `entry`."""
    taken = appointment_book(
        request=world.request(at(10, 10), patient=world.other_patient), actor=None, now=NOW
    )
    appointment_cancel(appointment=taken, actor=None, now=NOW, by=CancelledBy.PATIENT)
    freed_time_process(now=NOW)
    return entry.offers.get()


def test_who_is_waiting_is_listed_longest_wait_first_by_status(world, personas):
    first = wait(world, world.patient, when=NOW - timedelta(days=2))
    second = wait(world, personas.patient_b, when=NOW - timedelta(days=1))
    gone = wait(world, personas.guardian)
    waitlist_withdraw(entry=gone, actor=None, now=NOW)

    assert waitlist_entries(status=WaitlistStatus.WAITING) == [first, second]
    assert waitlist_entries(status=WaitlistStatus.WITHDRAWN) == [gone]


def test_who_is_waiting_at_a_location_leaves_out_those_waiting_elsewhere(world, personas):
    here = wait(world, world.patient)
    wait(world, personas.patient_b, locations=[personas.milton])

    assert waitlist_entries(status=WaitlistStatus.WAITING, location_id=world.pickering.pk) == [here]


def test_a_patients_places_carry_only_the_offers_they_can_still_answer(world):
    entry = wait(world, world.patient)
    offer = offer_to(world, entry)

    [place] = waitlist_for_patient(patient_id=world.patient.pk, now=NOW)
    assert place.open_offers == [offer]
    [place] = waitlist_for_patient(patient_id=world.patient.pk, now=offer.expires_at)
    assert place.open_offers == []
    assert waitlist_for_patient(patient_id=world.other_patient.pk, now=NOW) == []


def test_one_entry_or_offer_is_found_by_its_id_and_none_for_an_unknown_one(world):
    entry = wait(world, world.patient)
    offer = offer_to(world, entry)

    assert waitlist_entry(entry_id=entry.pk) == entry
    assert waitlist_entry(entry_id=entry.pk + 1000) is None
    found = offer_detail(offer_id=offer.pk)
    assert found == offer
    assert found is not None
    assert found.entry.patient == world.patient
    assert found.status == OfferStatus.OPEN
    assert offer_detail(offer_id=offer.pk + 1000) is None


def test_a_hold_is_known_to_have_been_a_waitlist_offer(world):
    entry = wait(world, world.patient)
    offer = offer_to(world, entry)
    plain_hold = appointment_hold(request=world.request(at(11, 10)), actor=None, now=NOW)

    assert appointment_was_offered(appointment_id=offer.appointment_id)
    assert not appointment_was_offered(appointment_id=plain_hold.pk)


def test_a_patients_visits_leave_out_times_only_held_when_asked(world):
    booked = appointment_book(request=world.request(at(10, 10)), actor=None, now=NOW)
    held = appointment_hold(request=world.request(at(11, 10)), actor=None, now=NOW)

    assert list(appointments_for_patient(patient_id=world.patient.pk)) == [held, booked]
    assert list(appointments_for_patient(patient_id=world.patient.pk, holds=False)) == [booked]


def test_an_appointments_history_reads_oldest_first_with_who_did_it(world, personas):
    booked = appointment_book(request=world.request(at(10, 10)), actor=personas.front_desk, now=NOW)
    appointment_reschedule(
        appointment=booked,
        start=at(10, 14),
        actor=personas.front_desk,
        now=NOW + timedelta(minutes=5),
        channel=world.request(at(10, 14)).channel,
    )

    events = list(appointment_history(appointment_id=booked.pk))
    assert [event.kind for event in events] == [EventKind.BOOKED, EventKind.MOVED]
    assert [event.actor for event in events] == [personas.front_desk, personas.front_desk]
