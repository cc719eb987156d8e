"""A practitioner's day shows each visit's note — not started, draft, signed — with the
one way on (Write note, Continue, View), and lists their drafts still to sign, oldest
visit first; in a fixed number of queries however many notes there are.

The clock is fixed at Monday 2027-03-08 11:00 in Toronto: Alice came at 9:00, Charlie
missed 9:45, Grace is coming at 13:00; Bob is the massage therapist's."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rehabdesk.audit.models import AuditEvent
from rehabdesk.care.choices import NoteKind, NoteRelation, NoteState
from rehabdesk.care.services import note_correct
from rehabdesk.care.testing import MASSAGE, SOAP, note_write, template_create
from rehabdesk.scheduling.services import (
    appointment_arrive,
    appointment_book,
    appointment_mark_noshow,
)
from rehabdesk.scheduling.testing import at, build_booking_world

pytestmark = pytest.mark.django_db

VIEW_NOW = at(8, 11)
EARLY = at(1, 8)
SIGNABLE = {"complaint": "Stiff neck after a long drive", "plan": "Mobility; review next week"}


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
            code="day-physio", discipline="physiotherapy", definition=SOAP, now=EARLY
        ),
        "massage": template_create(
            code="day-massage", discipline="massage-therapy", definition=MASSAGE, now=EARLY
        ),
    }


def book(world, start, patient, *, now=EARLY, **changes):
    return appointment_book(
        request=world.request(start, patient=patient, **changes), actor=None, now=now
    )


@pytest.fixture
def day(world, personas):
    alice = book(world, at(8, 9), personas.patient_a)
    appointment_arrive(appointment=alice, actor=None, now=at(8, 8, 55))
    charlie = book(world, at(8, 9, 45), personas.child)
    appointment_mark_noshow(appointment=charlie, actor=None, now=at(8, 10, 30))
    grace = book(world, at(8, 13), personas.guardian)
    bob = book(
        world,
        at(8, 10),
        personas.patient_b,
        practitioner=world.massage_therapist,
        service=world.massage,
    )
    appointment_arrive(appointment=bob, actor=None, now=at(8, 9, 55))
    return {"alice": alice, "charlie": charlie, "grace": grace, "bob": bob}


@pytest.fixture
def notes(personas, templates, day):
    """Alice's note signed, Charlie's missed visit a draft, Grace's not started."""
    physio = personas.physio.user
    return {
        "alice": note_write(
            actor=physio,
            template=templates["physio"],
            appointment=day["alice"],
            content=SIGNABLE,
            now=at(8, 9, 40),
        ),
        "charlie": note_write(
            actor=physio,
            template=templates["physio"],
            appointment=day["charlie"],
            kind=NoteKind.MISSED,
            content={},
            now=at(8, 10, 40),
            sign=False,
        ),
    }


def my_day(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("my-day") + query)
    assert response.status_code == 200
    return response


def test_it_shows_each_visit_s_note_state(client, personas, day, notes):
    response = my_day(client, personas.physio.user)
    states = {pk: link.state for pk, link in response.context["notes"].items()}
    assert states == {
        day["alice"].pk: NoteState.SIGNED,
        day["charlie"].pk: NoteState.DRAFT,
        day["grace"].pk: NoteState.NOT_STARTED,
    }
    page = response.text
    for label in ("Signed", "Draft", "Not started"):
        assert page.count(f'">Note: {label}</span>') == 1
    assert '<th scope="col">Status and note</th>' in page


def test_it_knows_which_note_each_visit_opens(client, personas, day, notes):
    links = my_day(client, personas.physio.user).context["notes"]
    alice, charlie, grace = (links[day[name].pk] for name in ("alice", "charlie", "grace"))
    assert (alice.note_id, alice.openable, alice.writable) == (notes["alice"].pk, True, False)
    assert (charlie.note_id, charlie.openable, charlie.writable) == (
        notes["charlie"].pk,
        True,
        False,
    )
    assert (grace.note_id, grace.openable, grace.writable) == (None, False, True)


def test_it_offers_write_continue_and_view_by_state(client, personas, day, notes):
    page = my_day(client, personas.physio.user).text
    assert f'action="{reverse("note-start", args=[day["grace"].pk])}"' in page
    assert 'Write note<span class="visually-hidden"> for Grace' in page
    continue_at = page.index(f'href="{reverse("note-edit", args=[notes["charlie"].pk])}"')
    assert page[continue_at:].split("<span", 1)[0].endswith(">Continue")
    view_at = page.index(f'href="{reverse("note-edit", args=[notes["alice"].pk])}"')
    assert page[view_at:].split("<span", 1)[0].endswith(">View")
    # One way on per visit: no "Write note" where a note exists.
    for name in ("alice", "charlie"):
        assert reverse("note-start", args=[day[name].pk]) not in page


def test_a_day_ahead_offers_no_note_to_write(client, personas, world, templates):
    tomorrow = book(world, at(9, 10), personas.patient_a)
    response = my_day(client, personas.physio.user, "?day=2027-03-09")
    link = response.context["notes"][tomorrow.pk]
    assert (link.state, link.expected, link.writable) == (NoteState.NOT_STARTED, False, False)
    # Nothing to say of a note not due yet.
    assert "Note: " not in response.text
    assert "Write note" not in response.text


