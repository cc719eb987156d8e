"""The reads other pages build on, each in a fixed number of queries: one note with what
its page shows, the state of a day's visits' notes, a practitioner's drafts to sign,
the counts of overdue notes (no content), a patient's record with its corrections."""

from __future__ import annotations

import pytest

from rehabdesk.care.choices import NoteRelation, NoteState
from rehabdesk.care.selectors import (
    last_signed_note,
    note_by_id,
    note_states,
    notes_to_sign,
    overdue_note_counts,
    patient_notes,
)
from rehabdesk.care.services import note_correct
from rehabdesk.care.testing import note_write
from rehabdesk.clinic.models import Clinic
from rehabdesk.scheduling.services import appointment_arrive, appointment_mark_noshow
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db
WRITTEN = {"complaint": "Hip", "plan": "Gait retraining"}


def write(personas, templates, appointment, *, sign=True, now=None):
    return note_write(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=appointment,
        content=WRITTEN,
        now=now or at(9, 17),
        sign=sign,
    )


def test_one_note_comes_with_what_its_page_shows(
    personas, templates, visit, django_assert_num_queries
):
    note = write(personas, templates, visit())
    with django_assert_num_queries(1):
        found = note_by_id(note_id=note.pk)
        assert (found.patient.first_name, found.author.user.email, found.template.code) == (
            "Alice",
            personas.physio.user.email,
            "physio-follow-up",
        )
        assert (found.appointment.location.zone.key, found.appointment.service.name) == (
            "America/Toronto",
            "Follow-up",
        )
    assert note_by_id(note_id=note.pk + 1000) is None


def test_each_visit_is_answered_not_started_draft_or_signed_in_one_query(
    personas, templates, visit, django_assert_num_queries
):
    signed_visit, draft_visit, empty_visit = visit(at(9, 10)), visit(at(9, 11)), visit(at(9, 13))
    write(personas, templates, signed_visit)
    write(personas, templates, draft_visit, sign=False)
    with django_assert_num_queries(1):
        states = note_states(appointment_ids=[signed_visit.pk, draft_visit.pk, empty_visit.pk])
    assert states == {
        signed_visit.pk: NoteState.SIGNED,
        draft_visit.pk: NoteState.DRAFT,
        empty_visit.pk: NoteState.NOT_STARTED,
    }
    assert note_states(appointment_ids=[]) == {}


def test_an_amendment_in_draft_does_not_change_the_visits_state(personas, templates, visit):
    appointment = visit()
    note = write(personas, templates, appointment)
    note_correct(
        actor=personas.physio.user,
        note=note,
        relation=NoteRelation.AMENDS,
        reason="Typo",
        now=at(10, 9),
    )
    assert note_states(appointment_ids=[appointment.pk]) == {appointment.pk: NoteState.SIGNED}


def test_drafts_to_sign_are_the_practitioners_own_oldest_care_first(
    personas, templates, visit, django_assert_num_queries
):
    later = write(personas, templates, visit(at(10, 10)), sign=False)
    earlier = write(personas, templates, visit(at(9, 10)), sign=False)
    write(personas, templates, visit(at(9, 11)))  # signed
    with django_assert_num_queries(1):
        drafts = notes_to_sign(practitioner_id=personas.physio.pk)
        assert [(n.pk, n.patient.first_name, n.template.code) for n in drafts] == [
            (earlier.pk, "Alice", "physio-follow-up"),
            (later.pk, "Alice", "physio-follow-up"),
        ]
    assert notes_to_sign(practitioner_id=personas.massage_therapist.pk) == []


