"""A note read, not written: a signed note (never editable again). Its content in words
(care.reading, as the chart and the printed copy read it), its signature, what it
corrects or what corrects it, and the ways on (amend or add to it, the patient's chart)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rehabdesk.access.policy import person_for
from rehabdesk.care.models import VisitNote
from rehabdesk.care.reading import note_sections
from rehabdesk.care.selectors import note_entry
from rehabdesk.web.staff.measure_views import visit_measures_context


def read_only(request: HttpRequest, note: VisitNote) -> HttpResponse:
    """The note as the record holds it: an original amended since is shown struck
    through, its corrections listed below it (the viewer's own drafts among them)."""
    practitioner_id = person_for(request.user).practitioner_id
    entry = note_entry(note=note, drafts_of=practitioner_id)
    original = note.corrects_id is None
    amendment = entry.in_force if original and entry.superseded else None
    return render(
        request,
        "web/care/note_read.html",
        {
            "note": note,
            "patient": note.patient,
            "sections": note_sections(note),
            "mine": note.author_id == practitioner_id,
            "superseded": original and entry.superseded,
            "in_error": original and entry.in_error,
            "corrections": entry.corrections if original else (),
            "amendment": amendment,
            "amendment_sections": note_sections(amendment) if amendment else [],
            **visit_measures_context(user=request.user, note=note),
        },
    )
