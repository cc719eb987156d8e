"""The front desk's day, a practitioner's day and the manager's hours pages, role by
role, with their query counts pinned.

The clock is fixed at Monday 2027-03-08 11:00 in Toronto (django.utils.timezone.now is
patched, so the pages and the services see the same "now")."""

from __future__ import annotations

import re
from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rehabdesk.audit.models import AuditEvent
from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import ReminderChannel
from rehabdesk.clinic.models import Clinic, ReminderRule, TimeOff, WorkingHours
from rehabdesk.scheduling.choices import AppointmentStatus, CancelledBy, OfferStatus
from rehabdesk.scheduling.models import Appointment, WaitlistEntry, WaitlistOffer
from rehabdesk.scheduling.services import (
    Wish,
    appointment_arrive,
    appointment_book,
    appointment_cancel,
    appointment_confirm_by_patient,
    appointment_mark_noshow,
    freed_time_process,
    reminders_send_due,
    waitlist_add,
)
from rehabdesk.scheduling.testing import at, build_booking_world

pytestmark = pytest.mark.django_db

VIEW_NOW = at(8, 11)  # Monday 11:00
EARLY = at(8, 8)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: VIEW_NOW)


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def book(world, start, patient, *, practitioner=None, service=None, now=EARLY):
    return appointment_book(
        request=world.request(start, patient=patient, practitioner=practitioner, service=service),
        actor=None,
        now=now,
    )


@pytest.fixture
def day(world, personas):
    """Monday at Pickering: Alice late (9:00), Charlie a no-show (9:45), Bob checked in
    for a massage (10:00), Grace coming at 13:00; Bob offered a freed time tomorrow;
    Alice's Wednesday visit caught by the physio's time off."""
    late = book(world, at(8, 9), personas.patient_a)
    noshow = book(world, at(8, 9, 45), personas.child)
    appointment_mark_noshow(appointment=noshow, actor=None, now=at(8, 10, 30))
    massage = book(
        world,
        at(8, 10),
        personas.patient_b,
        practitioner=world.massage_therapist,
        service=world.massage,
    )
    appointment_arrive(appointment=massage, actor=None, now=at(8, 9, 55))
    coming = book(world, at(8, 13), personas.guardian)
    freed = book(world, at(9, 14), personas.guardian)
    waitlist_add(
        wish=Wish(
            patient=personas.patient_b,
            service=world.follow_up,
            practitioner=None,
            locations=[world.pickering],
            weekdays=[],
            day_parts=[],
            valid_until=at(30, 0).date(),
        ),
        actor=None,
        now=EARLY,
    )
    appointment_cancel(appointment=freed, actor=None, now=at(8, 10), by=CancelledBy.CLINIC)
    freed_time_process(now=at(8, 10))
    caught = book(world, at(10, 15), personas.patient_a)
    clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(10, 14), ends_at=at(10, 17))
    )
    return {"late": late, "noshow": noshow, "massage": massage, "coming": coming, "caught": caught}


def desk_url(world):
    return reverse("desk-day") + f"?location={world.pickering.slug}"


def test_the_desk_sees_the_day_at_its_location(client, personas, world, day):
    client.force_login(personas.front_desk)
    response = client.get(desk_url(world))
    assert response.status_code == 200
    arrivals = response.context["arrivals"]
    assert [a.pk for a in arrivals] == [
        day["late"].pk,
        day["noshow"].pk,
        day["massage"].pk,
        day["coming"].pk,
    ]
    assert [a.pk for a in response.context["late"]] == [day["late"].pk]
    (offer,) = response.context["offers"]
    assert offer.entry.patient == personas.patient_b
    assert [a.pk for a in response.context["outside"]] == [day["caught"].pk]
    page = response.text
    for text in ("Arriving today", "Late", "Waitlist offers", "Bookings caught by changed hours"):
        assert f">{text}</h2>" in page
    assert reverse("appointment-arrive", args=[day["late"].pk]) in page
    assert reverse("appointment-noshow", args=[day["late"].pk]) in page
    # Grace's visit has not started: she can be checked in but not marked a no-show.
    assert reverse("appointment-arrive", args=[day["coming"].pk]) in page
    assert reverse("appointment-noshow", args=[day["coming"].pk]) not in page
    assert reverse("appointment-detail", args=[day["caught"].pk]) in page
    assert reverse("appointment-keep", args=[day["caught"].pk]) in page
    assert reverse("desk-offer-accept", args=[offer.pk]) in page
    assert reverse("patient-detail", args=[personas.patient_a.pk]) in page
    assert "9:00 AM" in page  # Toronto time
    assert "2\xa0hours late" in page  # Alice is two hours late


