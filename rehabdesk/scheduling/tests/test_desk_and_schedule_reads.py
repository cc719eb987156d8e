"""The reads behind the desk's day, a practitioner's day and week, and a location's day
(scheduling/desk.py, scheduling/calendar.py): which appointments each shows on the
location's local day, what counts as late or as a first visit, time off and closures in
wall-clock time, and a fixed number of queries however busy the day is."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models import Closure, TimeOff
from rehabdesk.clinic.testing import make_practitioner, make_registration, make_shift
from rehabdesk.scheduling.choices import CancelledBy, Channel
from rehabdesk.scheduling.models import Appointment, WaitlistOffer
from rehabdesk.scheduling.selectors import calendar, desk
from rehabdesk.scheduling.services import (
    Wish,
    appointment_arrive,
    appointment_book,
    appointment_cancel,
    appointment_hold,
    appointment_mark_noshow,
    freed_time_process,
    waitlist_add,
)
from rehabdesk.scheduling.testing import NOW, TORONTO, at

pytestmark = pytest.mark.django_db
WEDNESDAY = date(2027, 3, 10)


def book(world, start, **kwargs) -> Appointment:
    return appointment_book(request=world.request(start, **kwargs), actor=None, now=NOW)


def busy_wednesday(world, personas) -> None:
    """Both practitioners booked three times on Wednesday."""
    for physio_hour, massage_hour in ((9, 9), (10, 13), (11, 15)):
        book(world, at(10, physio_hour), patient=personas.guardian)
        book(
            world,
            at(10, massage_hour),
            practitioner=world.massage_therapist,
            service=world.massage,
        )


# --- The desk's day ----------------------------------------------------------------------


def test_the_desk_s_day_holds_who_is_coming_came_or_did_not_in_time_order(world, personas):
    massage = book(
        world,
        at(8, 9),
        practitioner=world.massage_therapist,
        service=world.massage,
        patient=world.other_patient,
    )
    physio = book(world, at(8, 9))
    came = book(world, at(8, 10), patient=world.other_patient)
    appointment_arrive(appointment=came, actor=None, now=at(8, 9, 55))
    missed = book(world, at(8, 14), patient=personas.guardian)
    appointment_mark_noshow(appointment=missed, actor=None, now=at(8, 14, 20))
    cancelled = book(world, at(8, 15), patient=personas.child)
    appointment_cancel(appointment=cancelled, actor=None, now=NOW, by=CancelledBy.CLINIC)
    appointment_hold(request=world.request(at(8, 16)), actor=None, now=NOW)
    book(world, at(9, 9))  # tomorrow
    shown = desk.desk_arrivals(location=world.pickering, day=NOW.date())
    # Two at 09:00: Olivia Massage before Priya Physio, by name.
    assert [a.pk for a in shown] == [massage.pk, physio.pk, came.pk, missed.pk]
    assert desk.desk_arrivals(location=personas.milton, day=NOW.date()) == []


def test_a_booked_patient_is_late_only_more_than_ten_minutes_after_their_start(world):
    nine = book(world, at(8, 9))
    ten = book(world, at(8, 10), patient=world.other_patient)
    day = desk.desk_arrivals(location=world.pickering, day=NOW.date())
    assert desk.late_arrivals(day, now=at(8, 9, 10)) == []
    assert desk.late_arrivals(day, now=at(8, 9, 11)) == [nine]
    appointment_arrive(appointment=ten, actor=None, now=at(8, 10, 5))
    day = desk.desk_arrivals(location=world.pickering, day=NOW.date())
    assert desk.late_arrivals(day, now=at(8, 11)) == [nine]


def test_the_desk_sees_open_offers_at_its_location_soonest_expiry_first(world, personas):
    for patient, minutes in ((world.patient, 0), (personas.guardian, 1)):
        waitlist_add(
            wish=Wish(
                patient=patient,
                service=world.follow_up,
                practitioner=None,
                locations=[world.pickering],
                weekdays=[],
                day_parts=[],
                valid_until=date(2027, 4, 30),
            ),
            actor=None,
            now=NOW + timedelta(minutes=minutes),
        )
    for start in (at(10, 10), at(10, 14)):
        booked = book(world, start, patient=world.other_patient)
        appointment_cancel(appointment=booked, actor=None, now=NOW, by=CancelledBy.PATIENT)
    freed_time_process(now=NOW)
    first, second = WaitlistOffer.objects.order_by("pk")
    WaitlistOffer.objects.filter(pk=first.pk).update(expires_at=NOW + timedelta(hours=3))
    shown = desk.desk_open_offers(location=world.pickering, now=NOW)
    assert [o.pk for o in shown] == [second.pk, first.pk]
    assert desk.desk_open_offers(location=personas.milton, now=NOW) == []
    assert [
        o.pk for o in desk.desk_open_offers(location=world.pickering, now=second.expires_at)
    ] == [first.pk]


def test_the_desk_s_reads_take_one_query_each_however_busy(
    world, personas, django_assert_num_queries
):
    busy_wednesday(world, personas)
    with django_assert_num_queries(1):
        rows = desk.desk_arrivals(location=world.pickering, day=WEDNESDAY)
        shown = [(a.patient.full_name, a.practitioner.display_name, a.service.name) for a in rows]
    assert len(shown) == 6
    with django_assert_num_queries(1):
        visits = desk.practitioner_day(practitioner_id=world.physio.pk, day=WEDNESDAY, now=NOW)
        shown = [(v.appointment.patient.full_name, v.local_start, v.first_visit) for v in visits]
    assert len(shown) == 3


# --- A practitioner's day and hours ------------------------------------------------------


def test_a_visit_made_earlier_today_with_someone_else_makes_the_next_a_follow_up(world):
    earlier = book(world, at(8, 9), practitioner=world.massage_therapist, service=world.massage)
    appointment_arrive(appointment=earlier, actor=None, now=at(8, 9))
    later_today = book(world, at(8, 14))
    first_time = book(world, at(8, 15), patient=world.other_patient)
    visits = desk.practitioner_day(practitioner_id=world.physio.pk, day=NOW.date(), now=NOW)
    assert [(v.appointment.pk, v.first_visit) for v in visits] == [
        (later_today.pk, False),
        (first_time.pk, True),
    ]
    assert visits[0].local_start == datetime(2027, 3, 8, 14, tzinfo=TORONTO)


def test_the_hours_pages_read_current_hours_and_time_off_still_to_come(
    world, personas, django_assert_num_queries
):
    clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(5, 9), ends_at=at(5, 12))
    )
    soon = clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(8, 7), ends_at=at(8, 9))
    )
    later = clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(12, 9), ends_at=at(12, 12))
    )
    assert list(desk.practitioner_time_off(practitioner_id=world.physio.pk, now=NOW)) == [
        soon,
        later,
    ]
    with django_assert_num_queries(3):
        team = desk.hours_by_practitioner(today=NOW.date())
        shown = {
            p.display_name: [
                (s.location.name, s.weekday, [str(b) for b in s.breaks.all()])
                for s in p.current_hours
            ]
            for p in team
        }
    assert list(shown) == ["Olivia Massage", "Priya Physio"]
    assert shown["Priya Physio"][0] == ("Pickering", 0, ["12:00 PM–12:30 PM"])
    assert len(shown["Priya Physio"]) == 5


# --- A location's day --------------------------------------------------------------------


def column(day: calendar.Day, title: str) -> calendar.Column:
    return next(c for c in day.columns if c.title == title)


def test_someone_booked_at_a_location_gets_a_column_there_without_a_shift(world, personas):
    visiting = make_practitioner("Visiting Physio")
    make_registration(visiting, "cpo")
    make_shift(visiting, world.pickering, Weekday.WEDNESDAY, "09:00", "17:00")
    booked = book(world, at(10, 10), practitioner=visiting)
    # Later their Wednesday moves elsewhere; the booking stays, and so does its column.
    clinic_services.working_hours_delete(
        working_hours=visiting.working_hours.get(weekday=Weekday.WEDNESDAY)
    )
    day = calendar.location_day(location=world.pickering, day=WEDNESDAY)
    assert [c.title for c in day.columns] == ["Olivia Massage", "Priya Physio", "Visiting Physio"]
    assert column(day, "Visiting Physio").working == []
    assert column(day, "Visiting Physio").appointments == [booked]


def test_time_off_across_midnight_is_clipped_to_the_day_in_wall_clock_time(world):
    clinic_services.time_off_save(
        time_off=TimeOff(
            practitioner=world.physio,
            starts_at=at(10, 15),
            ends_at=at(11, 11),
            reason="Conference",
        )
    )
    wednesday = column(
        calendar.location_day(location=world.pickering, day=WEDNESDAY), "Priya Physio"
    )
    thursday = column(
        calendar.location_day(location=world.pickering, day=WEDNESDAY + timedelta(days=1)),
        "Priya Physio",
    )
    assert wednesday.away == [calendar.Span(time(15), time(23, 59), "Away: Conference")]
    assert thursday.away == [calendar.Span(time(0), time(11), "Away: Conference")]


def test_a_room_column_holds_only_the_visits_still_holding_the_room(world):
    kept = book(world, at(8, 9))
    missed = book(world, at(8, 10), patient=world.other_patient)
    appointment_mark_noshow(appointment=missed, actor=None, now=at(8, 10, 15))
    day = calendar.location_day(location=world.pickering, day=NOW.date(), by_resource=True)
    assert [(c.title, c.subtitle) for c in day.columns] == [
        ("Massage room", "Massage room"),
        ("Room 1", "Treatment room"),
        ("Room 2", "Treatment room"),
    ]
    assert column(day, "Room 1").appointments == [kept]
    # The no-show still shows on the practitioners' view.
    people = calendar.location_day(location=world.pickering, day=NOW.date())
    assert column(people, "Priya Physio").appointments == [kept, missed]


# The closure, opening hours, shifts with their practitioners, and their breaks,
# appointments and their room holds; then time off (by practitioner) or the rooms.
QUERIES = {False: 7, True: 7}


@pytest.mark.parametrize("by_resource", [False, True], ids=["by-practitioner", "by-room"])
def test_a_location_s_day_takes_the_same_queries_however_busy(
    world, personas, django_assert_num_queries, by_resource
):
    book(world, at(10, 14))
    with django_assert_num_queries(QUERIES[by_resource]) as quiet:
        calendar.location_day(location=world.pickering, day=WEDNESDAY, by_resource=by_resource)
    busy_wednesday(world, personas)
    with django_assert_num_queries(len(quiet.captured_queries)):
        day = calendar.location_day(
            location=world.pickering, day=WEDNESDAY, by_resource=by_resource
        )
        assert len(day.appointments) == 7


# --- A practitioner's week ---------------------------------------------------------------


def test_a_week_shows_closures_at_the_shift_s_location_and_the_days_bookings(world):
    clinic_services.closure_save(
        closure=Closure(
            location=world.pickering, first_day=WEDNESDAY, last_day=WEDNESDAY, name="Storm"
        )
    )
    booked = book(world, at(11, 10), channel=Channel.PHONE)
    week = calendar.practitioner_week(practitioner=world.physio, monday=date(2027, 3, 8))
    assert [d.day.isoformat() for d in week] == [f"2027-03-{n:02d}" for n in range(8, 15)]
    wednesday, thursday, saturday = week[2].columns[0], week[3].columns[0], week[5].columns[0]
    assert wednesday.away == [calendar.Span(time(9), time(17), "Pickering closed: Storm")]
    assert thursday.appointments == [booked]
    assert (saturday.working, week[5].opens, week[5].closes) == ([], time(8), time(18))
