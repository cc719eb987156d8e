"""The manager's overdue notes: per practitioner, how many visits held or missed are past
the clinic's note deadline without a signed note, and the oldest one's date — counts
only, never a patient or a note's content; for managers only, in their menu.

The clock is fixed at Wednesday 2027-03-10 11:00 in Toronto; the clinic's deadline is
24 hours after the visit's start unless a test changes it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from rehabdesk.care.choices import NoteKind
from rehabdesk.care.testing import MASSAGE, SOAP, note_write, template_create
from rehabdesk.clinic.models import Clinic
from rehabdesk.scheduling.services import (
    appointment_arrive,
    appointment_book,
    appointment_cancel,
    appointment_mark_noshow,
)
from rehabdesk.scheduling.testing import at, build_booking_world

pytestmark = pytest.mark.django_db

VIEW_NOW = at(10, 11)
EARLY = at(1, 8)
SIGNABLE = {"complaint": "Sore knee on stairs", "plan": "Quadriceps loading; review Friday"}
URL = "/staff/notes/overdue/"


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: VIEW_NOW)


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


@pytest.fixture
def templates(db):
    return {
        "physio": template_create(
            code="overdue-physio", discipline="physiotherapy", definition=SOAP, now=EARLY
        ),
        "massage": template_create(
            code="overdue-massage", discipline="massage-therapy", definition=MASSAGE, now=EARLY
        ),
    }


def held(world, start, patient, **changes):
    """A visit that took place: booked the week before, checked in on the day."""
    visit = appointment_book(
        request=world.request(start, patient=patient, **changes), actor=None, now=EARLY
    )
    appointment_arrive(appointment=visit, actor=None, now=start.replace(hour=8))
    return visit


@pytest.fixture
def week(world, personas, templates):
    """The physio: Monday 9:00 no note, 10:00 a draft, 11:00 signed, 14:00 cancelled,
    15:00 a no-show without the record of it; Wednesday 9:00 no note yet (not due).
    The massage therapist: Tuesday 10:00 no note."""
    physio = personas.physio.user
    no_note = held(world, at(8, 9), personas.patient_a)
    drafted = held(world, at(8, 10), personas.patient_a)
    note_write(
        actor=physio,
        template=templates["physio"],
        appointment=drafted,
        content={},
        now=at(8, 10, 40),
        sign=False,
    )
    signed = held(world, at(8, 11), personas.patient_b)
    note_write(
        actor=physio,
        template=templates["physio"],
        appointment=signed,
        content=SIGNABLE,
        now=at(8, 11, 40),
    )
    cancelled = appointment_book(
        request=world.request(at(8, 14), patient=personas.guardian), actor=None, now=EARLY
    )
    appointment_cancel(appointment=cancelled, actor=None, now=at(5, 9))
    missed = appointment_book(
        request=world.request(at(8, 15), patient=personas.child), actor=None, now=EARLY
    )
    appointment_mark_noshow(appointment=missed, actor=None, now=at(8, 15, 30))
    held(world, at(10, 9), personas.patient_b)
    held(
        world,
        at(9, 10),
        personas.patient_b,
        practitioner=world.massage_therapist,
        service=world.massage,
    )
    return {"no_note": no_note, "drafted": drafted, "signed": signed, "missed": missed}


def overdue_page(client, personas):
    client.force_login(personas.manager)
    response = client.get(reverse("notes-overdue"))
    assert response.status_code == 200
    return response


def test_it_counts_each_practitioner_s_visits_past_the_deadline_without_a_signed_note(
    client, personas, week
):
    rows = overdue_page(client, personas).context["overdue"]
    assert [(r.practitioner_name, r.count, r.oldest) for r in rows] == [
        # Monday's visit without a note, the draft, the no-show; not the signed note,
        # the cancelled visit, or Wednesday's visit still within its 24 hours.
        ("Priya Physio", 3, at(8, 9)),
        ("Olivia Massage", 1, at(9, 10)),
    ]


def test_signing_a_note_takes_it_off_the_count(client, personas, templates, week):
    note_write(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=week["no_note"],
        content=SIGNABLE,
        now=at(10, 10),
    )
    note_write(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=week["missed"],
        kind=NoteKind.MISSED,
        content=SIGNABLE,
        now=at(10, 10),
    )
    rows = overdue_page(client, personas).context["overdue"]
    # Most overdue first, then by name.
    assert [(r.practitioner_name, r.count, r.oldest) for r in rows] == [
        ("Olivia Massage", 1, at(9, 10)),
        ("Priya Physio", 1, at(8, 10)),  # the draft still counts
    ]


def test_the_clinic_s_deadline_decides_what_is_overdue(client, personas, week):
    Clinic.objects.update(note_due_hours=72)  # the clinic's setting, as the admin saves it
    rows = overdue_page(client, personas).context["overdue"]
    assert [(r.practitioner_name, r.count) for r in rows] == []
    Clinic.objects.update(note_due_hours=48)
    rows = overdue_page(client, personas).context["overdue"]
    # Monday's 9:00 and 10:00 (50 and 49 hours ago); not the 15:00 no-show (44 hours).
    assert [(r.practitioner_name, r.count) for r in rows] == [("Priya Physio", 2)]
    assert "more than 48 hours ago" in overdue_page(client, personas).text


def test_the_page_says_since_when_the_clinic_keeps_its_notes_here(client, personas, week):
    assert "began keeping its notes here" not in overdue_page(client, personas).text
    Clinic.objects.update(notes_due_from=date(2027, 3, 1))
    page = overdue_page(client, personas).text
    assert "from Mar 1, 2027 when the clinic began keeping its notes here" in page
    assert "more than 24 hours ago" in page


def test_the_page_names_practitioners_never_patients_or_content(client, personas, week):
    page = overdue_page(client, personas).text
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    cells = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", table, re.S)
    ]
    assert cells == ["Priya Physio", "3", "Mar 8, 2027", "Olivia Massage", "1", "Mar 9, 2027"]
    # The forms' random CSRF tokens taken out: one may spell "Bob" by chance.
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    for patient in ("Alice", "Anders", "Bob", "Brown", "Grace", "Charlie"):
        assert patient not in page
    for words in SIGNABLE.values():
        assert words not in page


def test_nothing_overdue_says_so(client, personas, world, templates):
    response = overdue_page(client, personas)
    assert response.context["overdue"] == []
    assert "No overdue notes" in response.text


@pytest.mark.parametrize(
    "persona", ["front_desk", "physio", "massage_therapist", "patient_a", "guardian", "outsider"]
)
def test_only_managers_see_the_overdue_notes(client, personas, week, persona):
    client.force_login(personas.user(persona))
    assert client.get(URL).status_code == 404


def test_the_address_is_the_contract_s(client, personas):
    assert reverse("notes-overdue") == URL
    assert client.get(URL).status_code == 302  # anonymous: to the sign-in page


def menu(client, user, url):
    client.force_login(user)
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', client.get(url).text, re.S)
    assert nav is not None
    return nav[1]


def test_the_manager_s_menu_leads_there_and_nobody_else_s(client, personas):
    assert f'href="{URL}">Overdue notes</a>' in menu(
        client, personas.manager, reverse("patient-search")
    )
    assert "Overdue notes" not in menu(client, personas.front_desk, reverse("desk-day"))
    assert "Overdue notes" not in menu(client, personas.physio.user, reverse("my-day"))


def test_it_reads_in_a_fixed_number_of_queries(
    client, personas, world, templates, week, django_assert_num_queries
):
    client.force_login(personas.manager)
    client.get(URL)
    # the session and the user, the manager's roles, the clinic's deadline and the counts
    # (the selector's two), the clinic with its deadline for the page's words, the
    # clinic's name for the header, the manager's permissions for the menu (two)
    with django_assert_num_queries(9) as few:
        client.get(URL)
    for day in (1, 2, 3):
        held(world, at(day, 9), personas.guardian)
        held(
            world,
            at(day, 10),
            personas.patient_b,
            practitioner=world.massage_therapist,
            service=world.massage,
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert [r.count for r in response.context["overdue"]] == [6, 4]
