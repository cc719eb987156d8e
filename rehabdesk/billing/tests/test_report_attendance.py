"""Cancellation, late-cancellation and no-show rates of the bookings for a period.

The week of Monday March 8, 2027 at Pickering. The physio: six bookings — one still
booked, two checked in, one cancelled by the patient a week ahead, one cancelled by
the patient two hours before (late), one missed. The massage therapist: one massage,
checked in. A hold that expired was never a booking and is not counted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rehabdesk.billing.selectors.report_visits import attendance
from rehabdesk.billing.selectors.reports import Period, report_scope
from rehabdesk.scheduling.choices import CancelledBy
from rehabdesk.scheduling.services import (
    appointment_arrive,
    appointment_book,
    appointment_cancel,
    appointment_hold,
    appointment_mark_noshow,
    holds_release_expired,
)
from rehabdesk.scheduling.testing import at, build_booking_world

pytestmark = pytest.mark.django_db

WEEK = Period(date(2027, 3, 8), date(2027, 3, 12))
EARLY = at(1, 8)


def book(world, start, **changes):
    return appointment_book(request=world.request(start, **changes), actor=None, now=EARLY)


@pytest.fixture
def week(personas):
    world = build_booking_world(personas)
    book(world, at(8, 9))
    for start in (at(8, 10), at(9, 9)):
        appointment_arrive(appointment=book(world, start), actor=None, now=start)
    early = book(world, at(10, 9))
    appointment_cancel(appointment=early, actor=None, now=EARLY, by=CancelledBy.PATIENT)
    late = book(world, at(10, 11))
    appointment_cancel(appointment=late, actor=None, now=at(10, 9), by=CancelledBy.PATIENT)
    missed = book(world, at(10, 10))
    appointment_mark_noshow(appointment=missed, actor=None, now=at(10, 10, 20))
    massage = book(world, at(11, 14), practitioner=world.massage_therapist, service=world.massage)
    appointment_arrive(appointment=massage, actor=None, now=at(11, 14))
    appointment_hold(request=world.request(at(12, 9)), actor=None, now=EARLY)
    holds_release_expired(now=at(2, 8))
    return world


def test_it_counts_cancellations_late_ones_and_no_shows_per_practitioner(week):
    report = attendance(period=WEEK, scope=report_scope())
    rows = {
        row.label: (row.bookings, row.cancelled, row.late, row.no_shows)
        for row in report.by_practitioner
    }
    assert rows == {
        week.physio.display_name: (6, 2, 1, 1),
        week.massage_therapist.display_name: (1, 0, 0, 0),
    }


def test_it_gives_rates_as_percentages_of_the_bookings(week):
    report = attendance(period=WEEK, scope=report_scope())
    physio = next(row for row in report.by_practitioner if row.key == week.physio.pk)
    assert (physio.cancelled_rate, physio.late_rate, physio.no_show_rate) == (
        Decimal("33.3"),
        Decimal("16.7"),
        Decimal("16.7"),
    )


def test_it_totals_per_location_and_overall(week):
    report = attendance(period=WEEK, scope=report_scope())
    assert [
        (row.label, row.bookings, row.cancelled_rate, row.late_rate, row.no_show_rate)
        for row in report.by_location
    ] == [("Pickering", 7, Decimal("28.6"), Decimal("14.3"), Decimal("14.3"))]
    assert (report.total.bookings, report.total.cancelled) == (7, 2)


def test_it_has_no_rate_without_bookings(personas):
    report = attendance(period=WEEK, scope=report_scope())
    assert (report.by_location, report.total.bookings, report.total.cancelled_rate) == (
        [],
        0,
        None,
    )
