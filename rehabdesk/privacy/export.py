"""A patient's record as released to them: a JSON bundle (docs/domain/record-export.md
writes its format out) and a readable PDF of the same content.

Read through the apps' own selectors, as the record stands at release: contact details,
appointments, privacy and treatment consents, signed notes with their corrections
(amendments, addenda; an entry withdrawn as entered in error is left out, as on the
printed chart: it is usually someone else's), treatment plans, outcome scores, invoices,
and the patient's statements of disagreement. Drafts are not part of the record.
Nothing here writes; the caller (services.access_request_release) audits the release.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fpdf import FPDF

from rehabdesk.billing.selectors import invoices_of
from rehabdesk.care.reading import entries_read
from rehabdesk.care.selectors import patient_notes
from rehabdesk.clinic.selectors import clinic_current
from rehabdesk.consents.selectors import consents_for_patient, treatment_consents_for_patient
from rehabdesk.outcomes.selectors import measure_series
from rehabdesk.patients.models import Patient
from rehabdesk.plans.selectors import plans_for_patient
from rehabdesk.privacy.choices import RequestStatus
from rehabdesk.privacy.models import CorrectionRequest
from rehabdesk.scheduling.selectors import appointments_for_patient

FORMAT = "rehabdesk-record-export"
VERSION = 1
ENCODING = "cp1252"


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _money(value: Decimal | None) -> str | None:
    return f"{value:.2f}" if value is not None else None


def disagreements_of(patient_id: int) -> list[CorrectionRequest]:
    """The patient's statements of disagreement, oldest first (one query)."""
    return list(
        CorrectionRequest.objects.filter(
            patient_id=patient_id, status=RequestStatus.REFUSED, disagreement_at__isnull=False
        ).order_by("disagreement_at", "pk")
    )


def record_bundle(*, patient: Patient, now: datetime) -> dict[str, Any]:
    """The patient's record as a JSON-ready dict (format: docs/domain/record-export.md)."""
    clinic = clinic_current()
    return {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": now.isoformat(),
        "clinic": {"name": clinic.name if clinic else "", "phone": clinic.phone if clinic else ""},
        "patient": _contact(patient),
        "appointments": _appointments(patient.pk),
        "consents": _consents(patient.pk),
        "notes": _notes(patient.pk),
        "plans": _plans(patient.pk),
        "measures": _measures(patient.pk),
        "invoices": _invoices(patient.pk),
        "disagreements": [
            {
                "filed_at": _iso(c.disagreement_at),
                "correction_asked": c.should_say,
                "refusal_reason": c.decision_reason,
                "statement": c.disagreement,
                "note_id": c.note_id,
            }
            for c in disagreements_of(patient.pk)
        ],
    }


def _contact(p: Patient) -> dict[str, Any]:
    return {
        "id": p.pk,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "preferred_name": p.preferred_name,
        "pronouns": p.pronouns,
        "date_of_birth": _iso(p.date_of_birth),
        "email": p.email,
        "phone": p.phone,
        "alternate_phone": p.alternate_phone,
        "address": {
            "street": p.street_address,
            "city": p.city,
            "province": p.province,
            "postal_code": p.postal_code,
        },
        "emergency_contact": {
            "name": p.emergency_contact_name,
            "relationship": p.emergency_contact_relationship,
            "phone": p.emergency_contact_phone,
        },
        "family_doctor": {
            "name": p.family_doctor_name,
            "clinic": p.family_doctor_clinic,
            "phone": p.family_doctor_phone,
        },
        "preferred_language": p.preferred_language,
    }


def _appointments(patient_id: int) -> list[dict[str, Any]]:
    return [
        {
            "id": a.pk,
            "start": _iso(a.start),
            "end": _iso(a.end),
            "status": a.status,
            "service": a.service.name,
            "practitioner": a.practitioner.display_name,
            "location": a.location.name,
            "cancel_reason": a.cancel_reason,
        }
        for a in appointments_for_patient(patient_id=patient_id, holds=False).order_by("start")
    ]


