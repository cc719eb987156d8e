"""Test support for the clinical record: small templates of each discipline's kind of
note, a builder that writes a note through the services, and the guards lifted for the
suite's table flush only (never in production)."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
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
