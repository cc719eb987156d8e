"""Calendars filled in bulk for the demo and the benchmarks (demo/calendars.py) keep
every rule a booking keeps — hours, breaks, rooms, what is already booked, one visit at
a time for each patient."""

from __future__ import annotations

import random
from datetime import date

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.demo.calendars import Offering, appointments_import, plan_calendar
from rehabdesk.scheduling.choices import AppointmentStatus, EventKind
from rehabdesk.scheduling.models import Appointment, AppointmentEvent
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, TORONTO, at, overlaps, patient_overlaps

pytestmark = pytest.mark.django_db


def plan(world, *, occupancy=1.0, seed=7, first=date(2027, 3, 4), last=date(2027, 3, 10)):
    return plan_calendar(
        location=world.pickering,
        offerings={
            world.physio.pk: [Offering(world.follow_up, 1.0)],
            world.massage_therapist.pk: [Offering(world.massage, 1.0)],
        },
        patients={
            world.physio.pk: [world.patient.pk, world.other_patient.pk],
            world.massage_therapist.pk: [world.other_patient.pk],
        },
        first_day=first,
        last_day=last,
        now=NOW,
        occupancy=occupancy,
        rng=random.Random(seed),
    )


def test_a_planned_calendar_keeps_hours_breaks_and_rooms_and_the_same_seed_plans_it_again(
    world,
):
    planned = plan(world)
    assert planned == plan(world)
    assert planned != plan(world, seed=8)
    for item in planned:
        local_start = item.start.astimezone(TORONTO)
        local_end = item.end.astimezone(TORONTO)
        assert local_start.weekday() < 5
        assert (local_start.hour, local_start.minute) >= (9, 0)
        assert (local_end.hour, local_end.minute) <= (17, 0)
        lunch = local_start.replace(hour=12, minute=0), local_start.replace(hour=12, minute=30)
        assert not (item.start < lunch[1] and lunch[0] < item.busy_until)
        assert len(item.resource_ids) == 1
    by_practitioner = sorted(planned, key=lambda p: (p.practitioner_id, p.start))
    for first, second in zip(by_practitioner, by_practitioner[1:], strict=False):
        if first.practitioner_id == second.practitioner_id:
            assert first.busy_until <= second.start


def test_visits_before_now_are_mostly_done_and_later_ones_booked(world):
    planned = plan(world)
    past = {item.status for item in planned if item.start < NOW}
    future = {item.status for item in planned if item.start >= NOW}
    assert past <= {
        AppointmentStatus.FULFILLED,
        AppointmentStatus.NOSHOW,
        AppointmentStatus.CANCELLED,
    }
    assert AppointmentStatus.FULFILLED in past
    assert future <= {AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED}
    assert AppointmentStatus.BOOKED in future
    assert plan(world, occupancy=0.0) == []


def test_an_imported_calendar_goes_around_what_is_booked_and_is_on_file(world):
    already = appointment_book(request=world.request(at(9, 10)), actor=None, now=NOW)
    audit_before = AuditEvent.objects.count()
    planned = plan(world, first=date(2027, 3, 9), last=date(2027, 3, 10))
    assert not any(
        item.practitioner_id == world.physio.pk
        and item.start < already.busy_until
        and already.start < item.busy_until
        for item in planned
    )
    assert appointments_import(planned=planned, now=NOW) == len(planned)
    assert Appointment.objects.count() == len(planned) + 1
    assert overlaps() == (0, 0)
    assert AppointmentEvent.objects.filter(kind=EventKind.IMPORTED).count() == len(planned)
    (event,) = AuditEvent.objects.order_by("pk")[audit_before:]
    assert (event.action, event.summary) == ("create", "appointments (imported)")
    cancelled = Appointment.objects.filter(status=AppointmentStatus.CANCELLED)
    assert not any(a.resource_holds.filter(active=True).exists() for a in cancelled)


def test_no_patient_is_planned_into_two_visits_at_once_nor_into_one_on_file(world):
    """The other patient is on both practitioners' panels, and the only one on the
    massage therapist's; both work the same hours."""
    already = appointment_book(
        request=world.request(at(9, 11), patient=world.other_patient), actor=None, now=NOW
    )
    planned = plan(world, first=date(2027, 3, 8), last=date(2027, 3, 10))
    theirs = sorted(
        (p for p in planned if p.patient_id == world.other_patient.pk), key=lambda p: p.start
    )
    assert any(p.practitioner_id == world.massage_therapist.pk for p in theirs)
    for first, second in zip(theirs, theirs[1:], strict=False):
        assert first.end <= second.start
    assert not any(p.start < already.end and already.start < p.end for p in theirs)
    appointments_import(planned=planned, now=NOW)
    assert patient_overlaps() == 0
