"""The manager's hours pages: everyone's week as one grid; a change of a shift from a
chosen day, previewed (the bookings it would leave out named, nothing written) before
it is saved; and those bookings dealt with several at once.

The clock is Monday 2027-03-08 11:00 in Toronto, as on the desk pages."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from rehabdesk.audit.models import AuditEvent
from rehabdesk.clinic.models import WorkingHours
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.choices import AppointmentStatus, WaitlistStatus
from rehabdesk.scheduling.models import Appointment, WaitlistEntry
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import at, build_booking_world

pytestmark = pytest.mark.django_db
VIEW_NOW = at(8, 11)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: VIEW_NOW)


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


@pytest.fixture
def mondays(world, personas):
    """Monday the 22nd: Bob at 9:00 (a change to 10:00 would leave him out), Grace at
    2:00 PM (kept)."""
    return [
        appointment_book(request=world.request(start, patient=patient), actor=None, now=at(8, 8))
        for start, patient in ((at(22, 9), personas.patient_b), (at(22, 14), personas.guardian))
    ]


def words(page: str) -> str:
    """The page's text without its markup (a time stays whole in a span of its own)."""
    return re.sub(r"<[^>]+>", "", page)


def hours_url(world):
    return reverse("staff-hours-practitioner", args=[world.physio.pk])


def monday(world) -> WorkingHours:
    return WorkingHours.objects.get(practitioner=world.physio, weekday=0)


def later_monday_hours(world, **changes):
    shift = monday(world)
    data = {
        "action": "shift-preview",
        "shift_id": shift.pk,
        "location": world.pickering.pk,
        "weekday": 0,
        "starts": "10:00",
        "ends": "17:00",
        "effective_from": "2027-03-22",
        "effective_until": "",
        "break_1_starts": "12:00",
        "break_1_ends": "12:30",
        "break_2_starts": "",
        "break_2_ends": "",
    }
    return {**data, **changes}


@pytest.fixture
def manager(client, personas):
    client.force_login(personas.manager)
    return client


def test_everyones_week_is_one_grid(manager, world):
    page = manager.get(reverse("staff-hours")).text
    assert page.count("<table") == 1
    for day in ("Monday", "Sunday"):
        assert f'<th scope="col">{day}</th>' in page
    assert page.count('data-day="Monday"') == 2  # the physio and the massage therapist
    assert "9:00 AM–5:00 PM" in words(page)
    assert reverse("staff-hours-practitioner", args=[world.physio.pk]) in page


def test_a_practitioners_week_is_one_grid_with_a_change_and_a_remove_per_shift(manager, world):
    page = manager.get(hours_url(world)).text
    shift = monday(world)
    assert page.count('class="data week-grid"') == 1
    assert f"?edit={shift.pk}#shift-heading" in page
    assert f"?end={shift.pk}#end-heading" in page
    assert "break 12:00 PM–12:30 PM" in words(page)
    assert "{#" not in page  # no template comment shown as text
    assert "{%" not in page


def test_the_preview_names_what_a_change_leaves_out_and_writes_nothing(
    manager, world, mondays, personas
):
    before = list(WorkingHours.objects.values_list("pk", "starts", "effective_until"))
    audits = AuditEvent.objects.count()
    response = manager.post(hours_url(world), later_monday_hours(world))
    preview = response.context["preview"]
    assert [a.pk for a in preview.shown] == [mondays[0].pk]
    assert "1 booked appointment</strong> would fall outside the new hours" in response.text
    assert "Mon Mar 22, 9:00 AM — Bob Brown" in response.text
    assert 'value="shift-save"' in response.text
    assert list(WorkingHours.objects.values_list("pk", "starts", "effective_until")) == before
    assert not Appointment.objects.filter(outside_hours_since__isnull=False).exists()
    (look,) = AuditEvent.objects.order_by("pk")[audits:]
    assert look.object_type == "web.staff_hours_preview"
    assert list(look.patient_links.values_list("patient_id", flat=True)) == [personas.patient_b.pk]


