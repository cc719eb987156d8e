"""The staff schedules: a location's day by practitioner or by room, a practitioner's
week, the day sheet — who may see them, what they show, and in how many queries."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
from django.urls import reverse

from rehabdesk.audit.models import AuditEvent
from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.models import Closure, TimeOff
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.services import BookingRequest, appointment_book, appointment_hold
from rehabdesk.scheduling.testing import NOW, at, build_booking_world

pytestmark = pytest.mark.django_db

WEDNESDAY = date(2027, 3, 10)


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def day_url(world, day=WEDNESDAY, **query) -> str:
    url = reverse("schedule-day", kwargs={"location": world.pickering.slug, "day": day.isoformat()})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def book(world, start, **kwargs):
    return appointment_book(request=world.request(start, **kwargs), actor=None, now=NOW)


def test_the_desk_sees_each_practitioner_s_day_with_patients_hours_and_time_off(
    client, world, personas
):
    book(world, at(10, 10))
    book(world, at(10, 11), practitioner=world.massage_therapist, service=world.massage)
    clinic_services.time_off_save(
        time_off=TimeOff(
            practitioner=world.physio, starts_at=at(10, 15), ends_at=at(10, 17), reason="Course"
        )
    )
    client.force_login(personas.front_desk)
    page = client.get(day_url(world)).content.decode()
    for text in (
        "Priya Physio",
        "Olivia Massage",
        "Alice Anders",
        "Follow-up",
        "Massage, 60 minutes",
        "9:00 AM–5:00 PM",
        "break 12:00 PM–12:30 PM",
        "Away: Course",
    ):
        assert text in page, text
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.object_type, event.summary) == ("view", "web.schedule", "schedule")
    assert event.patient_links.count() == 1


def test_by_room_shows_a_column_per_room_with_what_it_holds(client, world, personas):
    book(world, at(10, 10))
    client.force_login(personas.front_desk)
    page = client.get(day_url(world, by="room")).content.decode()
    assert "Room 1" in page
    assert "Massage room" in page
    assert page.index("Room 1") < page.index("Alice Anders")


def test_a_closure_is_shown(client, world, personas):
    clinic_services.closure_save(
        closure=Closure(
            location=world.pickering, first_day=WEDNESDAY, last_day=WEDNESDAY, name="Storm"
        )
    )
    client.force_login(personas.front_desk)
    assert "Pickering is closed: Storm." in client.get(day_url(world)).content.decode()


def test_the_day_view_takes_the_same_number_of_queries_however_busy(
    client, world, personas, django_assert_num_queries
):
    client.force_login(personas.front_desk)
    book(world, at(10, 9))
    client.get(day_url(world))  # warm the session and content types
    with django_assert_num_queries(QUERIES) as quiet:
        assert client.get(day_url(world)).status_code == 200
    for hour in (10, 11, 13, 14, 15, 16):
        book(world, at(10, hour), patient=world.other_patient)
    for hour in (9, 13, 15):
        book(
            world,
            at(10, hour),
            practitioner=world.massage_therapist,
            service=world.massage,
            patient=personas.guardian,
        )
    with django_assert_num_queries(len(quiet.captured_queries)):
        assert client.get(day_url(world)).status_code == 200


# Session and user, the person's roles and links, location and clinic, the closure,
# opening hours, shifts and their breaks, appointments and their room holds, time off,
# the audit event, the location list.
QUERIES = 17  # with the clinic's name for the header


def test_a_practitioner_sees_their_own_week_but_not_a_colleague_s(client, world, personas):
    book(world, at(9, 10))
    book(world, at(11, 14), patient=world.other_patient)
    client.force_login(personas.physio.user)
    own = client.get(reverse("schedule-week", args=[world.physio.pk, "2027-03-10"]))
    assert own.status_code == 200
    page = own.content.decode()
    assert "Tuesday" in page
    assert "Thursday" in page
    assert "Alice Anders" in page
    assert "Bob Brown" in page
    other = client.get(reverse("schedule-week", args=[world.massage_therapist.pk, "2027-03-10"]))
    assert other.status_code == 404
    assert client.get(day_url(world)).status_code == 404


def test_patients_do_not_see_schedules(client, world, personas):
    client.force_login(personas.patient_a.user)
    assert client.get(day_url(world)).status_code == 404
    assert client.get(reverse("schedule-today")).status_code == 404


def test_a_day_that_is_not_a_date_is_not_found(client, world, personas):
    client.force_login(personas.front_desk)
    assert client.get(f"/staff/schedule/{world.pickering.slug}/tomorrow/").status_code == 404


def test_the_jump_form_goes_to_the_chosen_location_and_day(client, world, personas):
    client.force_login(personas.front_desk)
    answer = client.get(
        reverse("schedule-today"), {"location": world.pickering.slug, "day": "2027-03-12"}
    )
    assert answer.url == day_url(world, date(2027, 3, 12))


def test_the_day_sheet_lists_each_practitioner_s_patients_with_phones(client, world, personas):
    book(world, at(10, 10))
    client.force_login(personas.manager)
    sheet = client.get(
        reverse("schedule-sheet", kwargs={"location": world.pickering.slug, "day": "2027-03-10"})
    ).content.decode()
    assert "Day sheet: Pickering" in sheet
    assert "905-555-0111" in sheet
    assert sheet.count("<table") == 1  # the massage therapist has no appointments


def test_now_is_marked_on_today_only(client, world, personas):
    with mock.patch("django.utils.timezone.now", return_value=at(10, 10, 30)):
        client.force_login(personas.front_desk)
        today = client.get(day_url(world)).content.decode()
        tomorrow = client.get(day_url(world, WEDNESDAY + timedelta(days=1))).content.decode()
    assert 'class="now"' in today
    assert "It is now 10:30 AM." in today
    assert 'class="now"' not in tomorrow


def test_the_week_after_the_clock_change_shows_wall_clock_times(client, world, personas):
    """Clocks spring forward on Sunday, March 14, 2027: 9:00 stays 9:00 on both sides."""
    book(world, at(12, 9))
    book(world, at(15, 9), patient=world.other_patient)
    client.force_login(personas.front_desk)
    before = client.get(reverse("schedule-week", args=[world.physio.pk, "2027-03-12"]))
    after = client.get(reverse("schedule-week", args=[world.physio.pk, "2027-03-15"]))
    assert "9:00 AM–9:30 AM" in before.content.decode()
    assert "9:00 AM–9:30 AM" in after.content.decode()
    sunday = client.get(day_url(world, date(2027, 3, 14)))
    assert sunday.status_code == 200
    assert "Nobody works here on this day." in sunday.content.decode()


def test_a_time_held_online_for_nobody_yet_shows_without_a_name_or_a_link(client, world, personas):
    appointment_hold(
        request=BookingRequest(
            patient=None,
            practitioner=world.physio,
            service=world.follow_up,
            location=world.pickering,
            start=at(10, 10),
            channel=Channel.ONLINE,
        ),
        actor=None,
        now=NOW,
    )
    client.force_login(personas.front_desk)
    page = client.get(day_url(world)).content.decode()
    assert "Being booked online" in page
    assert "/staff/appointments/" not in page
