"""One live hold per patient through the API, however the requests race: the limit is
counted inside the booking's transaction, under the patient's place in the queue, not
before it. Two requests for one patient at two practitioners (who share no lock) both
passed the count made before the transaction, and both held.

Each request runs in its own thread with its own connection (SQLite tests use a file,
so the connections are really separate), in transactional tests.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from rehabdesk.core.errors import DomainError
from rehabdesk.online.holds import LIVE_HOLDS_PER_PATIENT, api_hold
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import BookingRequest, booking
from rehabdesk.scheduling.testing import (
    NOW,
    BookingWorld,
    at,
    build_booking_world,
    massage_at_milton,
    patient_overlaps,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WAIT = 10  # seconds before a request that should not wait this long gives up


@pytest.fixture
def world(personas) -> BookingWorld:
    return build_booking_world(personas)


def at_three_practitioners(world: BookingWorld) -> list[BookingRequest]:
    """One patient, three practitioners, three rooms, two locations, three times of one
    morning: nothing in each other's way but the patient."""
    milton_therapist = massage_at_milton(world)
    return [
        world.request(at(10, 9)),
        world.request(at(10, 11), service=world.massage, practitioner=world.massage_therapist),
        world.request(
            at(10, 14), service=world.massage, practitioner=milton_therapist, location=world.milton
        ),
    ]


def together(requests: list[BookingRequest], actor) -> Counter[str]:
    """Hold each request through the API's service, each in its own thread and
    connection, all released at once; what each was answered."""
    start = threading.Event()

    def hold(request: BookingRequest) -> Callable[[], str]:
        def run() -> str:
            try:
                start.wait()
                api_hold(request=request, actor=actor, now=NOW)
            except DomainError as refusal:
                return str(refusal.code)
            finally:
                connections.close_all()
            return "held"

        return run

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        futures = [pool.submit(hold(request)) for request in requests]
        start.set()
        return Counter(future.result(timeout=WAIT * 3) for future in futures)


def live_holds(world: BookingWorld) -> int:
    return Appointment.objects.filter(
        patient=world.patient, status=AppointmentStatus.PENDING, hold_expires_at__gt=NOW
    ).count()


def test_two_holds_for_one_patient_at_two_practitioners_both_past_the_first_look_get_one(
    world, personas, monkeypatch
):
    """Both requests are let through the first look (no hold yet) before either opens
    its transaction, and the first to hold takes a while to write it: the second must
    wait for the patient and count the first's hold, not count none and hold too."""
    requests = at_three_practitioners(world)[::2]  # Pickering's physio, Milton's therapist
    past_the_first_look = threading.Barrier(len(requests), timeout=WAIT)
    request_check, insert = booking.request_check, booking._insert

    def meeting(*args, **kwargs):
        # The first step of the booking service, after api_hold's own look and count.
        past_the_first_look.wait()
        return request_check(*args, **kwargs)

    def slowly(*args, **kwargs):
        time.sleep(0.3)
        return insert(*args, **kwargs)

    monkeypatch.setattr(booking, "request_check", meeting)
    monkeypatch.setattr(booking, "_insert", slowly)

    outcomes = together(requests, personas.patient_a.user)

    assert outcomes == Counter({"held": 1, "too_many_holds": 1})
    assert live_holds(world) == LIVE_HOLDS_PER_PATIENT == 1


def test_three_holds_for_one_patient_at_once_at_three_practitioners_get_one(world, personas):
    outcomes = together(at_three_practitioners(world), personas.patient_a.user)

    assert outcomes == Counter({"held": 1, "too_many_holds": 2})
    assert live_holds(world) == 1
    assert patient_overlaps() == 0
