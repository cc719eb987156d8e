"""The front desk offers a waiting patient a time it picked: held for them like any
offer, the patient written to; refused when the patient is not waiting or did not ask
for that time; passed to the next patient when they say no."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.choices import (
    AppointmentStatus,
    DayPart,
    FreedKind,
    OfferStatus,
    WaitlistStatus,
)
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.models import Appointment, WaitlistOffer
from rehabdesk.scheduling.services import (
    Wish,
    appointment_book,
    waitlist_add,
    waitlist_fits,
    waitlist_offer_decline,
    waitlist_offer_make,
)
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


def wait(world, patient, *, weekdays=(), day_parts=(), practitioner=None, minutes=0):
    return waitlist_add(
        wish=Wish(
            patient=patient,
            service=world.follow_up,
            practitioner=practitioner,
            locations=[world.pickering],
            weekdays=weekdays,
            day_parts=day_parts,
            valid_until=date(2027, 4, 30),
        ),
        actor=None,
        now=NOW + timedelta(minutes=minutes),
    )


def offer(world, entry, start, *, practitioner=None, location=None):
    return waitlist_offer_make(
        entry=entry,
        practitioner=practitioner or world.physio,
        location=location or world.pickering,
        start=start,
        actor=None,
        now=NOW,
    )


def test_it_holds_the_picked_time_for_the_patient_and_writes_to_them(world, personas):
    entry = wait(world, world.patient)
    made = offer(world, entry, at(10, 11))
    hold = made.appointment
    assert (hold.patient, hold.start, hold.status) == (
        world.patient,
        at(10, 11),
        AppointmentStatus.PENDING,
    )
    assert made.status == OfferStatus.OPEN
    assert made.freed.kind == FreedKind.DESK
    assert made.expires_at == hold.hold_expires_at == NOW + timedelta(minutes=120)
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    assert OutboxMessage.objects.get(kind="waitlist_offer").recipient == world.patient.email


def test_it_refuses_a_patient_already_offered_a_time(world):
    entry = wait(world, world.patient)
    offer(world, entry, at(10, 11))
    with pytest.raises(SchedulingError) as refused:
        offer(world, entry, at(10, 14))
    assert refused.value.code == SchedulingErrorCode.NOT_ACTIVE
    assert WaitlistOffer.objects.count() == 1


@pytest.mark.parametrize(
    ("wish", "start"),
    [
        ({"weekdays": [0]}, at(10, 11)),  # a Wednesday for a Mondays-only wish
        ({"day_parts": [DayPart.AFTERNOON]}, at(10, 11)),  # a morning
        ({"weekdays": []}, at(10, 11) + timedelta(days=60)),  # after the last day
    ],
)
def test_it_refuses_a_time_the_patient_did_not_ask_for(world, wish, start):
    entry = wait(world, world.patient, **wish)
    with pytest.raises(SchedulingError) as refused:
        offer(world, entry, start)
    assert refused.value.code == SchedulingErrorCode.INVALID
    assert not Appointment.objects.exists()
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING


def test_it_refuses_another_practitioner_or_location_than_the_wish(world):
    entry = wait(world, world.patient, practitioner=world.physio)
    with pytest.raises(SchedulingError) as other_person:
        offer(world, entry, at(10, 11), practitioner=world.massage_therapist)
    with pytest.raises(SchedulingError) as other_place:
        offer(world, entry, at(10, 11), location=world.milton)
    assert other_person.value.code == other_place.value.code == SchedulingErrorCode.INVALID
    assert "Milton" in other_place.value.message


def test_a_taken_time_is_refused_and_nothing_is_left_behind(world, personas):
    appointment_book(
        request=world.request(at(10, 11), patient=personas.guardian), actor=None, now=NOW
    )
    entry = wait(world, world.patient)
    with pytest.raises(SchedulingError) as refused:
        offer(world, entry, at(10, 11))
    assert refused.value.code in (
        SchedulingErrorCode.SLOT_UNAVAILABLE,
        SchedulingErrorCode.SLOT_TAKEN,
    )
    assert not WaitlistOffer.objects.exists()
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING


def test_declined_it_passes_to_the_next_waiting_patient_only(world):
    first = wait(world, world.patient)
    second = wait(world, world.other_patient, minutes=1)
    made = offer(world, first, at(10, 11))
    waitlist_offer_decline(offer=made, actor=None, now=NOW + timedelta(minutes=5))
    passed = WaitlistOffer.objects.get(entry=second)
    assert passed.status == OfferStatus.OPEN
    assert passed.appointment.start == at(10, 11)
    first.refresh_from_db()
    assert first.status == WaitlistStatus.WAITING


def test_it_fits_reads_the_wish_in_the_locations_time(world):
    entry = wait(world, world.patient, weekdays=[2], day_parts=[DayPart.MORNING])
    assert waitlist_fits(entry=entry, start=at(10, 11), location=world.pickering)
    assert not waitlist_fits(entry=entry, start=at(10, 13), location=world.pickering)
    assert not waitlist_fits(entry=entry, start=at(11, 11), location=world.pickering)
