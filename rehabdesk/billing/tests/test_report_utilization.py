"""Utilization: booked minutes ÷ working minutes, by practitioner and location.

The week of Monday March 8, 2027 at Pickering: the physio and the massage therapist
each work 9:00–17:00 with lunch 12:00–12:30 (450 minutes a day). The clinic is closed
on Friday the 12th; the physio is away Tuesday 11:00–13:00 (90 working minutes, lunch
left aside). Working: the physio 4 × 450 − 90 = 1,710, the massage therapist 1,800.
Booked: the physio's three 30-minute follow-ups (one booked, two checked in) = 90 — a
cancelled one and a no-show do not count; the massage therapist's 60-minute massage.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from rehabdesk.billing.selectors.report_visits import utilization, working_minutes
from rehabdesk.billing.selectors.reports import Period, report_scope
from rehabdesk.clinic import loading
from rehabdesk.clinic.description import ShiftSpec
from rehabdesk.clinic.models import Closure, TimeOff
from rehabdesk.clinic.services import (
    WeeklySpan,
    closure_save,
    location_set_opening_hours,
    time_off_save,
)
from rehabdesk.clinic.testing import LONG_AGO
from rehabdesk.scheduling.choices import CancelledBy
from rehabdesk.scheduling.services import (
    appointment_arrive,
    appointment_book,
    appointment_cancel,
    appointment_mark_noshow,
)
from rehabdesk.scheduling.testing import NOW, at, build_booking_world

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")
WEEK = Period(date(2027, 3, 8), date(2027, 3, 12))
EARLY = at(1, 8)


@pytest.fixture
def world(personas):
    world = build_booking_world(personas)
    closure_save(
        closure=Closure(
            location=world.pickering,
            first_day=date(2027, 3, 12),
            last_day=date(2027, 3, 12),
            name="Staff training",
        )
    )
    time_off_save(
        time_off=TimeOff(
            practitioner=world.physio,
            starts_at=datetime(2027, 3, 9, 11, tzinfo=TORONTO),
            ends_at=datetime(2027, 3, 9, 13, tzinfo=TORONTO),
            reason="Dentist",
        )
    )
    return world


def book(world, start, **changes):
    return appointment_book(request=world.request(start, **changes), actor=None, now=EARLY)


@pytest.fixture
def week(world):
    book(world, at(8, 9))
    for start in (at(8, 10), at(9, 9)):
        appointment_arrive(appointment=book(world, start), actor=None, now=start)
    cancelled = book(world, at(10, 9))
    appointment_cancel(
        appointment=cancelled, actor=None, now=EARLY, by=CancelledBy.PATIENT, reason="Better"
    )
    missed = book(world, at(10, 10))
    appointment_mark_noshow(appointment=missed, actor=None, now=at(10, 10, 20))
    massage = book(world, at(11, 14), practitioner=world.massage_therapist, service=world.massage)
    appointment_arrive(appointment=massage, actor=None, now=at(11, 14))
    return world


def test_it_counts_working_minutes_less_breaks_closures_and_time_off(world):
    minutes = working_minutes(period=WEEK, scope=report_scope())
    assert minutes == {
        (world.physio.pk, world.pickering.pk): 1710,
        (world.massage_therapist.pk, world.pickering.pk): 1800,
    }


def test_it_divides_booked_minutes_by_working_minutes_per_practitioner(week):
    used = utilization(period=WEEK, scope=report_scope())
    rows = {row.label: (row.booked, row.working, row.rate) for row in used.by_practitioner}
    assert rows == {
        week.physio.display_name: (90, 1710, Decimal("5.3")),
        week.massage_therapist.display_name: (60, 1800, Decimal("3.3")),
    }


def test_it_adds_the_practitioners_up_per_location(week):
    used = utilization(period=WEEK, scope=report_scope())
    assert [(row.label, row.booked, row.working, row.rate) for row in used.by_location] == [
        ("Pickering", 150, 3510, Decimal("4.3")),
    ]
    assert (used.booked, used.working, used.rate) == (150, 3510, Decimal("4.3"))


def test_it_leaves_out_a_location_not_asked_about(week):
    milton = report_scope(location_ids=[week.milton.pk])
    used = utilization(period=WEEK, scope=milton)
    assert (used.by_practitioner, used.by_location, used.rate) == ([], [], None)


def test_it_counts_a_shift_on_the_night_the_clocks_spring_forward_in_real_minutes(world):
    # Sundays 01:00–04:00 at Milton: three hours on the wall clock, two on March 14, 2027.
    location_set_opening_hours(
        location=world.milton, hours=[WeeklySpan(6, time(0, 30), time(5))], today=NOW.date()
    )
    loading.working_hours_load(
        practitioner=world.massage_therapist,
        shift=ShiftSpec(world.milton.slug, (6,), "01:00", "04:00", effective_from=LONG_AGO),
        today=NOW.date(),
    )
    sundays = Period(date(2027, 3, 7), date(2027, 3, 21))
    minutes = working_minutes(period=sundays, scope=report_scope(location_ids=[world.milton.pk]))
    assert minutes == {(world.massage_therapist.pk, world.milton.pk): 180 + 120 + 180}


def test_it_leaves_out_every_day_of_a_closure_and_the_days_before_a_shift_began(world):
    closure_save(
        closure=Closure(
            location=world.pickering,
            first_day=date(2027, 3, 15),
            last_day=date(2027, 3, 17),
            name="Renovation",
        )
    )
    minutes = working_minutes(
        period=Period(date(2027, 3, 15), date(2027, 3, 19)), scope=report_scope()
    )
    assert minutes[world.massage_therapist.pk, world.pickering.pk] == 2 * 450
