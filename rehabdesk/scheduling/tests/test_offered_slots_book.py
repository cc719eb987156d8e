"""Every time the engine offers can be booked: offering and booking agree."""

from datetime import timedelta

import pytest
from django.db import transaction

from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.selectors import availability_search
from rehabdesk.scheduling.services import BookingRequest, appointment_book, appointment_hold
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def books(request: BookingRequest) -> bool:
    """Book in a transaction that is then undone, so each slot meets the same calendar."""
    try:
        with transaction.atomic():
            appointment = appointment_book(request=request, actor=None, now=NOW)
            assert appointment.start == request.start
            raise Rollback
    except Rollback:
        return True


@pytest.mark.parametrize("channel", [Channel.STAFF, Channel.ONLINE])
def test_every_offered_slot_books(world, channel):
    # A calendar with some bookings and a live hold already in it.
    appointment_book(request=world.request(at(9, 10)), actor=None, now=NOW)
    appointment_hold(request=world.request(at(9, 14)), actor=None, now=NOW)
    appointment_book(
        request=world.request(
            at(10, 9), practitioner=world.massage_therapist, service=world.massage
        ),
        actor=None,
        now=NOW,
    )
    for service in (world.follow_up, world.massage):
        result = availability_search(
            service_id=service.pk,
            location_ids=[world.pickering.pk],
            start=NOW,
            end=NOW + timedelta(days=3),
            now=NOW,
            channel=channel,
        )
        assert len(result.slots) > 20
        practitioners = {
            world.physio.pk: world.physio,
            world.massage_therapist.pk: world.massage_therapist,
        }
        for slot in result.slots:
            request = BookingRequest(
                patient=world.other_patient,
                practitioner=practitioners[slot.practitioner_id],
                service=service,
                location=world.pickering,
                start=slot.start,
                channel=channel,
            )
            assert books(request), slot