def test_the_desk_page_is_one_audited_look_at_every_patient_shown(client, personas, world, day):
    client.force_login(personas.front_desk)
    before = AuditEvent.objects.count()
    client.get(desk_url(world))
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert (event.action, event.object_type) == ("view", "web.desk_day")
    assert set(event.patient_links.values_list("patient_id", flat=True)) == {
        personas.patient_a.pk,
        personas.patient_b.pk,
        personas.guardian.pk,
        personas.child.pk,
    }


def test_the_location_switcher_works_without_javascript(client, personas, world, day):
    client.force_login(personas.front_desk)
    default = client.get(reverse("desk-day"))
    assert default.context["location"] == personas.pickering  # where the clerk works
    assert 'name="location"' in default.text
    milton = client.get(reverse("desk-day") + "?location=milton")
    assert milton.context["location"] == personas.milton
    assert milton.context["arrivals"] == []
    assert client.get(reverse("desk-day") + "?location=nowhere").status_code == 404


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_desk_page_reads_in_a_fixed_number_of_queries(
    client, personas, world, day, django_assert_num_queries
):
    client.force_login(personas.front_desk)
    client.get(desk_url(world))  # warm the session
    # With the clinic's name for the header, the day's billing states (three queries,
    # billing.selectors.visit_billing) for the "Check out" and fee buttons, and the
    # visits no reminder reached.
    with django_assert_num_queries(16):
        client.get(desk_url(world))
    before = queries(client, desk_url(world))
    book(world, at(8, 14), personas.patient_b)
    book(world, at(8, 15), personas.guardian)
    book(
        world,
        at(8, 16),
        personas.child,
        practitioner=world.massage_therapist,
        service=world.massage,
    )
    assert len(client.get(desk_url(world)).context["arrivals"]) == 7
    assert queries(client, desk_url(world)) == before


def test_the_desk_answers_an_offer_for_the_patient(client, personas, world, day):
    client.force_login(personas.front_desk)
    offer = WaitlistOffer.objects.get()
    response = client.post(
        reverse("desk-offer-accept", args=[offer.pk]), {"next": desk_url(world)}, follow=True
    )
    assert response.redirect_chain[-1][0] == desk_url(world)
    offer.refresh_from_db()
    offer.appointment.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    assert offer.appointment.status == AppointmentStatus.BOOKED
    assert "Bob Brown is booked for the offered time." in response.text
    # Answering again is refused politely, not with an error page.
    again = client.post(reverse("desk-offer-decline", args=[offer.pk]), follow=True)
    assert again.redirect_chain[-1][0] == reverse("desk-day")
    assert "This offer has already ended." in again.text


