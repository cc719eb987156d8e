"""The printed copy of a patient's chart: a PDF for the patient, an insurer or a lawyer.

Every page names the clinic and the patient (name, date of birth, chart number) and
says "Page n of m", so a page that comes loose still says whose it is and that others
belong with it. Each entry is printed with its signature block as signed (name,
designation, registration number, when), "late entry" when it was written after the
clinic's deadline, and its corrections: an amended original stays legible, struck
through, with each amendment and its reason after it; addenda follow with theirs. An
entry withdrawn as entered in error is NOT printed — it was usually written on the wrong
patient, so its content is someone else's; one line says an entry of that date was
withdrawn, when and why. Drafts are not part of the record and are not printed.

The copy is built from what the caller read (no query here) with fpdf2 and its
built-in Helvetica, whose Windows-1252 character set covers English and French; a
character outside it prints as "?" (docs/decisions/0002-dependencies.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from fpdf import FPDF
from fpdf.fonts import CoreFont

from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.care.models import VisitNote
from rehabdesk.care.reading import EntryRead, NoteRead
from rehabdesk.core.clock import date_and_clock
from rehabdesk.patients.models import Patient

ENCODING = "cp1252"
BODY = 9.5  # points
LINE = 4.6  # millimetres per line of body text


@dataclass(frozen=True)
class Disagreement:
    """A correction the clinic refused, with the patient's statement of disagreement:
    PHIPA s.55 has it go with the record wherever the record goes, this copy included."""

    filed_at: datetime  # when the patient filed the statement
    wrong: str  # what the patient said was wrong
    should_say: str  # what they asked it to say
    refused_because: str
    statement: str


@dataclass(frozen=True)
class ChartCopy:
    """What one printed copy holds and says about itself."""

    clinic_name: str
    clinic_address: Sequence[str]
    patient: Patient
    entries: Sequence[EntryRead]
    since: date | None
    until: date | None
    purpose: str  # in words: "the patient's own request", "an insurer"
    printed_at: datetime
    printed_by: str
    zone: tzinfo
    disagreements: Sequence[Disagreement] = ()


def _plain(text: str) -> str:
    """Text the built-in font can print: typographic marks kept, the rest as "?"."""
    return text.encode(ENCODING, "replace").decode(ENCODING)


def _when(moment: datetime, zone: tzinfo) -> str:
    """'Mar 2, 2026, 10:00 AM', the project's one clock format (core/clock.py)."""
    return date_and_clock(moment.astimezone(zone), "M j, Y")


