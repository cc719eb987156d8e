"""Bookings caught by changed hours are found, never dropped or moved, and leave the
front desk's list when moved, kept on purpose, or made allowed again."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models import Closure, Registration, TimeOff, WorkingHours
from rehabdesk.clinic.testing import hm
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.selectors import outside_hours
from rehabdesk.scheduling.services import (
    appointment_book,
    appointment_keep,
    appointment_reschedule,
    outside_hours_review,
)
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock_at_now(monkeypatch):
    """Hours, time off, closures and registrations are saved without a `now`: the change
    is reviewed against the real clock (clinic.signals.announce), which passes the fixed
    week of March 8, 2027 one day. Held at NOW, the Monday morning before it."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture
def thursday(world):
    """The physio's 10:00 on Thursday, March 11, and the massage therapist's 10:00 (with
    another patient: nobody is in two visits at once)."""
    physio = appointment_book(request=world.request(at(11, 10)), actor=None, now=NOW)
    massage = appointment_book(
        request=world.request(
            at(11, 10),
            practitioner=world.massage_therapist,
            service=world.massage,
            patient=world.other_patient,
        ),
        actor=None,
        now=NOW,
    )
    return physio, massage


def listed() -> list[int]:
    return list(outside_hours().values_list("pk", flat=True))


def test_time_off_over_a_booking_lists_it_and_removing_the_time_off_clears_it(world, thursday):
    physio, massage = thursday
    away = clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(11, 9), ends_at=at(11, 12))
    )
    assert listed() == [physio.pk]  # not the massage therapist's
    physio.refresh_from_db()
    assert physio.status == AppointmentStatus.BOOKED  # nothing is dropped
    clinic_services.time_off_delete(time_off=away)
    assert listed() == []


def test_shorter_working_hours_list_the_bookings_they_leave_out(world, thursday):
    physio, _ = thursday
    shift = WorkingHours.objects.get(
        practitioner=world.physio, location=world.pickering, weekday=Weekday.THURSDAY
    )
    shift.starts = hm("13:00")
    clinic_services.working_hours_save(working_hours=shift, breaks=[])
    assert listed() == [physio.pk]


def test_a_closure_lists_everyone_booked_that_day(world, thursday):
    clinic_services.closure_save(
        closure=Closure(
            location=world.pickering,
            first_day=date(2027, 3, 11),
            last_day=date(2027, 3, 11),
            name="Storm",
        )
    )
    assert sorted(listed()) == sorted(a.pk for a in thursday)


def test_an_ended_registration_lists_the_bookings_after_it(world, thursday):
    physio, _ = thursday
    registration = Registration.objects.get(practitioner=world.physio)
    registration.valid_until = date(2027, 3, 10)
    clinic_services.registration_save(registration=registration)
    assert listed() == [physio.pk]


def test_a_kept_booking_leaves_the_list_and_stays_off_it(world, thursday):
    physio, _ = thursday
    clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(11, 9), ends_at=at(11, 12))
    )
    appointment_keep(appointment=physio, actor=None, now=NOW)
    assert listed() == []
    clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(11, 9, 30), ends_at=at(11, 11))
    )
    assert listed() == []
    with pytest.raises(SchedulingError):
        appointment_keep(appointment=physio, actor=None, now=NOW)


def test_moving_a_listed_booking_takes_it_off_the_list(world, thursday):
    physio, _ = thursday
    clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(11, 9), ends_at=at(11, 12))
    )
    moved = appointment_reschedule(
        appointment=physio, start=at(11, 14), actor=None, now=NOW, channel=Channel.STAFF
    )
    assert moved.outside_hours_since is None
    assert listed() == []


def test_past_bookings_are_not_listed(world, thursday):
    physio, _ = thursday
    later = NOW + timedelta(days=10)
    outside = outside_hours_review(
        practitioner_ids=[world.physio.pk], location_ids=None, start=NOW, end=None, now=later
    )
    assert outside == []
    assert physio.pk not in listed()
