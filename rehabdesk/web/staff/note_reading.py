"""A note read, not written: a signed note (never editable again), or a colleague's
draft. Its sections in the template's order, its signature, what it corrects, and the
ways on (amend or add to it, the patient's chart)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rehabdesk.access.policy import person_for
from rehabdesk.care import body_chart
from rehabdesk.care.definition import Field, FieldKind
from rehabdesk.care.models import VisitNote
from rehabdesk.care.selectors import note_entry

Sections = list[tuple[str, list[tuple[str, str]]]]


def _text(spec: Field, value: object) -> str:
    if spec.kind == FieldKind.YES_NO:
        return "Yes" if value else "No"
    if spec.kind == FieldKind.CHOICE:
        return spec.option_label(str(value))
    if spec.kind == FieldKind.CHOICES and isinstance(value, list):
        return ", ".join(spec.option_label(str(code)) for code in value)
    if spec.kind == FieldKind.BODY_CHART and isinstance(value, list):
        return body_chart.describe(value)
    if spec.kind == FieldKind.TABLE and isinstance(value, list):
        return "\n".join(
            "; ".join(
                f"{column.label}: {_text(column, row[column.code])}"
                for column in spec.columns
                if column.code in row
            )
            for row in value
        )
    if spec.kind in (FieldKind.NUMBER, FieldKind.SCALE) and spec.unit:
        return f"{value} {spec.unit}"
    return str(value)


def note_sections(note: VisitNote) -> Sections:
    """The note's written fields by section, as text (empty sections left out)."""
    sections: Sections = []
    for section in note.template.parsed.sections:
        lines = [
            (spec.label, _text(spec, note.content[spec.code]))
            for spec in section.fields
            if spec.code in note.content
        ]
        if lines:
            sections.append((section.title, lines))
    return sections


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
        },
    )
