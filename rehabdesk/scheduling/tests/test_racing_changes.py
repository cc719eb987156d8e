"""A change that waits for another change to the same appointment acts on what that
change left: a cancel or a move queued behind a move to another practitioner or
location cancels or moves the moved booking, or is refused with a clear code — never a
server error, never lost.

Real transactions on real connections: the first change stays open, holding the
appointment's row, until the second is queued behind it (on PostgreSQL, for the row's
lock; on SQLite, for the write lock), then commits.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.testing import make_practitioner, make_registration, make_shift
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_cancel_by_patient,
    appointment_reschedule,
)
from rehabdesk.scheduling.testing import NOW, at, massage_at_milton
from rehabdesk.testing.races import first_then_second

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def second_physio(world):
    physio = make_practitioner("Second Physio")
    make_registration(physio, "cpo")
    make_shift(physio, world.pickering, Weekday.WEDNESDAY, "09:00", "17:00")
    return physio


@pytest.fixture
def booked(world):
    return appointment_book(request=world.request(at(10, 10)), actor=None, now=NOW)


def move_to(appointment, start, **where) -> Callable[[], object]:
    return lambda: appointment_reschedule(
        appointment=appointment, start=start, actor=None, now=NOW, channel=Channel.STAFF, **where
    )


def test_a_cancel_queued_behind_a_move_to_another_practitioner_cancels_the_moved_booking(
    booked, second_physio
):
    outcome = first_then_second(
        move_to(booked, at(10, 11), practitioner=second_physio),
        lambda: appointment_cancel(appointment=booked, actor=None, now=NOW),
    )
    assert isinstance(outcome, Appointment), repr(outcome)
    row = Appointment.objects.get(pk=booked.pk)
    assert (row.status, row.practitioner, row.start) == (
        AppointmentStatus.CANCELLED,
        second_physio,
        at(10, 11),
    )


def test_a_move_queued_behind_a_move_to_another_practitioner_moves_it_from_its_new_place(
    world, booked, second_physio
):
    outcome = first_then_second(
        move_to(booked, at(10, 11), practitioner=second_physio),
        move_to(booked, at(10, 14)),
    )
    assert isinstance(outcome, Appointment), repr(outcome)
    row = Appointment.objects.get(pk=booked.pk)
    # The second move named no practitioner: the booking stays with the one it has now.
    assert (row.status, row.practitioner, row.start) == (
        AppointmentStatus.BOOKED,
        second_physio,
        at(10, 14),
    )
    assert list(row.events.values_list("kind", flat=True)) == ["booked", "moved", "moved"]


def test_a_patient_cancelling_while_the_desk_moves_them_to_another_location_cancels_it(world):
    milton_therapist = massage_at_milton(world)
    massage = appointment_book(
        request=world.request(
            at(10, 10), service=world.massage, practitioner=world.massage_therapist
        ),
        actor=None,
        now=NOW,
    )
    outcome = first_then_second(
        move_to(massage, at(10, 14), practitioner=milton_therapist, location=world.milton),
        lambda: appointment_cancel_by_patient(appointment=massage, actor=None, now=NOW),
    )
    assert isinstance(outcome, Appointment), repr(outcome)
    row = Appointment.objects.get(pk=massage.pk)
    assert (row.status, row.location, row.practitioner) == (
        AppointmentStatus.CANCELLED,
        world.milton,
        milton_therapist,
    )


def test_a_move_queued_behind_a_cancel_is_refused_as_no_longer_active(booked, second_physio):
    outcome = first_then_second(
        lambda: appointment_cancel(appointment=booked, actor=None, now=NOW),
        move_to(booked, at(10, 11), practitioner=second_physio),
    )
    assert getattr(outcome, "code", None) == "not_active", repr(outcome)
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.CANCELLED
