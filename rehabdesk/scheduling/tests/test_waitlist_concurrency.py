"""Two cancellations at once, two schedulers at once: one freed time is never offered
to two people, and nobody holds two offers."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from rehabdesk.scheduling.choices import CancelledBy, OfferStatus
from rehabdesk.scheduling.models import FreedTime, WaitlistOffer
from rehabdesk.scheduling.services import (
    Wish,
    appointment_book,
    appointment_cancel,
    freed_time_process,
    waitlist_add,
)
from rehabdesk.scheduling.testing import NOW, at, overlaps
from rehabdesk.scheduling.tests.test_concurrency import race

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_cancellations_processed_at_once_offer_each_time_once(world, personas):
    booked = [
        appointment_book(
            request=world.request(start, patient=personas.guardian), actor=None, now=NOW
        )
        for start in (at(10, 9), at(10, 9, 45), at(10, 10, 30), at(10, 11, 15))
    ]
    waiting = [
        waitlist_add(
            wish=Wish(
                patient=patient,
                service=world.follow_up,
                practitioner=world.physio,
                locations=[world.pickering],
                weekdays=[2],  # Wednesdays: only the freed mornings fit
                day_parts=["morning"],
                valid_until=date(2027, 4, 30),
            ),
            actor=None,
            now=NOW,
        )
        for patient in (world.patient, world.other_patient, personas.child)
    ]

    def cancel_then_process(index: int) -> str:
        appointment_cancel(appointment=booked[index], actor=None, now=NOW, by=CancelledBy.PATIENT)
        return str(freed_time_process(now=NOW))

    outcomes = race(2, cancel_then_process)
    assert sum(int(made) * times for made, times in outcomes.items()) == 2
    assert FreedTime.objects.filter(processed_at__isnull=True).count() == 0
    offers = list(WaitlistOffer.objects.filter(status=OfferStatus.OPEN))
    assert len(offers) == 2
    assert Counter(o.entry_id for o in offers) == {waiting[0].pk: 1, waiting[1].pk: 1}
    assert Counter(o.freed_id for o in offers).most_common(1)[0][1] == 1
    assert overlaps() == (0, 0)
