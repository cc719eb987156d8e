"""Racing clients, real connections: the database never lets a double booking through.

Each client is a thread with its own database connection (SQLite tests use a file so
the connections are really separate). Every client outcome must be a booking or a
clear refusal — an unexpected exception fails the test.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from functools import partial

import pytest
from django.db import DatabaseError, connections

from rehabdesk.clinic.testing import make_service
from rehabdesk.core import database
from rehabdesk.patients.models import Patient
from rehabdesk.patients.services import patient_create
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import (
    BookingRequest,
    appointment_book,
    appointment_cancel,
    appointment_hold,
    appointment_hold_claim,
)
from rehabdesk.scheduling.testing import NOW, at, massage_at_milton, overlaps, patient_overlaps
from rehabdesk.testing.personas import Personas

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def in_own_connection(work: Callable[[], str]) -> Callable[[], str]:
    def run() -> str:
        try:
            return work()
        finally:
            connections.close_all()

    return run


def race(requests: int, work: Callable[[int], str], *, clients: int | None = None) -> Counter[str]:
    """Make `requests` calls of work(i) from `clients` threads (default: one each), all
    released at once."""
    clients = clients or requests
    start = threading.Event()

    def client(index: int) -> str:
        start.wait()
        return work(index)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [pool.submit(in_own_connection(partial(client, i))) for i in range(requests)]
        start.set()
        return Counter(future.result() for future in futures)


@pytest.fixture
def lost_races(monkeypatch) -> list[str | None]:
    """The SQLSTATE of each database error the booking service takes for a lost race."""
    seen: list[str | None] = []
    lost_race = database.lost_race

    def noting(error: DatabaseError) -> bool:
        seen.append(getattr(error.__cause__, "sqlstate", None))
        return lost_race(error)

    monkeypatch.setattr(database, "lost_race", noting)
    return seen


def test_fifty_clients_booking_one_time_get_exactly_one_booking(world):
    request = world.request(at(10, 10))

    def book(_: int) -> str:
        try:
            appointment_book(request=request, actor=None, now=NOW)
        except SchedulingError as refusal:
            return str(refusal.code)
        return "booked"

    outcomes = race(50, book)
    assert outcomes["booked"] == 1
    assert sum(outcomes.values()) == 50
    # One patient asks fifty times: once the time is theirs, they are busy then too.
    assert set(outcomes) <= {"booked", "slot_taken", "slot_unavailable", "patient_busy"}
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() == 1
    assert overlaps() == (0, 0)


def a_patient(tag: str) -> Patient:
    return patient_create(
        actor=None,
        patient=Patient(
            first_name=f"Racer {tag}",
            last_name="Crowd",
            date_of_birth=date(1980, 1, 1),
            email=f"racer.{tag}@example.com",
            phone="905-555-0150",
        ),
        confirm_not_duplicate=True,
    )


def test_bookings_racing_for_one_practitioner_or_one_room_queue_rather_than_deadlock(
    world, lost_races: list[str | None]
):
    """On PostgreSQL two bookings in each other's way could both pass the check and
    insert; each insert then waits for the other's transaction in an exclusion
    constraint, a deadlock PostgreSQL breaks only after `deadlock_timeout` (a second).
    A crowd of them once took over a minute. They must queue before the check."""
    in_the_massage_room = make_service(
        "Physiotherapy in the massage room", minutes=60, resource_kinds=["massage-room"]
    )
    # The physio's and the massage therapist's hours overlap at every start, and all
    # of them need the one massage room. A patient each: one patient's bookings queue
    # behind each other (and are refused patient_busy) before they reach the room.
    requests = [
        world.request(
            at(10, 9) + timedelta(minutes=15 * n),
            practitioner=practitioner,
            service=service,
            patient=a_patient(f"{n}{practitioner.pk}"),
        )
        for n in range(8)
        for practitioner, service in (
            (world.physio, in_the_massage_room),
            (world.massage_therapist, world.massage),
        )
    ]
    # One booking first, so the racing ones find the configuration read and kept.
    appointment_book(request=world.request(at(11, 9)), actor=None, now=NOW)

    def book(index: int) -> str:
        try:
            appointment_book(request=requests[index], actor=None, now=NOW)
        except SchedulingError as refusal:
            return str(refusal.code)
        return "booked"

    outcomes = race(len(requests), book)
    assert database.DEADLOCK_DETECTED not in lost_races
    assert outcomes["booked"] >= 1
    assert set(outcomes) <= {"booked", "slot_taken", "slot_unavailable"}
    assert overlaps() == (0, 0)


def test_clients_booking_one_patient_at_two_locations_at_once_get_one_visit(world):
    """Three practitioners, two locations, one patient, one time: the practitioners'
    and rooms' guards let all three through; only the patient's own stops them."""
    milton_therapist = massage_at_milton(world)
    requests = [
        world.request(at(10, 9)),
        world.request(at(10, 9), service=world.massage, practitioner=world.massage_therapist),
        world.request(
            at(10, 9), service=world.massage, practitioner=milton_therapist, location=world.milton
        ),
    ]

    def book(index: int) -> str:
        try:
            appointment_book(request=requests[index % 3], actor=None, now=NOW)
        except SchedulingError as refusal:
            return str(refusal.code)
        return "booked"

    outcomes = race(12, book)
    assert outcomes["booked"] == 1, outcomes
    assert set(outcomes) <= {"booked", "patient_busy", "slot_taken", "slot_unavailable"}
    assert patient_overlaps() == 0
    assert overlaps() == (0, 0)


def test_one_patient_claiming_two_times_held_online_at_once_gets_one(world):
    """Two browser tabs, one person: each tab held a time for nobody, at two locations
    at once, and both put the same patient on their hold at the same moment."""
    milton_therapist = massage_at_milton(world)
    holds = [
        appointment_hold(
            request=BookingRequest(
                patient=None,
                practitioner=practitioner,
                service=world.massage,
                location=location,
                start=at(10, 9),
                channel=Channel.ONLINE,
            ),
            actor=None,
            now=NOW,
        )
        for practitioner, location in (
            (world.massage_therapist, world.pickering),
            (milton_therapist, world.milton),
        )
    ]

    def claim(index: int) -> str:
        try:
            appointment_hold_claim(
                appointment=holds[index], patient=world.patient, actor=None, now=NOW
            )
        except SchedulingError as refusal:
            return str(refusal.code)
        return "claimed"

    outcomes = race(2, claim)
    assert outcomes == Counter({"claimed": 1, "patient_busy": 1})
    assert patient_overlaps() == 0


def test_a_hundred_repeats_of_one_idempotency_key_make_one_booking(world):
    request = world.request(at(10, 11))

    def book(_: int) -> str:
        appointment = appointment_book(
            request=request, actor=None, now=NOW, idempotency_key="retry-after-timeout-42"
        )
        return str(appointment.pk)

    # Forty connections at once: PostgreSQL serves 100 in all by default, tests included.
    outcomes = race(100, book, clients=40)
    assert len(outcomes) == 1
    assert Appointment.objects.count() == 1


def test_thirty_two_clients_holding_booking_and_cancelling_for_twenty_seconds_never_overlap(
    world, personas: Personas, lost_races: list[str | None]
):
    practitioners = [world.physio, world.massage_therapist]
    services = {world.physio.pk: world.follow_up, world.massage_therapist.pk: world.massage}
    patients = [world.patient, world.other_patient, personas.guardian, personas.child]
    # A hot window: two days, every quarter hour of the working day.
    starts = [
        at(day, hour, minute)
        for day in (10, 11)
        for hour in range(9, 17)
        for minute in (0, 15, 30, 45)
    ]
    deadline = time.monotonic() + 20

    def client(index: int) -> str:
        chance = random.Random(index)
        done: Counter[str] = Counter()
        mine: list[Appointment] = []
        while time.monotonic() < deadline:
            practitioner = chance.choice(practitioners)
            request = BookingRequest(
                patient=chance.choice(patients),
                practitioner=practitioner,
                service=services[practitioner.pk],
                location=world.pickering,
                start=chance.choice(starts),
                channel=Channel.STAFF,
            )
            try:
                if mine and chance.random() < 0.3:
                    appointment_cancel(appointment=mine.pop(), actor=None, now=NOW)
                    done["cancelled"] += 1
                elif chance.random() < 0.3:
                    appointment_hold(request=request, actor=None, now=NOW)
                    done["held"] += 1
                else:
                    mine.append(appointment_book(request=request, actor=None, now=NOW))
                    done["booked"] += 1
            except SchedulingError as refusal:
                done[str(refusal.code)] += 1
        return ",".join(f"{key}={value}" for key, value in sorted(done.items()))

    outcomes = race(32, client)
    totals: Counter[str] = Counter()
    for line, times in outcomes.items():
        for part in line.split(","):
            key, value = part.split("=")
            totals[key] += int(value) * times
    assert totals["booked"] > 0
    assert set(totals) <= {
        "booked",
        "held",
        "cancelled",
        "slot_taken",
        "slot_unavailable",
        "patient_busy",
        "not_active",
    }
    assert overlaps() == (0, 0)
    assert patient_overlaps() == 0
    assert database.DEADLOCK_DETECTED not in lost_races
    assert Appointment.objects.filter(start__gte=at(10, 0), start__lt=at(12, 0)).count() > 0