def test_overdue_counts_visits_held_or_missed_past_due_without_a_signed_note(
    personas, templates, visit, django_assert_num_queries
):
    arrived = appointment_arrive(appointment=visit(at(9, 10)), actor=None, now=at(9, 9, 55))
    drafted = appointment_arrive(appointment=visit(at(9, 11)), actor=None, now=at(9, 10, 55))
    write(personas, templates, drafted, sign=False)
    signed = appointment_arrive(appointment=visit(at(9, 13)), actor=None, now=at(9, 12, 55))
    write(personas, templates, signed)
    missed = appointment_mark_noshow(appointment=visit(at(9, 14)), actor=None, now=at(9, 14, 20))
    visit(at(9, 15))  # still booked: nobody said whether it took place
    appointment_arrive(appointment=visit(at(10, 10)), actor=None, now=at(10, 9, 55))  # not due
    with django_assert_num_queries(2):
        (row,) = overdue_note_counts(now=at(10, 14, 30))
    assert (row.practitioner_id, row.practitioner_name, row.count, row.oldest) == (
        personas.physio.pk,
        "Priya Physio",
        3,
        arrived.start,
    )
    assert missed.status == "noshow"
    assert overdue_note_counts(now=at(9, 12)) == []


def test_overdue_counts_start_on_the_day_the_clinic_began_charting_here(
    personas, templates, visit, django_assert_num_queries
):
    appointment_arrive(appointment=visit(at(9, 10)), actor=None, now=at(9, 9, 55))
    appointment_arrive(appointment=visit(at(10, 10)), actor=None, now=at(10, 9, 55))
    Clinic.objects.update(notes_due_from=at(10, 0).date())

    with django_assert_num_queries(3):
        (row,) = overdue_note_counts(now=at(11, 14, 30))

    assert (row.count, row.oldest) == (1, at(10, 10))


def test_a_patients_record_in_three_queries_newest_first_with_corrections(
    personas, templates, visit, django_assert_num_queries
):
    notes = [write(personas, templates, visit(at(day, 10))) for day in (9, 10, 11)]
    for note in notes:
        note_correct(
            actor=personas.physio.user,
            note=note,
            relation=NoteRelation.APPENDS,
            reason="Imaging",
            now=at(12, 9),
        )
        note_correct(
            actor=personas.physio.user,
            note=note,
            relation=NoteRelation.ENTERED_IN_ERROR,
            reason="Wrong patient",
            now=at(12, 9, 5),
        )
    with django_assert_num_queries(3):
        entries = patient_notes(patient_id=personas.patient_a.pk)
        assert [e.note.pk for e in entries] == [n.pk for n in reversed(notes)]
        assert all(e.in_error and not e.superseded for e in entries)
        # The addendum is a draft: not part of the record.
        assert [[c.relation for c in e.corrections] for e in entries] == [["entered_in_error"]] * 3
        assert [e.note.author.display_name for e in entries] == ["Priya Physio"] * 3


def test_the_record_holds_a_practitioners_own_drafts_only_when_asked(personas, templates, visit):
    draft = write(personas, templates, visit(), sign=False)
    assert patient_notes(patient_id=personas.patient_a.pk) == []
    (entry,) = patient_notes(patient_id=personas.patient_a.pk, drafts_of=personas.physio.pk)
    assert entry.note == draft
    assert (
        patient_notes(patient_id=personas.patient_a.pk, drafts_of=personas.massage_therapist.pk)
        == []
    )


def test_the_record_between_two_days(personas, templates, visit):
    for day in (9, 10, 11):
        write(personas, templates, visit(at(day, 10)))
    entries = patient_notes(
        patient_id=personas.patient_a.pk, since=at(10, 0).date(), until=at(10, 0).date()
    )
    assert [e.note.encounter_at for e in entries] == [at(10, 10)]


def test_the_last_signed_note_stands_as_amended_and_skips_entries_in_error(
    personas, templates, visit
):
    first = write(personas, templates, visit(at(9, 10)))
    second = write(personas, templates, visit(at(10, 10)))
    discipline = first.discipline_id
    assert (
        last_signed_note(patient_id=first.patient_id, discipline_id=discipline, before=at(11, 0))
        == second
    )
    note_correct(
        actor=personas.physio.user,
        note=second,
        relation=NoteRelation.ENTERED_IN_ERROR,
        reason="Wrong patient",
        now=at(11, 9),
    )
    assert (
        last_signed_note(patient_id=first.patient_id, discipline_id=discipline, before=at(11, 0))
        == first
    )
    assert (
        last_signed_note(patient_id=first.patient_id, discipline_id=discipline, before=at(9, 10))
        is None
    )
