"""The patient page's past visits show each visit's note to the practitioners in the
patient's care (a signed note to view, their own draft to continue, their own visit's
note to write), and nothing of notes to the desk or a manager; the appointment page
offers its own practitioner Write note / Open note.

The clock is fixed at Wednesday 2027-03-10 11:00 in Toronto. Alice (patient A) is in
the physio's care; her massage on Tuesday puts her in the massage therapist's too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rehabdesk.care.choices import NoteState
from rehabdesk.care.testing import MASSAGE, SOAP, note_write, template_create
from rehabdesk.scheduling.services import appointment_arrive, appointment_book, appointment_cancel
from rehabdesk.scheduling.testing import at, build_booking_world

pytestmark = pytest.mark.django_db

VIEW_NOW = at(10, 11)
EARLY = at(1, 8)
SIGNABLE = {"complaint": "Shoulder pain lifting the kettle", "plan": "Cuff loading; review"}
NOTE_COLUMN = '<th scope="col">Note</th>'


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
            code="pages-physio", discipline="physiotherapy", definition=SOAP, now=EARLY
        ),
        "massage": template_create(
            code="pages-massage", discipline="massage-therapy", definition=MASSAGE, now=EARLY
        ),
    }


def held(world, start, patient, **changes):
    visit = appointment_book(
        request=world.request(start, patient=patient, **changes), actor=None, now=EARLY
    )
    appointment_arrive(appointment=visit, actor=None, now=start.replace(hour=8))
    return visit


@pytest.fixture
def visits(world, personas, templates):
    """Alice's past visits: Monday 9:00 signed, 10:00 the physio's draft, 14:00
    cancelled; Tuesday 9:00 no note yet; Tuesday 10:00 a massage, its therapist's draft."""
    alice = personas.patient_a
    physio = personas.physio.user
    signed = held(world, at(8, 9), alice)
    note_write(
        actor=physio,
        template=templates["physio"],
        appointment=signed,
        content=SIGNABLE,
        now=at(8, 9, 40),
    )
    drafted = held(world, at(8, 10), alice)
    note_write(
        actor=physio,
        template=templates["physio"],
        appointment=drafted,
        content={},
        now=at(8, 10, 40),
        sign=False,
    )
    cancelled = appointment_book(
        request=world.request(at(8, 14), patient=alice), actor=None, now=EARLY
    )
    appointment_cancel(appointment=cancelled, actor=None, now=at(5, 9))
    unwritten = held(world, at(9, 9), alice)
    massage = held(
        world, at(9, 10), alice, practitioner=world.massage_therapist, service=world.massage
    )
    massage_note = note_write(
        actor=personas.massage_therapist.user,
        template=templates["massage"],
        appointment=massage,
        content={},
        now=at(9, 11, 20),
        sign=False,
    )
    return {
        "signed": signed,
        "drafted": drafted,
        "cancelled": cancelled,
        "unwritten": unwritten,
        "massage": massage,
        "massage_note": massage_note,
        "notes": {
            "signed": signed.notes.get().pk,
            "drafted": drafted.notes.get().pk,
        },
    }


def patient_page(client, user, patient):
    client.force_login(user)
    response = client.get(reverse("patient-detail", args=[patient.pk]))
    assert response.status_code == 200
    return response


def past_notes(response):
    """The past visits' notes the page shows: appointment id -> (state, opens, writes)."""
    return {
        pk: (link.state, link.openable, link.writable)
        for pk, link in (response.context["notes"] or {}).items()
    }


def test_a_practitioner_in_care_sees_each_past_visit_s_note(client, personas, visits):
    response = patient_page(client, personas.physio.user, personas.patient_a)
    assert past_notes(response) == {
        visits["signed"].pk: (NoteState.SIGNED, True, False),
        visits["drafted"].pk: (NoteState.DRAFT, True, False),
        visits["cancelled"].pk: (NoteState.NOT_STARTED, False, False),
        visits["unwritten"].pk: (NoteState.NOT_STARTED, False, True),
        # The massage therapist's draft is theirs: its state only.
        visits["massage"].pk: (NoteState.DRAFT, False, False),
    }
    page = response.text
    assert NOTE_COLUMN in page
    past = page.split('id="past-heading"', 1)[1]
    assert past.count('">Signed</span>') == 1
    assert past.count('">Draft</span>') == 2
    # A cancelled visit needs no note: "Not started" is said of Tuesday's only.
    assert past.count('">Not started</span>') == 1