def test_declining_passes_the_time_on(client, personas, world, day):
    client.force_login(personas.manager)
    offer = WaitlistOffer.objects.get()
    client.post(reverse("desk-offer-decline", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED
    assert WaitlistEntry.objects.get(patient=personas.patient_b).status == "waiting"


def test_an_offer_is_answered_only_by_the_desk_and_next_stays_on_this_site(
    client, personas, world, day
):
    offer = WaitlistOffer.objects.get()
    client.force_login(personas.physio.user)
    assert client.post(reverse("desk-offer-accept", args=[offer.pk])).status_code == 404
    client.force_login(personas.front_desk)
    response = client.post(
        reverse("desk-offer-decline", args=[offer.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("desk-day")
    assert client.post(reverse("desk-offer-accept", args=[999_999])).status_code == 404


@pytest.mark.parametrize("persona", ["physio", "massage_therapist", "patient_a", "outsider"])
def test_others_do_not_get_the_desk(client, personas, persona):
    client.force_login(personas.user(persona))
    assert client.get(reverse("desk-day")).status_code == 404


# --- My day ----------------------------------------------------------------------------


def test_a_practitioner_sees_their_own_day_with_first_visits_marked(client, personas, world, day):
    # Grace came last Monday (booked, never checked in, in the past): a follow-up today.
    book(world, at(1, 9), personas.guardian, now=at(1, 8))
    client.force_login(personas.physio.user)
    response = client.get(reverse("my-day"))
    assert response.status_code == 200
    visits = response.context["visits"]
    assert [(v.appointment.patient, v.first_visit) for v in visits] == [
        (personas.patient_a, True),
        (personas.child, True),
        (personas.guardian, False),
    ]
    page = response.text
    assert "First visit" in page
    assert "Follow-up" in page
    assert reverse("patient-detail", args=[personas.guardian.pk]) in page
    assert "Bob Brown" not in page  # the massage therapist's patient
    assert "Coming to this page" not in page  # no promise of parts not built


def test_a_cancelled_or_future_visit_does_not_make_a_follow_up(client, personas, world, day):
    cancelled = book(world, at(1, 10), personas.patient_a, now=at(1, 8))
    appointment_cancel(appointment=cancelled, actor=None, now=at(1, 8, 30))
    client.force_login(personas.physio.user)
    visits = client.get(reverse("my-day")).context["visits"]
    # Alice's Wednesday booking is later than today's: still her first visit today.
    assert visits[0].appointment.patient == personas.patient_a
    assert visits[0].first_visit


def test_my_day_reads_in_a_fixed_number_of_queries(
    client, personas, world, day, django_assert_num_queries
):
    client.force_login(personas.physio.user)
    client.get(reverse("my-day"))
    # 11 + the safety badges and the red flags to review + the clinic's name for the header
    # + the consents on file (two queries) + the day's health forms (one query) + the
    # notes (the drafts to sign, the visits' note states, which note each visit has)
    with django_assert_num_queries(20):
        client.get(reverse("my-day"))
    before = queries(client, reverse("my-day"))
    book(world, at(8, 14), personas.patient_b)
    book(world, at(8, 15), personas.patient_b)
    book(world, at(8, 16), personas.child)
    assert len(client.get(reverse("my-day")).context["visits"]) == 6
    assert queries(client, reverse("my-day")) == before


def test_my_day_is_audited(client, personas, world, day):
    client.force_login(personas.massage_therapist.user)
    before = AuditEvent.objects.count()
    client.get(reverse("my-day"))
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert event.object_type == "web.my_day"
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_b.pk]


@pytest.mark.parametrize("persona", ["front_desk", "manager", "patient_a", "outsider"])
def test_my_day_is_for_practitioners_only(client, personas, persona):
    client.force_login(personas.user(persona))
    assert client.get(reverse("my-day")).status_code == 404


# --- Hours -----------------------------------------------------------------------------


def hours_url(practitioner):
    return reverse("staff-hours-practitioner", args=[practitioner.pk])


def test_the_manager_sees_everyones_hours(client, personas, world):
    client.force_login(personas.manager)
    response = client.get(reverse("staff-hours"))
    assert response.status_code == 200
    page = re.sub(r"<[^>]+>", "", response.text)  # the words, without the markup
    assert "Priya Physio" in page
    assert "9:00 AM–5:00 PM" in page
    assert "12:00 PM–12:30 PM" in page
    assert hours_url(world.physio) in response.text


@pytest.mark.parametrize("persona", ["front_desk", "physio", "patient_a"])
def test_only_managers_edit_hours(client, personas, world, persona):
    client.force_login(personas.user(persona))
    assert client.get(reverse("staff-hours")).status_code == 404
    assert client.get(hours_url(world.physio)).status_code == 404
    assert client.post(hours_url(world.physio), {"action": "shift-end"}).status_code == 404


def shift_post(world, **changes):
    data = {
        "action": "shift-save",
        "location": world.pickering.pk,
        "weekday": 5,  # Saturday
        "starts": "09:00",
        "ends": "12:00",
        "effective_from": "2027-03-08",
        "effective_until": "",
        "break_1_starts": "10:00",
        "break_1_ends": "10:15",
        "break_2_starts": "",
        "break_2_ends": "",
    }
    data.update(changes)
    return data


def saturday_opening_hours(world):
    clinic_services.location_set_opening_hours(
        location=world.pickering,
        hours=[clinic_services.WeeklySpan(day, time(8), time(20)) for day in range(6)],
        today=VIEW_NOW.date(),
    )


def previewed_and_saved(client, world, data):
    """The two steps of the hours page: preview, then save what the preview showed."""
    preview = client.post(hours_url(world.physio), {**data, "action": "shift-preview"})
    assert preview.context["preview"], preview.context["shift_form"].errors
    ids = preview.context["preview"].ids
    save = "shift-end" if data["action"].startswith("shift-end") else "shift-save"
    return client.post(
        hours_url(world.physio), {**data, "action": save, "previewed": ids}, follow=True
    )


def test_the_manager_adds_edits_and_removes_a_shift(client, personas, world):
    saturday_opening_hours(world)
    client.force_login(personas.manager)
    response = previewed_and_saved(client, world, shift_post(world))
    assert "Working hours saved." in response.text
    shift = WorkingHours.objects.get(practitioner=world.physio, weekday=5)
    assert [(b.starts.hour, b.ends.minute) for b in shift.breaks.all()] == [(10, 15)]

    edit = client.get(hours_url(world.physio) + f"?edit={shift.pk}")
    assert edit.context["editing"]
    assert edit.context["shift_form"].initial["break_1_starts"] == shift.breaks.get().starts
    previewed_and_saved(
        client,
        world,
        shift_post(world, shift_id=shift.pk, ends="13:00", break_1_starts="", break_1_ends=""),
    )
    shift.refresh_from_db()
    assert (shift.ends.hour, shift.breaks.count()) == (13, 0)

    ending = client.get(hours_url(world.physio) + f"?end={shift.pk}")
    assert ending.context["end_form"].initial["from_day"] == VIEW_NOW.date()
    data = {"action": "shift-end-preview", "shift_id": shift.pk, "from_day": "2027-03-08"}
    preview = client.post(hours_url(world.physio), data)
    response = client.post(
        hours_url(world.physio),
        {**data, "action": "shift-end", "previewed": preview.context["preview"].ids},
        follow=True,
    )
    assert "Shift removed." in response.text
    assert not WorkingHours.objects.filter(pk=shift.pk).exists()


def test_a_refused_shift_is_a_form_error_and_nothing_is_saved(client, personas, world):
    client.force_login(personas.manager)
    before = WorkingHours.objects.count()
    response = client.post(hours_url(world.physio), shift_post(world))  # closed Saturdays
    assert response.status_code == 200
    assert response.context["shift_form"].errors["starts"] == ["Pickering is closed on Saturdays."]
    # Breaks outside the shift: the message has no field, so it is shown above the form.
    saturday_opening_hours(world)
    response = client.post(
        hours_url(world.physio), shift_post(world, break_1_starts="13:00", break_1_ends="13:30")
    )
    assert "outside the shift" in response.context["shift_form"].non_field_errors()[0]
    response = client.post(hours_url(world.physio), shift_post(world, break_1_ends=""))
    assert "Give both the start" in response.text
    assert WorkingHours.objects.count() == before


def test_time_off_over_a_booking_shows_in_the_changed_hours_report(client, personas, world):
    booked = book(world, at(9, 10), personas.patient_a)
    client.force_login(personas.manager)
    response = client.post(
        hours_url(world.physio),
        {
            "action": "time-off-save",
            "starts_at": "2027-03-09T09:00",
            "ends_at": "2027-03-09T12:00",
            "reason": "Course",
        },
        follow=True,
    )
    assert "Time off saved. 1 booked appointment is now outside" in response.text
    assert [a.pk for a in response.context["outside"]] == [booked.pk]
    assert reverse("appointment-detail", args=[booked.pk]) in response.text
    time_off = TimeOff.objects.get(practitioner=world.physio, reason="Course")

    response = client.post(
        hours_url(world.physio),
        {"action": "time-off-delete", "time_off_id": time_off.pk},
        follow=True,
    )
    assert "Time off deleted." in response.text
    assert response.context["outside"] == []
    booked.refresh_from_db()
    assert booked.outside_hours_since is None


def test_time_off_that_ends_before_it_starts_is_refused(client, personas, world):
    client.force_login(personas.manager)
    response = client.post(
        hours_url(world.physio),
        {"action": "time-off-save", "starts_at": "2027-03-09T12:00", "ends_at": "2027-03-09T09:00"},
    )
    assert "Time off must end after it starts." in response.text
    assert not TimeOff.objects.exists()


def test_hours_rows_of_another_practitioner_are_not_found(client, personas, world):
    client.force_login(personas.manager)
    theirs = WorkingHours.objects.filter(practitioner=world.massage_therapist).first()
    for action in ("shift-end-preview", "shift-end"):
        response = client.post(
            hours_url(world.physio),
            {"action": action, "shift_id": theirs.pk, "from_day": "2027-03-08"},
        )
        assert response.status_code == 404
    response = client.get(hours_url(world.physio) + f"?edit={theirs.pk}")
    assert response.status_code == 404
    assert WorkingHours.objects.filter(pk=theirs.pk).exists()
    assert client.get(reverse("staff-hours-practitioner", args=[999_999])).status_code == 404


def test_the_hours_page_reads_its_report_in_a_fixed_number_of_queries(client, personas, world):
    for day in (9, 10):
        book(world, at(day, 10), personas.patient_a)
    clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(9, 0), ends_at=at(11, 0))
    )
    client.force_login(personas.manager)
    client.get(hours_url(world.physio))
    before = queries(client, hours_url(world.physio))
    book(world, at(8, 14), personas.patient_b)
    appointment = book(world, at(12, 10), personas.patient_b)
    clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(12, 0), ends_at=at(12, 23))
    )
    assert Appointment.objects.filter(outside_hours_since__isnull=False).count() == 3
    assert appointment.pk in [a.pk for a in client.get(hours_url(world.physio)).context["outside"]]
    assert queries(client, hours_url(world.physio)) == before