def test_it_lists_the_drafts_to_sign_oldest_visit_first(
    client, personas, world, templates, day, notes
):
    # A draft from last week, written late; another practitioner's draft is theirs.
    last_week = book(world, at(1, 9), personas.patient_a, now=at(1, 8))
    appointment_arrive(appointment=last_week, actor=None, now=at(1, 8, 55))
    old = note_write(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=last_week,
        content={"complaint": "Low back pain"},
        now=at(3, 17),
        sign=False,
    )
    note_write(
        actor=personas.massage_therapist.user,
        template=templates["massage"],
        appointment=day["bob"],
        content={},
        now=at(8, 11),
        sign=False,
    )
    response = my_day(client, personas.physio.user)
    assert [n.pk for n in response.context["to_sign"]] == [old.pk, notes["charlie"].pk]
    section = response.text.split('id="to-sign-heading"', 1)[1]
    assert "Notes to sign" in response.text
    assert section.index("Alice Anders") < section.index("Charlie")
    assert "Bob" not in section
    assert "Mon, Mar 1" in section  # the visit's day, not the day it was written


def test_a_correction_waiting_to_be_signed_is_listed_as_one(client, personas, day, notes):
    amendment = note_correct(
        actor=personas.physio.user,
        note=notes["alice"],
        relation=NoteRelation.AMENDS,
        reason="Wrong side recorded",
        now=at(8, 10, 50),
    )
    response = my_day(client, personas.physio.user)
    assert [n.pk for n in response.context["to_sign"]] == [amendment.pk, notes["charlie"].pk]
    section = re.sub(r"<[^>]+>", "", response.text.split('id="to-sign-heading"', 1)[1])
    assert "Alice Anders — amendment, " in section
    assert "Charlie Green — missed appointment, " in section


def test_a_signed_note_leaves_the_list(client, personas, day, notes):
    response = my_day(client, personas.physio.user)
    assert notes["alice"].pk not in [n.pk for n in response.context["to_sign"]]
    client.force_login(personas.massage_therapist.user)
    section = client.get(reverse("my-day")).text.split('id="to-sign-heading"', 1)[1]
    assert "No drafts waiting" in section


def test_each_note_to_sign_links_to_its_draft(client, personas, day, notes):
    section = my_day(client, personas.physio.user).text.split('id="to-sign-heading"', 1)[1]
    assert reverse("note-edit", args=[notes["charlie"].pk]) in section


def test_the_patients_of_notes_to_sign_are_on_file_with_the_day(client, personas, world, templates):
    # Nobody booked today; a draft from last week names its patient on the page.
    last_week = book(world, at(1, 9), personas.patient_a, now=at(1, 8))
    appointment_arrive(appointment=last_week, actor=None, now=at(1, 8, 55))
    note_write(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=last_week,
        content={},
        now=at(1, 10),
        sign=False,
    )
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    my_day(client, personas.physio.user)
    (event,) = AuditEvent.objects.filter(pk__gt=last, object_type="web.my_day")
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]


def test_the_notes_to_sign_show_no_content(client, personas, day, notes):
    page = my_day(client, personas.physio.user).text
    for words in SIGNABLE.values():
        assert words not in page


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_my_day_reads_its_notes_in_a_fixed_number_of_queries(
    client, personas, world, templates, day, notes, django_assert_num_queries
):
    client.force_login(personas.physio.user)
    client.get(reverse("my-day"))
    # My day's 17 (test_desk_pages) + the drafts to sign, each visit's note (its id and
    # state, one query) and the visits the patients' lockboxes withhold
    with django_assert_num_queries(20):
        client.get(reverse("my-day"))
    before = queries(client, reverse("my-day"))
    grace = day["grace"]
    appointment_arrive(appointment=grace, actor=None, now=at(8, 10, 50))
    note_write(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=grace,
        content=SIGNABLE,
        now=at(8, 10, 55),
    )
    for hour in (14, 15, 16):
        visit = book(world, at(8, hour), personas.patient_a)
        appointment_arrive(appointment=visit, actor=None, now=at(8, 10, 56))
        note_write(
            actor=personas.physio.user,
            template=templates["physio"],
            appointment=visit,
            content={},
            now=at(8, 10, 57),
            sign=False,
        )
    response = client.get(reverse("my-day"))
    assert len(response.context["visits"]) == 6
    assert len(response.context["to_sign"]) == 4
    assert queries(client, reverse("my-day")) == before


def test_the_massage_therapist_sees_only_their_own_visits_notes(client, personas, day, notes):
    response = my_day(client, personas.massage_therapist.user)
    assert list(response.context["notes"]) == [day["bob"].pk]
    assert response.context["to_sign"] == []


def test_my_day_with_no_visits_and_no_drafts_says_so(client, personas, world, templates):
    response = my_day(client, personas.physio.user, "?day=2027-03-13")
    assert response.context["notes"] == {}
    assert "No drafts waiting" in response.text