def test_the_other_practitioner_in_care_sees_their_own_draft_and_the_signed_note(
    client, personas, visits
):
    response = patient_page(client, personas.massage_therapist.user, personas.patient_a)
    notes = past_notes(response)
    assert notes[visits["massage"].pk] == (NoteState.DRAFT, True, False)
    assert notes[visits["signed"].pk] == (NoteState.SIGNED, True, False)
    # The physio's draft and unwritten visit are the physio's to write.
    assert notes[visits["drafted"].pk] == (NoteState.DRAFT, False, False)
    assert notes[visits["unwritten"].pk] == (NoteState.NOT_STARTED, False, False)


def test_the_past_visits_link_to_their_notes(client, personas, visits):
    page = patient_page(client, personas.physio.user, personas.patient_a).text
    assert reverse("note-edit", args=[visits["notes"]["signed"]]) in page
    assert reverse("note-edit", args=[visits["notes"]["drafted"]]) in page
    assert reverse("note-edit", args=[visits["massage_note"].pk]) not in page
    assert reverse("note-start", args=[visits["unwritten"].pk]) in page
    assert reverse("note-start", args=[visits["cancelled"].pk]) not in page


@pytest.mark.parametrize("persona", ["front_desk", "manager"])
def test_the_desk_and_managers_see_no_note_states(client, personas, visits, persona):
    response = patient_page(client, personas.user(persona), personas.patient_a)
    assert response.context["notes"] is None
    past = response.text.split('id="past-heading"', 1)[1]
    assert NOTE_COLUMN not in response.text
    for words in ("Signed", "Draft", "Not started", "Write note", "/staff/notes/"):
        assert words not in past
    # The past visits themselves are shown as before.
    assert reverse("appointment-detail", args=[visits["signed"].pk]) in past


def test_a_patient_without_past_visits_reads_no_notes(client, personas, world, templates):
    response = patient_page(client, personas.physio.user, personas.patient_a)
    assert response.context.get("notes") is None
    assert NOTE_COLUMN not in response.text


def test_the_patient_page_reads_notes_in_a_fixed_number_of_queries(
    client, personas, world, templates, visits, django_assert_num_queries
):
    client.force_login(personas.physio.user)
    url = reverse("patient-detail", args=[personas.patient_a.pk])
    client.get(url)
    # The practitioner's page (31) + whether they are in care, the past visits' notes
    # (id and state, one query), the visits the lockbox withholds, and whether the
    # account is theirs to see (never)
    with django_assert_num_queries(35) as few:
        client.get(url)
    for day in (1, 2, 3):
        visit = held(world, at(day, 9), personas.patient_a)
        note_write(
            actor=personas.physio.user,
            template=templates["physio"],
            appointment=visit,
            content=SIGNABLE,
            now=at(day, 10),
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["notes"]) == 8


# --- The appointment page ----------------------------------------------------------------


def appointment_page(client, user, appointment):
    client.force_login(user)
    response = client.get(reverse("appointment-detail", args=[appointment.pk]))
    assert response.status_code == 200
    return response.text


def test_the_appointment_s_practitioner_has_the_visit_s_note_there(client, personas, visits):
    unwritten = appointment_page(client, personas.physio.user, visits["unwritten"])
    assert ">Visit note</h2>" in unwritten
    assert '">Not started</span>' in unwritten
    signed = appointment_page(client, personas.physio.user, visits["signed"])
    assert '">Signed</span>' in signed


def test_the_appointment_page_offers_write_note_or_open_note(client, personas, visits):
    unwritten = appointment_page(client, personas.physio.user, visits["unwritten"])
    assert f'action="{reverse("note-start", args=[visits["unwritten"].pk])}"' in unwritten
    assert "Write note" in unwritten
    for name in ("signed", "drafted"):
        text = appointment_page(client, personas.physio.user, visits[name])
        assert f'href="{reverse("note-edit", args=[visits["notes"][name]])}">Open note' in text
        assert "Write note" not in text


@pytest.mark.parametrize("persona", ["front_desk", "manager", "massage_therapist"])
def test_nobody_else_has_the_visit_s_note_on_the_appointment_page(
    client, personas, visits, persona
):
    # The massage therapist cares for Alice too, but this visit is the physio's.
    for name in ("signed", "unwritten"):
        text = appointment_page(client, personas.user(persona), visits[name])
        assert "Visit note" not in text
        assert "Not started" not in text
        assert '">Signed</span>' not in text


def test_a_cancelled_visit_has_no_note_to_write(client, personas, visits):
    text = appointment_page(client, personas.physio.user, visits["cancelled"])
    assert "Visit note" not in text
