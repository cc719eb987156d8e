"""A note's content in words, section by section in its template's order: what the
chart, the editor's read-only view and the printed copy show of a note.

Content is data (care/content.py); here each value becomes the sentence a colleague, an
insurer or the patient reads: a choice by its label, a yes/no as "Yes"/"No", a scale as
"6/10", a table one line per row ("Shoulder, flexion, left: active 120°, passive 135°"),
a body chart through body_chart.describe. Only what was written is shown: empty fields
and sections with nothing written are left out, so a short follow-up reads short. The
template's labels are the note's own version's (a note keeps the template version it was
written on), so a note reads the same whatever the clinic publishes later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from rehabdesk.care import body_chart
from rehabdesk.care.choices import NoteRelation
from rehabdesk.care.definition import Definition, Field, FieldKind
from rehabdesk.care.models import VisitNote
from rehabdesk.care.selectors import ChartEntry

# Units written straight after the number ("120°", "80%"); any other after a space.
_TIGHT_UNITS = frozenset({"°", "%"})
# Table columns that name what a row is about, rather than measure it.
_NAMING_KINDS = frozenset({FieldKind.LINE, FieldKind.CHOICE})


class Entry(NamedTuple):
    """One field as read: its label and its value in words (lines split by "\\n")."""

    label: str
    text: str


class SectionText(NamedTuple):
    """One section of a note as read, with the fields written in it."""

    title: str
    entries: list[Entry]


def note_sections(note: VisitNote) -> list[SectionText]:
    """The note's content in words, in its template's order (no query when the note's
    template was fetched with it)."""
    return content_sections(note.template.parsed, note.content)


def content_sections(definition: Definition, content: Mapping[str, Any]) -> list[SectionText]:
    """Content in words against a definition: the sections with something written."""
    sections = []
    for section in definition.sections:
        entries = [
            Entry(field.label, text)
            for field in section.fields
            if (text := field_text(field, content.get(field.code)))
        ]
        if entries:
            sections.append(SectionText(section.title, entries))
    return sections


def field_text(field: Field, value: object) -> str:
    """One field's value in words; "" for nothing written."""
    if value is None or value == "" or value == []:
        return ""
    if field.kind == FieldKind.YES_NO:
        return "Yes" if value is True else "No"
    if field.kind == FieldKind.CHOICES and isinstance(value, list):
        return ", ".join(field.option_label(str(code)) for code in value)
    if field.kind == FieldKind.TABLE and isinstance(value, list):
        rows = (_row(field, row) for row in value if isinstance(row, Mapping))
        return "\n".join(row for row in rows if row)
    if field.kind == FieldKind.BODY_CHART and isinstance(value, list):
        return body_chart.describe(value)
    return _scalar(field, value)


def _scalar(spec: Field, value: object) -> str:
    if spec.kind == FieldKind.CHOICE:
        return spec.option_label(str(value))
    if spec.kind == FieldKind.SCALE:
        return f"{value}/10"
    if spec.kind == FieldKind.NUMBER and isinstance(value, int | float):
        return _with_unit(f"{value:g}", spec.unit)
    return str(value)


def _with_unit(number: str, unit: str) -> str:
    if not unit:
        return number
    return f"{number}{unit}" if unit in _TIGHT_UNITS else f"{number} {unit}"


def _row(field: Field, row: Mapping[str, Any]) -> str:
    """A table's row on one line: the cells that name it, then the measures, each by
    its column's label ("Shoulder, flexion, left: active 120°, passive 135°")."""
    naming, measures = [], []
    for column in field.columns:
        value = row.get(column.code)
        if value is None or value == "":
            continue
        if column.kind in _NAMING_KINDS:
            naming.append(_scalar(column, value))
        else:
            measures.append(f"{column.label.lower()} {_scalar(column, value)}")
    if naming and measures:
        return f"{', '.join(naming)}: {', '.join(measures)}"
    return ", ".join(naming or measures)


@dataclass(frozen=True)
class NoteRead:
    """A signed note as shown: its sections, and whether a later signed amendment
    replaced it (shown struck through, kept legible)."""

    note: VisitNote
    sections: list[SectionText]
    struck: bool = False


@dataclass(frozen=True)
class EntryRead:
    """One entry of the chart as shown: the original, then its signed corrections
    oldest first (amendments and addenda); `withdrawn` is the signed "entered in error"
    correction when there is one (the chart hides the entry behind it). A draft shows
    no content: it is not part of the record until signed."""

    original: NoteRead
    corrections: list[NoteRead]
    withdrawn: VisitNote | None

    @property
    def draft(self) -> bool:
        return not self.original.note.signed


def entries_read(entries: Iterable[ChartEntry]) -> list[EntryRead]:
    """The chart's entries as the chart and its printed copy show them, each template
    version's definition read once however many notes were written on it."""
    definitions: dict[int, Definition] = {}

    def sections(note: VisitNote) -> list[SectionText]:
        definition = definitions.get(note.template_id)
        if definition is None:
            definition = definitions[note.template_id] = note.template.parsed
        return content_sections(definition, note.content)

    return [_entry_read(entry, sections) for entry in entries]


def entry_read(entry: ChartEntry) -> EntryRead:
    """One chart entry as shown (entries_read for many)."""
    return _entry_read(entry, note_sections)


def _entry_read(entry: ChartEntry, sections: Callable[[VisitNote], list[SectionText]]) -> EntryRead:
    """Only signed corrections count; an amendment is struck through once a later one
    is signed, and the original once any is. A draft's content is not read."""
    signed = [c for c in entry.corrections if c.signed]
    withdrawn = next((c for c in signed if c.relation == NoteRelation.ENTERED_IN_ERROR), None)
    amendments = [c.pk for c in signed if c.relation == NoteRelation.AMENDS]
    note = entry.note
    original = NoteRead(note, sections(note) if note.signed else [], struck=bool(amendments))
    corrections = [
        NoteRead(
            c,
            sections(c),
            struck=c.relation == NoteRelation.AMENDS and c.pk != amendments[-1],
        )
        for c in signed
        if c.relation != NoteRelation.ENTERED_IN_ERROR
    ]
    return EntryRead(original=original, corrections=corrections, withdrawn=withdrawn)
