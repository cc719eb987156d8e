"""Booking by phone and the appointment page: the desk finds the next free times, books,
moves, cancels with the fee shown first, checks in, marks no-shows, adds to the
waitlist and books a series — each through the scheduling services, for the people the
access policy allows, in a fixed number of queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.models import Clinic
from rehabdesk.scheduling.choices import AppointmentStatus, CancelledBy, Channel
from rehabdesk.scheduling.models import Appointment, AppointmentSeries, WaitlistEntry
from rehabdesk.scheduling.services import appointment_book, cancellation_terms
from rehabdesk.scheduling.testing import build_booking_world, weekday_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def book(world, start: datetime, **kwargs) -> Appointment:
    return appointment_book(
        request=world.request(start, channel=Channel.PHONE, **kwargs),
        actor=None,
        now=timezone.now(),
    )


def sign_in(client, personas, name: str) -> None:
    client.force_login(personas.user(name))


def finder_url(world, **params) -> str:
    query = {"service": world.follow_up.pk, "start": timezone.localdate().isoformat(), **params}
    text = "&".join(f"{key}={value}" for key, value in query.items())
    return reverse("patient-book", args=[world.patient.pk]) + "?" + text


# --- Finding and booking ---------------------------------------------------------------


def test_the_finder_lists_the_next_free_times_grouped_by_day(client, personas, world):
    sign_in(client, personas, "front_desk")
    response = client.get(finder_url(world))
    assert response.status_code == 200
    days = response.context["days"]
    times = [t for day in days for t in day.times]
    assert len(times) == 12
    assert [t.start for t in times] == sorted(t.start for t in times)
    assert {t.location.pk for t in times} == {world.pickering.pk}
    # Both practitioners who may deliver a follow-up?  Only the physio is registered for it.
    assert {t.practitioner.pk for t in times} == {world.physio.pk}
    assert "Find times" in response.text


@pytest.mark.parametrize(
    ("part", "hours"), [("morning", range(0, 12)), ("afternoon", range(12, 17))]
)
def test_the_finder_keeps_to_the_part_of_the_day_asked_for(client, personas, world, part, hours):
    sign_in(client, personas, "front_desk")
    response = client.get(finder_url(world, part=part))
    times = [t for day in response.context["days"] for t in day.times]
    assert times
    assert {t.start.hour for t in times} <= set(hours)


def test_evening_times_that_do_not_exist_are_explained(client, personas, world):
    sign_in(client, personas, "front_desk")
    response = client.get(finder_url(world, part="evening"))
    assert response.context["days"] == []
    assert "No free times in that part of the day" in response.text


def test_the_finder_reads_in_a_fixed_number_of_queries(
    client, personas, world, django_assert_num_queries
):
    sign_in(client, personas, "front_desk")
    url = finder_url(world)
    client.get(url)
    with django_assert_num_queries(22) as few:  # with the clinic's name for the header
        client.get(url)
    for hour in (9, 10, 11, 13, 14):
        book(world, weekday_at(hour), patient=world.other_patient)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_picking_a_time_asks_for_confirmation_and_books_by_phone(client, personas, world):
    sign_in(client, personas, "front_desk")
    finder = client.get(finder_url(world))
    picked = finder.context["days"][0].times[0]
    confirm = client.get(finder_url(world, pick=picked.value.replace("+", "%2B")))
    assert confirm.status_code == 200
    assert "Confirm booking" in confirm.text
    assert not Appointment.objects.filter(patient=world.patient).exists()
    form = confirm.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["note"] = "Prefers Room 2"
    response = client.post(reverse("patient-book", args=[world.patient.pk]), data)
    appointment = Appointment.objects.get(patient=world.patient)
    assert response.status_code == 302
    assert response["Location"] == reverse("appointment-detail", args=[appointment.pk])
    assert (appointment.start, appointment.channel, appointment.status) == (
        picked.start,
        Channel.PHONE,
        AppointmentStatus.BOOKED,
    )
    assert appointment.front_desk_note == "Prefers Room 2"
    # The same confirmation sent twice books once.
    client.post(reverse("patient-book", args=[world.patient.pk]), data)
    assert Appointment.objects.filter(patient=world.patient).count() == 1


def test_a_time_just_taken_is_refused_with_the_next_free_times(client, personas, world):
    sign_in(client, personas, "front_desk")
    start = weekday_at(10)
    book(world, start, patient=world.other_patient)
    response = client.post(
        reverse("patient-book", args=[world.patient.pk]),
        {
            "practitioner": world.physio.pk,
            "location": world.pickering.pk,
            "service": world.follow_up.pk,
            "start": start.isoformat(),
            "key": "a-key-of-some-length",
        },
    )
    assert response.status_code == 409
    assert "not available" in response.text
    assert response.context["alternatives"]
    assert not Appointment.objects.filter(patient=world.patient).exists()


def test_an_empty_confirmation_goes_back_to_the_finder(client, personas, world):
    sign_in(client, personas, "front_desk")
    response = client.post(reverse("patient-book", args=[world.patient.pk]), {})
    assert response.status_code == 302
    assert response["Location"] == reverse("patient-book", args=[world.patient.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("front_desk", 200),
        ("manager", 200),
        ("physio", 200),  # patient A is in their care
        ("massage_therapist", 404),
        ("patient_a", 404),  # patients book online, not on the staff pages
        ("patient_b", 404),
        ("outsider", 404),
    ],
)
def test_who_may_open_the_finder(client, personas, world, persona, status):
    sign_in(client, personas, persona)
    assert client.get(finder_url(world)).status_code == status


# --- The appointment page --------------------------------------------------------------


@pytest.fixture
def booked(world) -> Appointment:
    return book(world, weekday_at(10))


def test_the_appointment_page_shows_details_history_and_actions(client, personas, booked):
    sign_in(client, personas, "front_desk")
    response = client.get(reverse("appointment-detail", args=[booked.pk]))
    assert response.status_code == 200
    text = response.text
    for what in ("Alice Anders", "Follow-up", "Priya Physio", "Pickering", "10:00 AM", "Booked"):
        assert what in text
    assert "History of this appointment" in text
    assert "Move to another time" in text
    assert "Cancel…" in text
    assert "Check in" not in text  # not today
    assert "Mark as no-show" not in text  # not started


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("front_desk", 200),
        ("manager", 200),
        ("physio", 200),
        ("massage_therapist", 404),
        ("patient_a", 404),
        ("outsider", 404),
    ],
)
def test_who_may_open_the_appointment_page(client, personas, booked, persona, status):
    sign_in(client, personas, persona)
    assert client.get(reverse("appointment-detail", args=[booked.pk])).status_code == status


def test_the_patient_page_lists_upcoming_bookings_and_attendance(client, personas, booked):
    sign_in(client, personas, "front_desk")
    response = client.get(reverse("patient-detail", args=[booked.patient_id]))
    assert reverse("appointment-detail", args=[booked.pk]) in response.text
    for link in ("Book an appointment", "Add to waitlist", "Book a series", "No-shows: 0"):
        assert link in response.text


# --- Cancelling ------------------------------------------------------------------------


def notice_of_a_week(world) -> None:
    clinic = Clinic.objects.get(pk=world.pickering.clinic_id)
    clinic.cancellation_notice_hours = 24 * 7
    clinic_services.configuration_save(instance=clinic)


def test_the_cancel_page_shows_the_late_fee_before_anything_is_cancelled(
    client, personas, world, booked
):
    notice_of_a_week(world)
    sign_in(client, personas, "front_desk")
    response = client.get(reverse("appointment-cancel", args=[booked.pk]))
    assert response.status_code == 200
    assert "late cancellation" in response.text
    fee = Decimal(world.follow_up.price) / 2
    assert f"${fee:,.2f}" in response.text
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED


def test_a_late_cancellation_by_the_patient_records_the_fee_the_page_showed(
    client, personas, world, booked
):
    notice_of_a_week(world)
    sign_in(client, personas, "front_desk")
    url = reverse("appointment-cancel", args=[booked.pk])
    response = client.post(url, {"by": "patient", "reason": "Feeling better"})
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED
    assert booked.late_cancellation
    assert booked.fee_due == round(Decimal(world.follow_up.price) / 2, 2)


def test_the_desk_may_waive_the_fee_or_cancel_for_the_clinic(client, personas, world):
    notice_of_a_week(world)
    sign_in(client, personas, "front_desk")
    waived, clinic = book(world, weekday_at(10)), book(world, weekday_at(14))
    client.post(
        reverse("appointment-cancel", args=[waived.pk]), {"by": "patient", "waive_fee": "on"}
    )
    client.post(reverse("appointment-cancel", args=[clinic.pk]), {"by": "clinic"})
    waived.refresh_from_db()
    clinic.refresh_from_db()
    assert (waived.late_cancellation, waived.fee_due) == (True, None)
    assert (clinic.late_cancellation, clinic.fee_due, clinic.cancelled_by) == (
        False,
        None,
        "clinic",
    )


def test_a_practitioner_cancels_as_the_patient_and_cannot_waive(client, personas, world, booked):
    notice_of_a_week(world)
    sign_in(client, personas, "physio")
    page = client.get(reverse("appointment-cancel", args=[booked.pk]))
    assert "Waive" not in page.text
    assert "Who is cancelling" not in page.text
    client.post(
        reverse("appointment-cancel", args=[booked.pk]), {"by": "clinic", "waive_fee": "on"}
    )
    booked.refresh_from_db()
    assert booked.cancelled_by == CancelledBy.PATIENT
    assert booked.fee_due is not None


def test_cancellation_terms_is_the_rule_appointment_cancel_applies(world, booked):
    notice_of_a_week(world)
    booked = Appointment.objects.select_related("location__clinic", "service").get(pk=booked.pk)
    now = timezone.now()
    assert cancellation_terms(appointment=booked, by=CancelledBy.CLINIC, now=now).late is False
    terms = cancellation_terms(appointment=booked, by=CancelledBy.PATIENT, now=now)
    assert terms.late
    assert terms.fee == round(Decimal(world.follow_up.price) / 2, 2)
    far = booked.start - timedelta(days=8)
    assert cancellation_terms(appointment=booked, by=CancelledBy.PATIENT, now=far).late is False


# --- Moving ----------------------------------------------------------------------------


def test_moving_picks_a_new_time_and_moves_the_booking_in_place(client, personas, world, booked):
    sign_in(client, personas, "front_desk")
    url = reverse("appointment-reschedule", args=[booked.pk])
    finder = client.get(url + f"?start={timezone.localdate().isoformat()}&part=afternoon")
    assert finder.status_code == 200
    picked = finder.context["days"][0].times[0]
    response = client.post(
        url,
        {
            "practitioner": picked.practitioner.pk,
            "location": picked.location.pk,
            "start": picked.start.isoformat(),
        },
    )
    assert response.status_code == 302
    moved = Appointment.objects.get(pk=booked.pk)
    assert moved.start == picked.start
    assert moved.channel == Channel.PHONE  # booked by phone; moved by phone
    assert Appointment.objects.filter(patient=world.patient).count() == 1


def test_a_move_to_a_taken_time_changes_nothing(client, personas, world, booked):
    sign_in(client, personas, "front_desk")
    taken = weekday_at(14)
    book(world, taken, patient=world.other_patient)
    response = client.post(
        reverse("appointment-reschedule", args=[booked.pk]),
        {
            "practitioner": world.physio.pk,
            "location": world.pickering.pk,
            "start": taken.isoformat(),
        },
    )
    assert response.status_code == 409
    assert Appointment.objects.get(pk=booked.pk).start == booked.start


# --- The desk's actions ----------------------------------------------------------------


def test_actions_return_to_the_page_they_came_from_on_this_site_only(client, personas, booked):
    sign_in(client, personas, "front_desk")
    url = reverse("appointment-arrive", args=[booked.pk])
    response = client.post(url, {"next": "/staff/desk/?day=2026-11-30"})
    assert response["Location"] == "/staff/desk/?day=2026-11-30"
    for unsafe in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.post(url, {"next": unsafe})
        assert response["Location"] == reverse("appointment-detail", args=[booked.pk])


def test_a_check_in_before_the_day_is_refused_with_a_message(client, personas, booked):
    sign_in(client, personas, "front_desk")
    response = client.post(reverse("appointment-arrive", args=[booked.pk]), follow=True)
    assert "checked in on the day of their visit" in response.text
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED


def test_a_no_show_can_be_marked_only_once_started(client, personas, booked):
    sign_in(client, personas, "front_desk")
    response = client.post(
        reverse("appointment-noshow", args=[booked.pk]), {"waive_fee": "on"}, follow=True
    )
    assert "only once it has started" in response.text


@pytest.mark.parametrize("action", ["appointment-arrive", "appointment-noshow", "appointment-keep"])
def test_only_the_desk_checks_in_marks_no_shows_and_keeps(client, personas, booked, action):
    sign_in(client, personas, "physio")
    assert client.post(reverse(action, args=[booked.pk])).status_code == 404
    sign_in(client, personas, "front_desk")
    assert client.get(reverse(action, args=[booked.pk])).status_code == 405


# --- Waitlist and series ---------------------------------------------------------------


def test_the_desk_puts_a_caller_on_the_waitlist(client, personas, world):
    sign_in(client, personas, "front_desk")
    url = reverse("patient-waitlist-add", args=[world.patient.pk])
    assert client.get(url).status_code == 200
    until = timezone.localdate() + timedelta(days=20)
    response = client.post(
        url,
        {
            "service": world.follow_up.pk,
            "practitioner": "",
            "locations": [world.pickering.pk],
            "weekdays": ["0", "2"],
            "day_parts": ["morning"],
            "valid_until": until.isoformat(),
        },
    )
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get(patient=world.patient)
    assert (entry.weekdays, entry.day_parts, entry.valid_until) == ([0, 2], ["morning"], until)


def series_data(world, first_day: date, **extra) -> dict[str, object]:
    return {
        "service": world.follow_up.pk,
        "practitioner": world.physio.pk,
        "location": world.pickering.pk,
        "first_day": first_day.isoformat(),
        "weeks": 3,
        "weekday_1": first_day.weekday(),
        "time_1": "09:00",
        **extra,
    }


def test_a_series_with_a_conflict_is_resolved_date_by_date(client, personas, world):
    sign_in(client, personas, "front_desk")
    first = weekday_at(9, after_days=7)
    book(world, first + timedelta(weeks=1), patient=world.other_patient)
    url = reverse("patient-series", args=[world.patient.pk])
    data = series_data(world, first.date())
    refused = client.post(url, data)
    assert refused.status_code == 409
    (row,) = refused.context["conflicts"]
    assert row.start == first + timedelta(weeks=1)
    assert row.nearest is not None
    assert not AppointmentSeries.objects.exists()
    response = client.post(url, {**data, row.name: row.nearest.isoformat()})
    assert response.status_code == 302
    series = AppointmentSeries.objects.get(patient=world.patient)
    starts = [a.start for a in series.appointments.order_by("start")]
    assert starts == [first, row.nearest, first + timedelta(weeks=2)]


def test_a_conflicting_date_can_be_skipped(client, personas, world):
    sign_in(client, personas, "front_desk")
    first = weekday_at(9, after_days=7)
    book(world, first + timedelta(weeks=1), patient=world.other_patient)
    url = reverse("patient-series", args=[world.patient.pk])
    data = series_data(world, first.date())
    (row,) = client.post(url, data).context["conflicts"]
    client.post(url, {**data, row.name: "skip"})
    series = AppointmentSeries.objects.get(patient=world.patient)
    assert series.appointments.count() == 2


@pytest.mark.parametrize("route", ["patient-waitlist-add", "patient-series"])
def test_waitlist_and_series_pages_are_for_staff_who_may_book(client, personas, world, route):
    for persona, status in (("physio", 200), ("massage_therapist", 404), ("patient_a", 404)):
        sign_in(client, personas, persona)
        assert client.get(reverse(route, args=[world.patient.pk])).status_code == status