def test_saving_the_previewed_change_keeps_the_weeks_before_and_lists_the_booking(
    manager, world, mondays
):
    old = monday(world)
    preview = manager.post(hours_url(world), later_monday_hours(world)).context["preview"]
    response = manager.post(
        hours_url(world),
        later_monday_hours(world, action="shift-save", previewed=preview.ids),
        follow=True,
    )
    assert "Working hours saved. 1 booked appointment is now outside" in response.text
    old.refresh_from_db()
    assert old.effective_until == date(2027, 3, 21)
    new = WorkingHours.objects.get(
        practitioner=world.physio, weekday=0, effective_from="2027-03-22"
    )
    assert (new.starts.hour, new.ends.hour) == (10, 17)
    assert [a.pk for a in response.context["outside"]] == [mondays[0].pk]


def test_a_save_that_no_longer_matches_its_preview_saves_nothing(manager, world, mondays):
    response = manager.post(
        hours_url(world), later_monday_hours(world, action="shift-save", previewed="")
    )
    assert "Nothing was saved: the bookings this change would leave out" in response.text
    assert [a.pk for a in response.context["preview"].shown] == [mondays[0].pk]
    assert monday(world).effective_until is None


def test_a_save_without_a_preview_shows_the_preview_first(manager, world, mondays):
    response = manager.post(hours_url(world), later_monday_hours(world, action="shift-save"))
    assert [a.pk for a in response.context["preview"].shown] == [mondays[0].pk]
    assert "Nothing was saved" not in response.text
    assert monday(world).effective_until is None


def test_a_change_before_today_is_a_form_error(manager, world):
    response = manager.post(
        hours_url(world), later_monday_hours(world, effective_from="2027-03-01")
    )
    errors = response.context["shift_form"].errors["effective_from"]
    assert errors == [
        "Hours can change from today (March 8) on: the days already past keep the hours "
        "their bookings were made against."
    ]
    assert response.context["preview"] is None


@pytest.fixture
def left_out(manager, world, mondays):
    preview = manager.post(hours_url(world), later_monday_hours(world)).context["preview"]
    manager.post(
        hours_url(world), later_monday_hours(world, action="shift-save", previewed=preview.ids)
    )
    return mondays[0]


def test_the_manager_tells_the_chosen_patients_and_offers_other_times(manager, world, left_out):
    response = manager.post(
        hours_url(world), {"action": "outside-tell", "appointment": [left_out.pk]}, follow=True
    )
    assert "1 patient told by e-mail, with other free times." in response.text
    assert "Told Mar 8, 11:00 AM" in response.text  # still listed, until moved or kept
    (message,) = OutboxMessage.objects.filter(kind="booking_outside_hours")
    assert "These times are free:" in message.body_text
    assert AuditEvent.objects.filter(
        object_id=str(left_out.pk), summary="appointment (patient told: outside hours)"
    ).exists()


def test_nothing_chosen_does_nothing(manager, world, left_out):
    response = manager.post(hours_url(world), {"action": "outside-tell"}, follow=True)
    assert "Nothing was done: choose at least one booking." in response.text
    assert not OutboxMessage.objects.filter(kind="booking_outside_hours").exists()


def test_all_of_them_go_to_the_waitlist_and_are_offered_new_times(manager, world, left_out):
    response = manager.post(
        hours_url(world), {"action": "outside-waitlist", "all": "yes"}, follow=True
    )
    assert "1 patient cancelled and put on the waitlist; 1 new time offered." in response.text
    left_out.refresh_from_db()
    assert left_out.status == AppointmentStatus.CANCELLED
    assert WaitlistEntry.objects.get(patient_id=left_out.patient_id).status == (
        WaitlistStatus.OFFERED
    )
    assert response.context["outside"] == []