def test_a_visit_the_patient_confirmed_says_so_on_the_desk_s_day(client, personas, world, day):
    appointment_confirm_by_patient(appointment=day["coming"], now=at(8, 9))
    client.force_login(personas.front_desk)
    page = client.get(desk_url(world)).text
    rows = {row.split("</th>")[0]: row for row in page.split('<tr class="status-')[1:]}
    confirmed = [name for name, row in rows.items() if ">confirmed</span>" in row]
    assert len(confirmed) == 1
    assert personas.guardian.full_name in confirmed[0]


def test_the_desk_sees_whom_no_reminder_reached_and_calls_them(client, personas, world, day):
    clinic = Clinic.objects.get(pk=world.pickering.clinic_id)
    ReminderRule.objects.create(clinic=clinic, channel=ReminderChannel.EMAIL, hours_before=48)
    unreachable = personas.patient_b
    unreachable.contact_by_email = False
    unreachable.save(update_fields=["contact_by_email"])
    # Booked last week: the reminders' time (48 h before) comes after the booking.
    silent = book(world, at(9, 10), unreachable, now=at(5, 8))
    told = book(world, at(9, 11), personas.patient_a, now=at(5, 8))
    confirmed = book(world, at(9, 15), unreachable, now=at(5, 8))
    appointment_confirm_by_patient(appointment=confirmed, now=EARLY)
    reminders_send_due(now=EARLY)
    client.force_login(personas.front_desk)
    response = client.get(desk_url(world))
    assert [a.pk for a in response.context["not_reminded"]] == [silent.pk]
    assert told.pk != silent.pk
    page = response.text
    assert "Not reminded — please call" in page
    assert f'href="tel:{unreachable.phone}"' in page
