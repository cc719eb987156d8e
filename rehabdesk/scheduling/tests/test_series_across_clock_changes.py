"""A series whose time falls in the hour the clocks skip or repeat: each date is the
instant a wall clock shows that time (docs/algorithms/booking.md, Series), booked
whenever it is free and never refused for being itself. In Toronto, 2027: clocks go
forward at 02:00 on Sunday 14 March (02:30 does not exist) and back at 02:00 on Sunday
7 November (01:30 happens twice)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest

from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models import Location, Practitioner, Service
from rehabdesk.clinic.services import WeeklySpan
from rehabdesk.clinic.testing import (
    make_location,
    make_practitioner,
    make_registration,
    make_service,
    make_shift,
)
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import AppointmentStatus, Channel, SeriesScope
from rehabdesk.scheduling.models import Appointment, AppointmentSeries
from rehabdesk.scheduling.services import (
    BookingRequest,
    SeriesConflict,
    SeriesPlan,
    appointment_book,
    appointment_reschedule,
    series_book,
    series_reschedule,
)
from rehabdesk.scheduling.testing import TORONTO

pytestmark = pytest.mark.django_db

OCTOBER_NOW = datetime(2027, 10, 20, 12, 0, tzinfo=TORONTO)
MARCH_NOW = datetime(2027, 3, 1, 12, 0, tzinfo=TORONTO)
EDT, EST = timedelta(hours=-4), timedelta(hours=-5)


@dataclass
class NightClinic:
    location: Location
    practitioner: Practitioner
    service: Service  # 30 minutes, no buffer, no room
    patient: Patient
    other_patient: Patient

    def plan(self, wall_time: time, first_day: date, weeks: int) -> SeriesPlan:
        return SeriesPlan(
            patient=self.patient,
            practitioner=self.practitioner,
            service=self.service,
            location=self.location,
            channel=Channel.STAFF,
            pattern=((Weekday.SUNDAY, wall_time),),
            first_day=first_day,
            weeks=weeks,
        )

    def request(self, start: datetime, patient: Patient) -> BookingRequest:
        return BookingRequest(
            patient=patient,
            practitioner=self.practitioner,
            service=self.service,
            location=self.location,
            start=start,
            channel=Channel.STAFF,
        )


@pytest.fixture
def night(personas) -> NightClinic:
    """A location open Sunday nights, 00:00–06:00, with one physiotherapist on shift."""
    location = make_location(
        personas.pickering.clinic,
        "Pickering Nights",
        hours=[WeeklySpan(Weekday.SUNDAY, time(0), time(6))],
    )
    practitioner = make_practitioner("Noor Haddad")
    make_registration(practitioner, "cpo")
    make_shift(practitioner, location, Weekday.SUNDAY, "00:00", "06:00")
    return NightClinic(
        location=location,
        practitioner=practitioner,
        service=make_service("Night follow-up"),
        patient=personas.patient_a,
        other_patient=personas.patient_b,
    )


def walls(appointments) -> list[tuple[str, timedelta | None]]:
    """Each start as its Toronto wall clock and UTC offset (which 01:30 it is)."""
    return [
        (f"{a.start.astimezone(TORONTO):%b %d %H:%M}", a.start.astimezone(TORONTO).utcoffset())
        for a in appointments
    ]


def visits(series: AppointmentSeries) -> list[Appointment]:
    return list(Appointment.objects.filter(series=series).order_by("start"))


def test_a_sunday_series_at_half_past_one_books_every_week_across_the_autumn_change(night):
    series = series_book(
        plan=night.plan(time(1, 30), date(2027, 10, 31), weeks=3), actor=None, now=OCTOBER_NOW
    )
    # On the night 01:30 happens twice, the visit is at the first (still daylight time).
    assert walls(visits(series)) == [
        ("Oct 31 01:30", EDT),
        ("Nov 07 01:30", EDT),
        ("Nov 14 01:30", EST),
    ]
    assert visits(series)[1].start == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)
    assert {a.status for a in visits(series)} == {AppointmentStatus.BOOKED}


def test_a_sunday_series_at_half_past_two_is_at_half_past_three_the_night_clocks_skip_it(night):
    series = series_book(
        plan=night.plan(time(2, 30), date(2027, 3, 7), weeks=3), actor=None, now=MARCH_NOW
    )
    # 02:30 does not exist on the 14th: read like a clock moved forward, it is 03:30 EDT,
    # one real hour after 01:30 EST.
    assert walls(visits(series)) == [
        ("Mar 07 02:30", EST),
        ("Mar 14 03:30", EDT),
        ("Mar 21 02:30", EDT),
    ]
    assert visits(series)[1].start == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)


def test_a_taken_half_past_one_is_named_with_another_time_the_desk_can_book_instead(night):
    taken = appointment_book(
        request=night.request(datetime(2027, 11, 7, 1, 30, tzinfo=TORONTO), night.other_patient),
        actor=None,
        now=OCTOBER_NOW,
    )
    plan = night.plan(time(1, 30), date(2027, 10, 31), weeks=3)
    with pytest.raises(SeriesConflict) as refused:
        series_book(plan=plan, actor=None, now=OCTOBER_NOW)
    (conflict,) = refused.value.conflicts
    assert conflict.start == taken.start
    assert "Sun Nov 7, 2027, 1:30 AM" in refused.value.message
    # Not the very time refused: 01:00 EDT and 01:00 EST are each half an hour away, and
    # the earlier is offered.
    assert conflict.alternative is not None
    assert conflict.alternative.start == datetime(2027, 11, 7, 5, 0, tzinfo=UTC)
    assert list(Appointment.objects.all()) == [taken]
    assert not AppointmentSeries.objects.exists()
    # The desk's choice comes back from a form, with a fixed UTC offset.
    resolved = dataclasses.replace(
        plan,
        replacements={
            datetime.fromisoformat(conflict.start.astimezone(TORONTO).isoformat()): (
                conflict.alternative.start.astimezone(TORONTO)
            )
        },
    )
    series = series_book(plan=resolved, actor=None, now=OCTOBER_NOW)
    assert walls(visits(series)) == [
        ("Oct 31 01:30", EDT),
        ("Nov 07 01:00", EDT),
        ("Nov 14 01:30", EST),
    ]


def test_the_second_half_past_one_is_booked_when_asked_for(night):
    second = datetime(2027, 11, 7, 1, 30, tzinfo=TORONTO, fold=1)
    appointment = appointment_book(
        request=night.request(second, night.patient), actor=None, now=OCTOBER_NOW
    )
    assert appointment.start == datetime(2027, 11, 7, 6, 30, tzinfo=UTC)
    first = datetime(2027, 11, 7, 1, 30, tzinfo=TORONTO)
    moved = appointment_reschedule(
        appointment=appointment, start=first, actor=None, now=OCTOBER_NOW, channel=Channel.STAFF
    )
    assert moved.start == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)


def test_this_and_following_moved_across_the_autumn_change_keep_their_wall_time(night):
    series = series_book(
        plan=night.plan(time(0, 30), date(2027, 10, 31), weeks=3), actor=None, now=OCTOBER_NOW
    )
    first = visits(series)[0]
    series_reschedule(
        appointment=first,
        start=datetime(2027, 10, 31, 1, 30, tzinfo=TORONTO),
        scope=SeriesScope.FOLLOWING,
        actor=None,
        now=OCTOBER_NOW,
        channel=Channel.STAFF,
    )
    assert walls(visits(series)) == [
        ("Oct 31 01:30", EDT),
        ("Nov 07 01:30", EDT),
        ("Nov 14 01:30", EST),
    ]
    assert [a.pk for a in visits(series)][0] == first.pk


def test_this_and_following_from_the_second_half_past_one_starts_exactly_there(night):
    series = series_book(
        plan=night.plan(time(0, 30), date(2027, 11, 7), weeks=2), actor=None, now=OCTOBER_NOW
    )
    series_reschedule(
        appointment=visits(series)[0],
        start=datetime(2027, 11, 7, 1, 30, tzinfo=TORONTO, fold=1),
        scope=SeriesScope.FOLLOWING,
        actor=None,
        now=OCTOBER_NOW,
        channel=Channel.STAFF,
    )
    assert walls(visits(series)) == [("Nov 07 01:30", EST), ("Nov 14 01:30", EST)]
    assert visits(series)[0].start == datetime(2027, 11, 7, 6, 30, tzinfo=UTC)


def test_this_and_following_into_the_skipped_hour_lands_where_a_series_would(night):
    series = series_book(
        plan=night.plan(time(1, 0), date(2027, 3, 7), weeks=3), actor=None, now=MARCH_NOW
    )
    series_reschedule(
        appointment=visits(series)[0],
        start=datetime(2027, 3, 7, 2, 30, tzinfo=TORONTO),
        scope=SeriesScope.FOLLOWING,
        actor=None,
        now=MARCH_NOW,
        channel=Channel.STAFF,
    )
    assert walls(visits(series)) == [
        ("Mar 07 02:30", EST),
        ("Mar 14 03:30", EDT),
        ("Mar 21 02:30", EDT),
    ]
