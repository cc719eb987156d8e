"""The printed copy of a chart: every page says whose it is and which page of how many;
each entry carries its signature block and its corrections; what was withdrawn as
entered in error and what is still a draft is not printed. Built here from notes in
memory (care.pdf reads nothing from the database); the page that serves it is tested in
web/tests/test_chart_pages.py."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rehabdesk.care.choices import NoteKind, NoteRelation, NoteStatus
from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.care.models import NoteTemplate, VisitNote
from rehabdesk.care.pdf import ChartCopy, chart_pdf, period_check, period_text
from rehabdesk.care.reading import entry_read
from rehabdesk.care.selectors import ChartEntry
from rehabdesk.patients.models import Patient

TORONTO = ZoneInfo("America/Toronto")
VISIT = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 10:00 AM in Toronto
TEMPLATE = NoteTemplate(
    pk=1,
    code="physio-follow-up",
    version=1,
    name="Physiotherapy follow-up",
    visit_type="follow_up",
    definition={
        "sections": [
            {
                "code": "subjective",
                "title": "Subjective",
                "fields": [{"code": "complaint", "label": "Chief complaint", "kind": "text"}],
            },
            {
                "code": "plan",
                "title": "Plan",
                "fields": [{"code": "next", "label": "Next visit", "kind": "line"}],
            },
        ]
    },
)


def _entry(note: VisitNote, corrections: tuple[VisitNote, ...] = ()) -> ChartEntry:
    """An entry as care.selectors.patient_notes gives it (signed corrections only)."""
    signed = [c for c in corrections if c.signed]
    return ChartEntry(
        note=note,
        corrections=tuple(signed),
        superseded=any(c.relation == NoteRelation.AMENDS for c in signed),
        in_error=any(c.relation == NoteRelation.ENTERED_IN_ERROR for c in signed),
    )


def _note(pk: int, complaint: str, *, days: int = 0, **changes: object) -> VisitNote:
    fields: dict[str, object] = {
        "pk": pk,
        "kind": NoteKind.VISIT,
        "template": TEMPLATE,
        "encounter_at": VISIT + timedelta(days=days),
        "content": {"complaint": complaint, "next": "One week"},
        "status": NoteStatus.SIGNED,
        "created_at": VISIT + timedelta(days=days, hours=2),
        "updated_at": VISIT + timedelta(days=days, hours=2),
        "signed_at": VISIT + timedelta(days=days, hours=3),
        "signer_name": "Priya Physio",
        "signer_designation": "PT",
        "signer_registration": "PT-12345",
        "content_sha256": "0" * 64,
    }
    fields.update(changes)
    return VisitNote(**fields)


def _copy(*entries: ChartEntry, patient: Patient | None = None) -> ChartCopy:
    return ChartCopy(
        clinic_name="Persona Clinic",
        clinic_address=["Pickering: 1 Main St, Pickering ON L1V 1A1 · 905-555-0100"],
        patient=patient
        or Patient(pk=42, first_name="Alice", last_name="Anders", date_of_birth=date(1980, 4, 2)),
        entries=[entry_read(entry) for entry in entries],
        since=None,
        until=None,
        purpose="An insurer",
        printed_at=VISIT + timedelta(days=30),
        printed_by="Priya Physio",
        zone=TORONTO,
    )


def _runs(pdf: bytes) -> list[str]:
    """The uncompressed copy's text runs (a line each, or part of one), in order."""
    return [run.decode("cp1252") for run in re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", pdf)]


def _text(pdf: bytes) -> str:
    return " ".join(_runs(pdf))


def _pages(pdf: bytes) -> int:
    return int(re.search(rb"/Count (\d+)", pdf).group(1))  # type: ignore[union-attr]


def test_it_is_a_pdf_naming_the_clinic_and_the_patient_on_every_page():
    entries = [_entry(_note(pk, "Low back pain " * 120, days=pk)) for pk in range(1, 21)]
    pdf = chart_pdf(_copy(*entries), compress=False)
    assert pdf.startswith(b"%PDF-")
    pages = _pages(pdf)
    assert pages > 3
    text = _text(pdf)
    assert text.count("Persona Clinic") >= pages
    assert text.count("Alice Anders · born Apr 2, 1980 · chart no. 42") == pages
    for page in range(1, pages + 1):
        assert f"Page {page} of  {pages}" in text
    assert "Prepared for An insurer" in text


def test_it_prints_each_note_with_its_signature_block_and_the_late_entry_mark():
    late = _note(1, "Neck stiffness", late_entry=True, created_at=VISIT + timedelta(days=3))
    text = _text(chart_pdf(_copy(_entry(late)), compress=False))
    assert "Mar 2, 2026, 10:00 AM — Visit: Physiotherapy follow-up" in text
    assert "Chief complaint: Neck stiffness" in text
    assert "Signed by Priya Physio, PT, registration no. PT-12345, on Mar 2, 2026, 1:00 PM." in text
    assert "Late entry — written Mar 5, 2026, 10:00 AM." in text


def test_it_keeps_the_amended_original_and_prints_each_correction_with_its_reason():
    original = _note(1, "Left knee pain")
    amendment = _note(
        2,
        "Right knee pain",
        corrects=original,
        relation=NoteRelation.AMENDS,
        reason="Wrong side recorded",
        signed_at=VISIT + timedelta(days=1),
    )
    addendum = _note(
        3,
        "Imaging report received",
        corrects=original,
        relation=NoteRelation.APPENDS,
        reason="Report arrived",
        signed_at=VISIT + timedelta(days=2),
    )
    pdf = chart_pdf(_copy(_entry(original, (amendment, addendum))), compress=False)
    text = _text(pdf)
    assert "Amended: the original is kept, struck through." in text
    assert text.index("Left knee pain") < text.index("Amendment by Priya Physio — reason: Wrong")
    assert text.index("Right knee pain") < text.index("Addendum by Priya Physio — reason: Report")
    assert "Imaging report received" in text


def test_it_prints_a_sections_one_field_named_like_it_as_its_text_alone():
    general = NoteTemplate(
        pk=2,
        name="General entry",
        definition={
            "sections": [
                {
                    "code": "entry",
                    "title": "Entry",
                    "fields": [{"code": "entry", "label": "Entry", "kind": "text"}],
                }
            ]
        },
    )
    note = _note(1, "", template=general, content={"entry": "Called about a flare"})
    runs = _runs(chart_pdf(_copy(_entry(note)), compress=False))
    assert runs[runs.index("Entry") + 1] == "Called about a flare"


def test_it_leaves_out_the_content_of_an_entry_withdrawn_as_entered_in_error():
    original = _note(1, "Notes about somebody else")
    withdrawal = _note(
        2,
        "",
        content={},
        corrects=original,
        relation=NoteRelation.ENTERED_IN_ERROR,
        reason="Written on the wrong patient",
    )
    text = _text(chart_pdf(_copy(_entry(original, (withdrawal,))), compress=False))
    assert "somebody else" not in text
    assert "Withdrawn as entered in error by Priya Physio" in text
    assert "Written on the wrong patient" in text


def test_it_leaves_out_drafts_and_unsigned_corrections():
    draft = _note(
        1,
        "Still writing",
        status=NoteStatus.DRAFT,
        signed_at=None,
        content_sha256="",
        signer_name="",
    )
    signed = _note(2, "Signed visit", days=1)
    amending = _note(
        3,
        "Half-written amendment",
        corrects=signed,
        relation=NoteRelation.AMENDS,
        reason="Typo",
        status=NoteStatus.DRAFT,
        signed_at=None,
    )
    text = _text(chart_pdf(_copy(_entry(draft), _entry(signed, (amending,))), compress=False))
    assert "Still writing" not in text
    assert "Half-written" not in text
    assert "Amended" not in text
    assert "Chief complaint: Signed visit" in text


def test_it_says_so_when_nothing_signed_is_in_the_period():
    text = _text(chart_pdf(_copy(), compress=False))
    assert "No signed entries in this period." in text
    assert "Period All entries" in text


def test_it_prints_a_character_its_font_lacks_as_a_question_mark():
    patient = Patient(pk=7, first_name="Thảo", last_name="Côté", date_of_birth=date(1990, 1, 1))
    text = _text(chart_pdf(_copy(patient=patient), compress=False))
    assert "Th?o Côté" in text


def test_it_compresses_the_copy_it_serves():
    entries = [_entry(_note(pk, "Low back pain " * 50, days=pk)) for pk in range(1, 6)]
    compressed = chart_pdf(_copy(*entries))
    assert compressed.startswith(b"%PDF-")
    assert b"/FlateDecode" in compressed
    assert len(compressed) < len(chart_pdf(_copy(*entries), compress=False))


@pytest.mark.parametrize(
    ("since", "until", "field"),
    [
        (date(2026, 3, 2), date(2026, 3, 1), "until"),
        (date(1899, 12, 31), None, "since"),
        (None, date(2026, 3, 3), "until"),
        (date(2026, 3, 3), None, "since"),
    ],
)
def test_it_refuses_a_period_out_of_order_or_out_of_bounds(since, until, field):
    with pytest.raises(CareError) as refused:
        period_check(since=since, until=until, today=date(2026, 3, 2))
    assert (refused.value.code, refused.value.field) == (CareErrorCode.BAD_RANGE, field)


def test_it_accepts_one_day_and_an_open_period():
    period_check(since=date(2026, 3, 2), until=date(2026, 3, 2), today=date(2026, 3, 2))
    period_check(since=None, until=None, today=date(2026, 3, 2))


def test_it_names_the_period_in_words():
    assert period_text(None, None) == "All entries"
    assert period_text(date(2026, 1, 5), None) == "Entries from Jan 5, 2026"
    assert period_text(None, date(2026, 2, 1)) == "Entries up to Feb 1, 2026"
    assert (
        period_text(date(2026, 1, 5), date(2026, 2, 1)) == "Entries from Jan 5, 2026 to Feb 1, 2026"
    )


def test_it_breaks_long_text_between_words_and_cuts_a_word_longer_than_a_line():
    words = " ".join(f"word{n}" for n in range(200))
    address = "https://example.org/" + "x" * 300
    lines = _runs(chart_pdf(_copy(_entry(_note(1, f"{words}\n{address}"))), compress=False))
    runs = [line.removeprefix("Chief complaint: ") for line in lines if "word" in line]
    assert " ".join(runs) == words
    assert len(runs) > 5
    assert all(len(run) < 140 for run in runs)
    cut = [line.removeprefix("https://example.org/") for line in lines if "xxxxx" in line]
    assert len(cut) >= 2
    assert "".join(cut) == "x" * 300
