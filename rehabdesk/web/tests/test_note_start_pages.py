"""Write note from a visit: the visit's practitioner starts its note on the template
the visit suggests, or opens the one started; nobody else learns the visit has one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rehabdesk.care.models import VisitNote
from rehabdesk.patients.services import care_assignment_add
from rehabdesk.scheduling.services import appointment_cancel, appointment_mark_noshow
from rehabdesk.scheduling.testing import at
from rehabdesk.web.tests.note_world import BOOKED_AT, note_world

pytestmark = pytest.mark.django_db


def test_it_starts_the_visits_note_and_opens_the_editor(personas):
    """Patient A's first physiotherapy note: the initial assessment's template."""
    nw = note_world(personas)
    visit = nw.visit()
    response = nw.client().post(reverse("note-start", args=[visit.pk]))
    note = VisitNote.objects.get(appointment=visit)
    assert response.status_code == 302
    assert response["Location"] == reverse("note-edit", args=[note.pk])
    assert (note.author, note.template.code, note.status) == (
        personas.physio,
        "physio-initial",
        "draft",
    )


def test_it_opens_the_note_already_started_rather_than_a_second(personas):
    nw = note_world(personas)
    note = nw.draft()
    response = nw.client().post(reverse("note-start", args=[note.appointment_id]))
    assert response["Location"] == reverse("note-edit", args=[note.pk])
    assert VisitNote.objects.filter(appointment_id=note.appointment_id).count() == 1


def test_it_refuses_a_cancelled_visit_with_a_message(personas):
    nw = note_world(personas)
    visit = nw.visit()
    appointment_cancel(appointment=visit, actor=personas.front_desk, reason="ill", now=BOOKED_AT)
    response = nw.client().post(reverse("note-start", args=[visit.pk]), follow=True)
    assert "did not take place" in response.text
    assert not VisitNote.objects.exists()


@pytest.mark.parametrize("persona", ["front_desk", "massage_therapist", "manager", "patient_a"])
def test_it_answers_404_to_anyone_but_the_patients_practitioners(personas, persona):
    nw = note_world(personas)
    visit = nw.visit()
    response = nw.client(persona).post(reverse("note-start", args=[visit.pk]))
    assert response.status_code == 404
    assert not VisitNote.objects.exists()


def test_it_takes_only_a_post(personas):
    nw = note_world(personas)
    assert nw.client().get(reverse("note-start", args=[nw.visit().pk])).status_code == 405


def test_it_records_a_no_show_as_a_missed_appointment_on_the_general_entry(personas):
    nw = note_world(personas)
    visit = nw.visit()
    appointment_mark_noshow(appointment=visit, actor=personas.front_desk, now=at(9, 10, 20))
    nw.client().post(reverse("note-start", args=[visit.pk]))
    note = VisitNote.objects.get(appointment=visit)
    assert (note.kind, note.template.code) == ("missed", "general-entry")


def test_it_leaves_another_practitioners_visit_to_them(personas):
    """The massage therapist, in patient A's care too, cannot write the physio's visit."""
    nw = note_world(personas)
    visit = nw.visit()
    care_assignment_add(
        actor=personas.front_desk,
        patient=personas.patient_a,
        practitioner=personas.massage_therapist,
        reason="Massage too",
    )
    response = nw.client("massage_therapist").post(
        reverse("note-start", args=[visit.pk]), follow=True
    )
    assert "This visit is another practitioner" in response.text
    assert not VisitNote.objects.exists()
