"""Visit notes' states on pages other engineers own (the patient page's past visits,
the appointment page), each with one include or tag line there, and the filter "my day"
uses. States and links only (web/staff/visit_notes.py), never a note's content; the
links lead to pages that authorize and audit (access.notes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import template
from django.utils import timezone

from rehabdesk.access.notes import visits_withheld_among
from rehabdesk.access.policy import Action, may, person_for
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.models import Appointment
from rehabdesk.web.staff.visit_notes import NoteLink, note_links

register = template.Library()


@register.filter
def note_of(notes: Mapping[int, NoteLink] | None, appointment_id: int) -> NoteLink | None:
    """`notes|note_of:a.pk`: one visit's note from a page's notes."""
    return notes.get(appointment_id) if notes else None


@register.simple_tag(takes_context=True)
def past_visit_notes(
    context: template.Context, past: Sequence[tuple[Any, ...]], patient: Patient
) -> dict[int, NoteLink] | None:
    """The patient page's past visits (`(appointment, …)` rows): each one's note for a
    practitioner in the patient's care (a visit the patient's lockbox withholds from
    them: said so, no way in); None for anyone else (the desk and managers see the page
    as before). Three queries, none without past visits."""
    if not past:
        return None
    person = person_for(context["request"].user)
    if person.practitioner_id is None or not may(person, Action.VIEW_CLINICAL, patient.pk):
        return None
    visits = [row[0] for row in past]
    return note_links(
        appointments=visits,
        practitioner_id=person.practitioner_id,
        now=timezone.now(),
        withheld=visits_withheld_among(person, [v.pk for v in visits]),
    )


@register.simple_tag(takes_context=True)
def appointment_note(context: template.Context, appointment: Appointment) -> NoteLink | None:
    """The appointment page's note for its own practitioner: write it, or open it; None
    for anyone else, or when there is nothing to do (a cancelled visit, a future one)."""
    person = person_for(context["request"].user)
    if person.practitioner_id is None or appointment.practitioner_id != person.practitioner_id:
        return None
    note = note_links(
        appointments=[appointment],
        practitioner_id=person.practitioner_id,
        now=timezone.now(),
        withheld=visits_withheld_among(person, [appointment.pk]),
    )[appointment.pk]
    return note if note.writable or note.openable else None
