"""The online booking's steps as a new patient with back pain meets them, driven with
Django's test client: nothing chosen for them on step 1, services by discipline with
the first visit first and tax shown, a follow-up refused to a new patient before they
type anything, practitioners with a photo slot, languages and a bio, the free times as
a calendar week, and the booked page's change or cancel, calendar file and portal
password."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.clinic import loading
from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import PatientEligibility, ServiceKind
from rehabdesk.clinic.testing import (
    make_practitioner,
    make_registration,
    make_shift,
    sample_service,
)
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import build_booking_world
from rehabdesk.web.online.time_views import VISIT_NEEDED
from rehabdesk.web.tests.test_online_pages import NEW, prove

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    world = build_booking_world(personas)
    # The follow-up needs a first visit; the assessment is that first visit.
    world.follow_up.patient_eligibility = PatientEligibility.EXISTING_ONLY
    clinic_services.service_save(service=world.follow_up, on=timezone.localdate())
    return world


@pytest.fixture
def assessment(world):
    spec = sample_service(
        "Physiotherapy assessment", minutes=45, resource_kinds=["treatment-room"], price="120.00"
    )
    return loading.service_load(
        service=replace(spec, kind=ServiceKind.INITIAL_ASSESSMENT), today=timezone.localdate()
    )


def times_query(service, world, **extra: str) -> str:
    return "&".join(
        [f"service={service.pk}", f"location={world.pickering.pk}", "practitioner="]
        + [f"{key}={value}" for key, value in extra.items()]
    )


def first_pick(html: str) -> str:
    found = re.search(r'name="pick" value="([^"]+)"', html)
    assert found, "no time to choose"
    return found.group(1)


def test_step_one_chooses_nothing_and_asks_whether_they_have_been_before(client, assessment):
    html = client.get(reverse("book-start")).content.decode()
    assert "Have you been to our clinic before?" in html
    assert " checked" not in html


def test_services_are_grouped_by_discipline_with_the_first_visit_first(client, world, assessment):
    html = client.get(reverse("book-start")).content.decode()
    legends = re.findall(r"<legend>([^<]+)</legend>", html)
    assert legends.index("Physiotherapy") < legends.index("Massage therapy")
    physio = html[html.index("<legend>Physiotherapy</legend>") : html.index("Massage therapy")]
    assert physio.index(assessment.name) < physio.index(world.follow_up.name)
    assert "First visit" in physio
    follow_up = html[html.index(f'id="service-{world.follow_up.pk}"') :]
    assert follow_up.index("For returning patients") < follow_up.index("</label>")


def test_prices_show_tax_from_the_first_step(client, world, assessment):
    html = client.get(reverse("book-start")).content.decode()
    massage = html[html.index(world.massage.name) :]
    massage = massage[: massage.index("</label>")]
    assert re.search(r"\$85\.00 \+ \$11\.05 HST \(\$96\.05 in all\)", massage), massage
    assessed = html[html.index(assessment.name) :]
    assert "$120.00 HST exempt" in assessed[: assessed.index("</label>")]


def test_step_one_without_saying_new_or_returning_asks_again(client, world):
    page = client.get(reverse("book-location"), {"service": world.massage.pk})
    assert page.status_code == 200
    assert VISIT_NEEDED in page.content.decode()
    assert "Where would you like to come?" not in page.content.decode()


def test_a_new_patient_is_refused_a_follow_up_on_step_one(client, world):
    page = client.get(reverse("book-location"), {"service": world.follow_up.pk, "visit": "new"})
    assert page.status_code == 200  # a rule to correct, beside the form (web/refusals.py)
    html = page.content.decode()
    assert "follows a first visit" in html
    assert "Where would you like to come?" not in html
    # A returning patient may book it.
    again = client.get(
        reverse("book-location"), {"service": world.follow_up.pk, "visit": "returning"}
    )
    assert "Where would you like to come?" in again.content.decode()


def test_a_new_patient_with_a_follow_up_held_is_told_before_the_five_fields(client, world):
    """Someone who reached the details step by another way (a later step's address)."""
    pick = first_pick(
        client.get(
            reverse("book-times") + "?" + times_query(world.follow_up, world)
        ).content.decode()
    )
    client.post(
        reverse("book-times"),
        {"service": world.follow_up.pk, "location": world.pickering.pk, "pick": pick},
    )
    page = client.get(reverse("book-new"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "follows a first visit" in html
    assert 'name="first_name"' not in html
    refused = client.post(reverse("book-new"), NEW)
    assert "follows a first visit" in refused.content.decode()
    assert not Appointment.objects.filter(patient__isnull=False).exists()


def test_the_answer_on_step_one_leads_straight_to_the_right_form(client, world, assessment):
    query = times_query(assessment, world, visit="new")
    pick = first_pick(client.get(reverse("book-times") + "?" + query).content.decode())
    form = {"service": assessment.pk, "location": world.pickering.pk, "visit": "new"}
    assert client.post(reverse("book-times"), {**form, "pick": pick}).status_code == 302
    assert client.get(reverse("book-details")).status_code == 200  # the address first
    assert prove(client, "grace@persona.example")["Location"] == reverse("book-new")
    client.post(reverse("book-details"), {"action": "restart"})
    query = times_query(world.follow_up, world, visit="returning")
    pick = first_pick(client.get(reverse("book-times") + "?" + query).content.decode())
    form = {**form, "service": world.follow_up.pk, "visit": "returning"}
    assert client.post(reverse("book-times"), {**form, "pick": pick}).status_code == 302
    assert prove(client, "nobody@example.com")["Location"] == reverse("book-returning")


def test_practitioners_show_a_photo_slot_languages_and_a_short_bio(client, world, assessment):
    physio = world.physio
    physio.languages = "English, French"
    physio.bio = "Treats back and neck pain. " * 20
    clinic_services.practitioner_save(practitioner=physio)
    html = client.get(
        reverse("book-practitioner"), {"service": assessment.pk, "visit": "new"}
    ).content.decode()
    card = html[html.index(f'id="practitioner-{physio.pk}"') :]
    card = card[: card.index('<div class="choice')] if '<div class="choice' in card else card
    initials = "".join(word[0] for word in physio.display_name.split()[:2]).upper()
    assert re.search(rf'<span class="photo" aria-hidden="true">{initials}</span>', card)
    assert "Speaks English, French" in card
    bio = re.search(r'<span class="bio">([^<]+)</span>', card)
    assert bio
    assert 100 < len(bio.group(1)) <= 200
    assert f'aria-describedby="about-{physio.pk}"' in card


def test_the_free_times_are_a_calendar_week_with_the_next_and_previous_weeks(
    client, world, assessment
):
    query = times_query(assessment, world, visit="new")
    html = client.get(reverse("book-times") + "?" + query).content.decode()
    days = re.findall(r'<section class="day[^"]*" aria-labelledby="day-(\d)"', html)
    assert days == [str(n) for n in range(1, 8)]
    assert "Monday" in html
    assert "Sunday" in html
    assert "No free times" in html  # the weekend: the clinic's hours are weekdays
    assert 'rel="prev"' not in html  # the first week with a free time: none before it
    following = re.search(r'href="/book/times/\?([^"]+)" rel="next"', html)
    assert following
    monday = date.fromisoformat(re.findall(r"week=(\d{4}-\d\d-\d\d)", following.group(1))[0])
    assert monday.weekday() == 0
    later = client.get(reverse("book-times") + "?" + following.group(1).replace("&amp;", "&"))
    later_html = later.content.decode()
    assert 'rel="prev"' in later_html
    start = first_pick(later_html)[:10]  # the week's first free time is in that week
    assert monday.isoformat() <= start < (monday + timedelta(days=7)).isoformat()


def test_a_week_asked_for_in_the_past_shows_this_week(client, world, assessment):
    query = times_query(assessment, world, visit="new", week="2001-01-01")
    html = client.get(reverse("book-times") + "?" + query).content.decode()
    assert 'rel="prev"' not in html
    assert "2001" not in html


def book_as_new_patient(client, world, assessment) -> tuple[Appointment, str]:
    query = times_query(assessment, world, visit="new")
    pick = first_pick(client.get(reverse("book-times") + "?" + query).content.decode())
    form = {"service": assessment.pk, "location": world.pickering.pk, "visit": "new"}
    client.post(reverse("book-times"), {**form, "pick": pick})
    prove(client, NEW["email"])
    review = client.post(reverse("book-new"), NEW)["Location"]
    done = client.post(review, {"notice": "1", "consent": "yes"})["Location"]
    booked = Appointment.objects.get(patient__email=NEW["email"])
    assert booked.status == AppointmentStatus.BOOKED
    return booked, done


def test_the_booked_page_offers_change_or_cancel_a_calendar_file_and_a_password(
    client, world, assessment
):
    booked, done = book_as_new_patient(client, world, assessment)
    html = client.get(done).content.decode()
    manage = re.search(r'href="(/manage/[^"]+/)">Change or cancel this appointment', html)
    assert manage
    assert "nina" not in manage.group(1).lower()
    managed = client.get(manage.group(1))
    assert managed.status_code == 200
    assert assessment.name in managed.content.decode()

    calendar = re.search(r'href="([^"]+\.ics)"', html)
    assert calendar
    assert "nina" not in calendar.group(1).lower()
    ics = client.get(calendar.group(1))
    assert ics.status_code == 200
    assert ics["Content-Type"].startswith("text/calendar")
    assert "attachment" in ics["Content-Disposition"]
    text = ics.content.decode()
    assert "BEGIN:VEVENT" in text
    assert f"UID:appointment-{booked.pk}@" in text
    # Another visitor's session does not open it.
    assert type(client)().get(calendar.group(1)).status_code == 404

    password = re.search(r'<form method="post" action="([^"]+/password/)"', html)
    assert password
    sent = client.post(password.group(1), follow=True)
    assert "link to set your password" in sent.content.decode()
    link = OutboxMessage.objects.get(kind="password_link")
    assert link.recipient == NEW["email"]
    booked.patient.refresh_from_db()
    assert booked.patient.user_id is not None


def test_the_calendar_file_and_password_wait_for_the_booking(client, world, assessment):
    query = times_query(assessment, world, visit="new")
    pick = first_pick(client.get(reverse("book-times") + "?" + query).content.decode())
    form = {"service": assessment.pk, "location": world.pickering.pk, "visit": "new"}
    client.post(reverse("book-times"), {**form, "pick": pick})
    prove(client, NEW["email"])
    review = client.post(reverse("book-new"), NEW)["Location"]
    token = review.split("/")[-3]
    assert client.get(reverse("book-calendar", kwargs={"token": token})).status_code == 404
    assert client.post(reverse("book-password", kwargs={"token": token})).status_code == 404
    assert not OutboxMessage.objects.filter(kind="password_link").exists()


def test_first_available_shows_each_start_once_with_whoever_is_free(client, world, assessment):
    second = make_practitioner("Sam Second")
    make_registration(second)
    for day in range(5):
        make_shift(second, world.pickering, day, "09:00", "17:00")
    html = client.get(
        reverse("book-times") + "?" + times_query(assessment, world, visit="new")
    ).content.decode()
    picks = re.findall(r'name="pick" value="([^"|]+)\|(\d+)\|', html)
    starts = [start for start, _who in picks]
    assert starts
    assert len(starts) == len(set(starts))  # one button per start, not one per person
    # With one practitioner chosen, their name is not repeated on every time.
    chosen = client.get(
        reverse("book-times"),
        {"service": assessment.pk, "location": world.pickering.pk, "practitioner": second.pk},
    ).content.decode()
    assert 'class="slot-who"' not in chosen
    assert {who for _start, who in re.findall(r'name="pick" value="([^"|]+)\|(\d+)\|', chosen)} == {
        str(second.pk)
    }


def test_a_signed_in_patient_is_not_asked_whether_they_have_been_before(
    client, personas, world, assessment
):
    client.force_login(personas.user("patient_a"))
    html = client.get(reverse("book-start")).content.decode()
    assert "Have you been to our clinic before?" not in html
    assert '<input type="hidden" name="visit" value="returning">' in html
    page = client.get(reverse("book-location"), {"service": world.follow_up.pk})
    assert "Where would you like to come?" in page.content.decode()


def test_a_service_for_new_patients_only_says_so(client, world):
    world.massage.patient_eligibility = PatientEligibility.NEW_ONLY
    clinic_services.service_save(service=world.massage, on=timezone.localdate())
    html = client.get(reverse("book-start")).content.decode()
    massage = html[html.index(f'id="service-{world.massage.pk}"') :]
    assert "For new patients" in massage[: massage.index("</label>")]


def test_a_returning_patient_with_a_sign_in_is_offered_to_sign_in_not_a_new_password(
    client, world, assessment
):
    query = times_query(assessment, world, visit="returning")
    pick = first_pick(client.get(reverse("book-times") + "?" + query).content.decode())
    form = {"service": assessment.pk, "location": world.pickering.pk, "visit": "returning"}
    client.post(reverse("book-times"), {**form, "pick": pick})
    prove(client, world.patient.email)
    review = client.post(reverse("book-returning"), {"person": world.patient.pk})["Location"]
    done = client.post(review, {"notice": "1", "consent": "yes"})["Location"]
    html = client.get(done).content.decode()
    assert "Sign in to see all my appointments" in html
    assert "Set a password" not in html
    assert "Change or cancel this appointment" in html