def _consents(patient_id: int) -> dict[str, Any]:
    return {
        "privacy": [
            {
                "notice_version": c.notice.version,
                "accepted_at": _iso(c.accepted_at),
                "channel": c.channel,
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in consents_for_patient(patient_id=patient_id)
        ],
        "treatment": [
            {
                "topic": c.topic,
                "text_version": c.text.version,
                "given_at": _iso(c.given_at),
                "method": c.method,
                "withdrawn_at": _iso(getattr(c, "withdrawn_at", None)),
            }
            for c in treatment_consents_for_patient(patient_id=patient_id)
        ],
    }


def _note(note: Any, sections: Sequence[Any]) -> dict[str, Any]:
    return {
        "id": note.pk,
        "kind": note.kind,
        "encounter_at": _iso(note.encounter_at),
        "relation": note.relation or None,
        "reason": note.reason,
        "signed_at": _iso(note.signed_at),
        "signed_by": note.signed_as,
        "sections": [
            {"title": s.title, "fields": [{"label": e.label, "text": e.text} for e in s.entries]}
            for s in sections
        ],
    }


def _notes(patient_id: int) -> list[dict[str, Any]]:
    found = []
    for entry in entries_read(patient_notes(patient_id=patient_id)):
        if entry.withdrawn is not None or entry.draft:
            continue
        item = _note(entry.original.note, entry.original.sections)
        item["superseded"] = entry.original.struck
        item["corrections"] = [_note(c.note, c.sections) for c in entry.corrections]
        found.append(item)
    return found


def _plans(patient_id: int) -> list[dict[str, Any]]:
    return [
        {
            "id": plan.pk,
            "status": plan.status,
            "problems": list(plan.problems),
            "starts_on": _iso(plan.starts_on),
            "reassess_on": _iso(plan.reassess_on),
            "goals": [
                {"text": g.text, "target_on": _iso(g.target_on), "outcome": g.outcome}
                for g in plan.goals.all()
            ],
            "discharge_criteria": plan.discharge_criteria,
            "discharged_at": _iso(plan.discharged_at),
            "discharge_summary": plan.discharge_summary,
        }
        for plan in plans_for_patient(patient_id=patient_id)
    ]


def _measures(patient_id: int) -> list[dict[str, Any]]:
    return [
        {
            "instrument": str(instrument),
            "scores": [
                {"taken_at": _iso(p.taken_at), "score": _money(p.score), "band": p.band}
                for p in points
            ],
        }
        for instrument, points in sorted(measure_series(patient_id=patient_id).items())
    ]


def _invoices(patient_id: int) -> list[dict[str, Any]]:
    return [
        {
            "number": f"{invoice.number:06d}",
            "issued_at": _iso(invoice.issued_at),
            "total": _money(invoice.total),
            "owing": _money(getattr(invoice, "owing", None)),
            "lines": [
                {
                    "description": line.description,
                    "service_date": _iso(line.service_date),
                    "quantity": line.quantity,
                    "unit_price": _money(line.unit_price),
                }
                for line in invoice.lines.all()
            ],
        }
        for invoice in invoices_of([patient_id])
    ]


# The PDF: the same bundle, in words.

SECTIONS = (
    ("appointments", "Appointments"),
    ("consents", "Consents"),
    ("notes", "Clinical notes"),
    ("plans", "Treatment plans"),
    ("measures", "Outcome measures"),
    ("invoices", "Invoices"),
    ("disagreements", "Statements of disagreement"),
)


def _plain(text: object) -> str:
    return str(text).encode(ENCODING, "replace").decode(ENCODING)


class _Copy(FPDF):
    def __init__(self, clinic: str, whose: str) -> None:
        super().__init__(format="Letter")
        self.clinic, self.whose = clinic, whose
        self.set_auto_page_break(auto=True, margin=18)
        self.alias_nb_pages()

    def header(self) -> None:
        self.set_font("Helvetica", "B", 9)
        self.cell(0, 5, _plain(f"{self.clinic} - record of {self.whose}"), new_x="LMARGIN")
        self.ln(8)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")

    def line_of(self, text: object, *, bold: bool = False, indent: float = 0) -> None:
        self.set_font("Helvetica", "B" if bold else "", 9.5)
        self.set_x(self.l_margin + indent)
        self.multi_cell(0, 4.6, _plain(text), new_x="LMARGIN", new_y="NEXT")


def _lines(value: Any, pdf: _Copy, indent: float) -> None:
    """A value of the bundle, written out as labelled lines."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if isinstance(inner, (Mapping, list)):
                if inner:
                    pdf.line_of(key.replace("_", " ").capitalize(), bold=True, indent=indent)
                    _lines(inner, pdf, indent + 4)
            elif inner not in (None, ""):
                pdf.line_of(f"{key.replace('_', ' ').capitalize()}: {inner}", indent=indent)
    elif isinstance(value, list):
        for item in value:
            _lines(item, pdf, indent)
            pdf.ln(1.5)
    elif value not in (None, ""):
        pdf.line_of(value, indent=indent)


def record_pdf(bundle: Mapping[str, Any], *, compress: bool = True) -> bytes:
    """The bundle as a readable PDF: the clinic and the patient on every page."""
    patient = bundle["patient"]
    whose = f"{patient['first_name']} {patient['last_name']} (born {patient['date_of_birth']})"
    pdf = _Copy(bundle["clinic"]["name"], whose)
    pdf.set_compression(compress)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, _plain(f"Your health record at {bundle['clinic']['name']}"))
    pdf.line_of(f"Prepared {bundle['generated_at'][:16].replace('T', ' ')} UTC")
    pdf.ln(3)
    pdf.line_of("Contact details", bold=True)
    _lines({k: v for k, v in patient.items() if k != "id"}, pdf, 4)
    for key, title in SECTIONS:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
        content = bundle.get(key)
        if not content or (isinstance(content, Mapping) and not any(content.values())):
            pdf.line_of("None on file.")
        else:
            _lines(content, pdf, 0)
    return bytes(pdf.output())
