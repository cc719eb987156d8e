"""Test support for the clinical record: small templates of each discipline's kind of
note, a builder that writes a note through the services, real small files to upload as
documents, and the guards lifted for the suite's table flush only (never in production)."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.backends.base.base import BaseDatabaseWrapper

from rehabdesk.care import guards
from rehabdesk.care.choices import NoteKind, VisitType
from rehabdesk.care.models import NoteTemplate, VisitNote
from rehabdesk.care.services import note_draft_save, note_sign, note_start
from rehabdesk.clinic.models import Discipline
from rehabdesk.core import database
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.models import Appointment


def guards_lifted(connection: BaseDatabaseWrapper) -> AbstractContextManager[None]:
    """Drop the clinical record's guards, run the block, put them back
    (`core.database.guards_lifted`: one transaction, the guards back before it ends)."""
    return database.guards_lifted(connection, guards.GUARDS)


def _text(code: str, label: str, **more: Any) -> dict[str, Any]:
    return {"code": code, "label": label, "kind": "text", **more}


# Small definitions of each discipline's kind of note (the shipped ones are larger).
SOAP = {
    "sections": [
        {
            "code": "subjective",
            "title": "Subjective",
            "fields": [
                _text("complaint", "Chief complaint", required_to_sign=True),
                {"code": "pain_now", "label": "Pain now (NPRS)", "kind": "scale"},
                {"code": "body_chart", "label": "Where", "kind": "body_chart"},
            ],
        },
        {
            "code": "objective",
            "title": "Objective",
            "copy_forward": True,
            "fields": [
                {
                    "code": "rom",
                    "label": "Range of motion",
                    "kind": "table",
                    "columns": [
                        {"code": "joint", "label": "Joint", "kind": "line"},
                        {
                            "code": "active",
                            "label": "Active",
                            "kind": "number",
                            "min": 0,
                            "max": 360,
                            "unit": "°",
                        },
                    ],
                },
                _text("palpation", "Palpation"),
            ],
        },
        {
            "code": "assessment",
            "title": "Assessment",
            "fields": [_text("impression", "Impression")],
        },
        {"code": "plan", "title": "Plan", "fields": [_text("plan", "Plan", required_to_sign=True)]},
    ]
}
MASSAGE = {
    "sections": [
        {
            "code": "treatment",
            "title": "Treatment",
            "fields": [
                _text("health_changes", "Health changes since last visit"),
                {
                    "code": "sensitive_areas",
                    "label": "Sensitive areas treated",
                    "kind": "choices",
                    "role": "sensitive_areas",
                    "options": [
                        ["chest_wall", "Chest wall"],
                        ["breast", "Breast tissue"],
                        ["upper_inner_thigh", "Upper inner thigh"],
                        ["gluteal", "Gluteal muscles"],
                    ],
                },
                {
                    "code": "pressure",
                    "label": "Pressure",
                    "kind": "choice",
                    "options": [["light", "Light"], ["moderate", "Moderate"], ["firm", "Firm"]],
                },
                _text("response", "Response", required_to_sign=True),
            ],
        }
    ]
}
ACUPUNCTURE = {
    "sections": [
        {
            "code": "needling",
            "title": "Needling",
            "fields": [
                {
                    "code": "points",
                    "label": "Points",
                    "kind": "table",
                    "columns": [{"code": "point", "label": "Point", "kind": "line"}],
                },
                {
                    "code": "needles_in",
                    "label": "Needles inserted",
                    "kind": "number",
                    "min": 0,
                    "max": 100,
                    "role": "needles_in",
                    "required_to_sign": True,
                },
                {
                    "code": "needles_out",
                    "label": "Needles removed and counted",
                    "kind": "number",
                    "min": 0,
                    "max": 100,
                    "role": "needles_out",
                },
                {
                    "code": "adverse_events",
                    "label": "Adverse events",
                    "kind": "choices",
                    "role": "adverse_events",
                    "options": [
                        ["none", "None"],
                        ["bruising", "Bruising"],
                        ["broken_needle", "Broken needle"],
                    ],
                },
                _text("response", "Response"),
            ],
        }
    ]
}
PELVIC = {
    "sections": [
        {
            "code": "examination",
            "title": "Examination",
            "copy_forward": True,
            "fields": [
                {
                    "code": "internal_exam",
                    "label": "Internal examination",
                    "kind": "yes_no",
                    "role": "internal_exam",
                },
                _text("findings", "Findings", required_to_sign=True),
            ],
        }
    ]
}
GENERAL = {
    "sections": [
        {
            "code": "entry",
            "title": "Entry",
            "fields": [_text("entry", "Entry", required_to_sign=True)],
        }
    ]
}


def template_create(
    *,
    code: str,
    definition: Mapping[str, Any],
    discipline: str = "",
    visit_type: VisitType = VisitType.FOLLOW_UP,
    version: int = 1,
    current: bool = True,
    now: datetime,
) -> NoteTemplate:
    """A template row as the templates' publishing would leave it (`discipline`: a
    discipline's slug, or "" for any). A current template of that code (the shipped
    defaults) becomes the previous version, as publishing leaves it."""
    previous = NoteTemplate.objects.filter(code=code, current=True).first()
    if previous is not None and current:
        NoteTemplate.objects.filter(pk=previous.pk).update(current=False)
        version = max(version, previous.version + 1)
    return NoteTemplate.objects.create(
        code=code,
        version=version,
        name=code.replace("-", " ").capitalize(),
        discipline=Discipline.objects.get(slug=discipline) if discipline else None,
        visit_type=visit_type,
        definition=dict(definition),
        current=current,
        published_at=now,
    )


def note_write(
    *,
    actor: AbstractBaseUser,
    template: NoteTemplate,
    content: Mapping[str, Any],
    now: datetime,
    appointment: Appointment | None = None,
    patient: Patient | None = None,
    kind: NoteKind = NoteKind.VISIT,
    encounter_at: datetime | None = None,
    sign: bool = True,
) -> VisitNote:
    """A note started, saved with `content` and (unless `sign` is False) signed, through
    the services as a practitioner would."""
    note = note_start(
        actor=actor,
        template=template,
        now=now,
        appointment=appointment,
        patient=patient,
        kind=kind,
        encounter_at=encounter_at,
    )
    note = note_draft_save(actor=actor, note=note, content=content, revision=0, now=now)
    return note_sign(actor=actor, note=note, now=now) if sign else note


def pdf_bytes(text: str = "Referral for physiotherapy") -> bytes:
    """A real one-page PDF showing `text` (ASCII), cross-reference table and all, made
    by hand: a referral or a report for tests."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def uploaded(
    name: str, data: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    """An uploaded file as a page would receive it."""
    return SimpleUploadedFile(name, data, content_type=content_type)