def _day(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


# The earliest day a copy may start on: before it, a date is a typing mistake.
EARLIEST = date(1900, 1, 1)


def period_check(*, since: date | None, until: date | None, today: date) -> None:
    """Refuse a copy's period out of order or out of bounds (BAD_RANGE): each day from
    1900 to today, the first not after the last."""
    for day, field in ((since, "since"), (until, "until")):
        if day is not None and not EARLIEST <= day <= today:
            raise CareError(
                CareErrorCode.BAD_RANGE,
                f"Choose a day from {_day(EARLIEST)} to today ({_day(today)}).",
                field=field,
            )
    if since and until and since > until:
        raise CareError(
            CareErrorCode.BAD_RANGE, "The first day comes after the last day.", field="until"
        )


def period_text(since: date | None, until: date | None) -> str:
    """The copy's period in words: "All entries", "From Jan 5, 2026", "From … to …"."""
    if since and until:
        return f"Entries from {_day(since)} to {_day(until)}"
    if since:
        return f"Entries from {_day(since)}"
    if until:
        return f"Entries up to {_day(until)}"
    return "All entries"


class _Copy(FPDF):
    def __init__(self, copy: ChartCopy) -> None:
        super().__init__(format="letter", unit="mm")
        self.copy = copy
        self.core_fonts_encoding = ENCODING
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_creation_date(copy.printed_at)
        self.set_title(_plain(f"Clinical record — {copy.patient.full_name}"))
        self.set_author(_plain(copy.clinic_name))

    def header(self) -> None:
        copy, patient = self.copy, self.copy.patient
        self.set_font("helvetica", "B", 11)
        self.cell(0, 5, _plain(copy.clinic_name), new_x="LMARGIN", new_y="NEXT")
        self.set_font("helvetica", "", 8)
        for line in copy.clinic_address:
            self.cell(0, 3.6, _plain(line), new_x="LMARGIN", new_y="NEXT")
        self.set_font("helvetica", "B", 9)
        who = f"{patient.full_name} · born {_day(patient.date_of_birth)} · chart no. {patient.pk}"
        self.cell(0, 6, _plain(who), border="B", new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("helvetica", "", 7.5)
        printed = _when(self.copy.printed_at, self.copy.zone)
        printed = f"Confidential health information · printed {printed}"
        self.cell(0, 4, _plain(printed), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")

    def text_block(self, text: str, *, style: str = "", size: float = BODY) -> None:
        """Text on as many lines as it needs, breaking between words."""
        self.set_font("helvetica", style, size)
        for line in self._lines(_plain(text)):
            self.cell(0, LINE, line, new_x="LMARGIN", new_y="NEXT")

    def _lines(self, text: str) -> list[str]:
        """The text broken into lines that fit the page. Done here, word by word, because
        fpdf2's multi_cell measures each line again for every character added, which
        made a hundred-note copy take seconds."""
        width, space = self.epw - 2 * self.c_margin, self._width(" ")
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line: list[str] = []
            used = 0.0
            for word in paragraph.split(" "):
                size = self._width(word)
                while size > width:  # longer than a line (an address): cut it
                    if line:
                        lines.append(" ".join(line))
                        line, used = [], 0.0
                    cut = self._fitting(word, width)
                    lines.append(word[:cut])
                    word = word[cut:]
                    size = self._width(word)
                if line and used + space + size > width:
                    lines.append(" ".join(line))
                    line, used = [], 0.0
                used += size + (space if line else 0.0)
                line.append(word)
            lines.append(" ".join(line))
        return lines

    def _width(self, text: str) -> float:
        """The text's width in the current font, from the font's own table of widths
        (FPDF.get_string_width copies the drawing state on every call)."""
        font = self.current_font
        assert isinstance(font, CoreFont)  # the built-in Helvetica, nothing else
        widths: Mapping[str, float] = font.cw
        glyphs = text.encode(ENCODING).decode("latin-1")
        return float(sum(widths[glyph] for glyph in glyphs)) * self.font_size_pt * 0.001 / self.k

    def _fitting(self, word: str, width: float) -> int:
        """How many of the word's first characters fit on a line (at least one)."""
        used = 0.0
        for index, character in enumerate(word):
            used += self._width(character)
            if used > width:
                return max(index, 1)
        return len(word)


def _title_page(pdf: _Copy) -> None:
    copy = pdf.copy
    pdf.set_font("helvetica", "B", 15)
    pdf.cell(0, 9, "Clinical record", new_x="LMARGIN", new_y="NEXT")
    facts = (
        ("Patient", copy.patient.full_name),
        ("Date of birth", _day(copy.patient.date_of_birth)),
        ("Chart no.", str(copy.patient.pk)),
        ("Period", period_text(copy.since, copy.until)),
        ("Prepared for", copy.purpose),
        ("Printed", f"{_when(copy.printed_at, copy.zone)} by {copy.printed_by}"),
    )
    for label, value in facts:
        pdf.set_font("helvetica", "B", BODY)
        pdf.cell(32, LINE + 0.6, _plain(label))
        pdf.set_font("helvetica", "", BODY)
        pdf.multi_cell(0, LINE + 0.6, _plain(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _disagreements(pdf)
    if all(entry.draft for entry in copy.entries):
        pdf.text_block("No signed entries in this period.")


def _disagreements(pdf: _Copy) -> None:
    """The patient's statements of disagreement, before the entries they concern."""
    if not pdf.copy.disagreements:
        return
    pdf.text_block("Statements of disagreement filed by the patient", style="B", size=11)
    for one in pdf.copy.disagreements:
        pdf.text_block(f"Filed {_when(one.filed_at, pdf.copy.zone)}", style="B")
        pdf.text_block(f'The patient asked that "{one.wrong}" read "{one.should_say}".')
        pdf.text_block(f"The clinic refused: {one.refused_because}")
        pdf.text_block(f"The patient's statement: {one.statement}")
        pdf.ln(2)


def _heading(note: VisitNote, zone: tzinfo) -> str:
    what = note.get_kind_display()
    return f"{_when(note.encounter_at, zone)} — {what}: {note.template.name}"


def _signature(note: VisitNote, zone: tzinfo) -> str:
    assert note.signed_at is not None
    who = note.signed_as
    text = f"Signed by {who}"
    if note.signer_registration:
        text += f", registration no. {note.signer_registration}"
    text += f", on {_when(note.signed_at, zone)}."
    if note.late_entry:
        text += f" Late entry — written {_when(note.created_at, zone)}."
    return text


def _note(pdf: _Copy, read: NoteRead, zone: tzinfo) -> None:
    style = "S" if read.struck else ""
    for title, entries in read.sections:
        pdf.text_block(title, style="B" + style, size=BODY)
        for label, text in entries:
            # A section's one field named like it ("Plan", "Entry") reads as its text.
            alone = len(entries) == 1 and label == title
            pdf.text_block(text if alone else f"{label}: {text}", style=style)
    pdf.text_block(_signature(read.note, zone), style="I", size=8.5)


def _entry(pdf: _Copy, entry: EntryRead) -> None:
    zone = pdf.copy.zone
    note = entry.original.note
    pdf.ln(2)
    pdf.text_block(_heading(note, zone), style="B", size=10.5)
    if entry.withdrawn is not None:
        withdrawn = entry.withdrawn
        assert withdrawn.signed_at is not None
        pdf.text_block(
            f"Withdrawn as entered in error by {withdrawn.signer_name} on "
            f"{_when(withdrawn.signed_at, zone)}: {withdrawn.reason}. Its content is not "
            "part of this record.",
            style="I",
        )
        return
    if entry.original.struck:
        pdf.text_block("Amended: the original is kept, struck through.", style="I", size=8.5)
    _note(pdf, entry.original, zone)
    for correction in entry.corrections:
        pdf.ln(1)
        c = correction.note
        pdf.text_block(
            f"{c.get_relation_display()} by {c.signer_name} — reason: {c.reason}", style="B"
        )
        _note(pdf, correction, zone)


def chart_pdf(copy: ChartCopy, *, compress: bool = True) -> bytes:
    """The copy as a PDF's bytes (`compress`: False for a file a test reads as text)."""
    pdf = _Copy(copy)
    pdf.set_compression(compress)
    pdf.add_page()
    _title_page(pdf)
    for entry in copy.entries:
        if not entry.draft:
            _entry(pdf, entry)
    return bytes(pdf.output())
