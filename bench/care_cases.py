"""The clinical record (issue 22): a long chart as its practitioner opens it and prints
it, and the two writes a practitioner makes all day — a draft saved as she types, and
signing.

The two-clinic dataset's demo practitioner has notes for her whole history
(demo/care.py); the builder gives her patient with the most notes standalone entries
(phone consults, letters) until the chart holds LONG_CHART signed notes
(`long_chart_top_up`). The writes go to another of her patients, through the same
pages the browser uses: the draft save is the script's JSON POST, signing the form's
POST. Each run leaves its drafts and signed entries in the stored dataset, on that
other patient's record only."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from django.db.models import Count
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.clients import staff_client
from rehabdesk.accounts.models import User
from rehabdesk.care.choices import NoteKind
from rehabdesk.care.models import NoteTemplate, VisitNote
from rehabdesk.care.services import note_draft_save, note_sign, note_start
from rehabdesk.clinic.models import Practitioner
from rehabdesk.demo.clinic import PRACTITIONERS
from rehabdesk.patients.models import Patient

Operation = Callable[[], object]
Answer = TypeVar("Answer", bound=HttpResponseBase)
LONG_CHART = 100
CHART_TARGET_P95_MS = 80.0
DRAFT_SAVE_TARGET_P95_MS = 30.0
SIGN_TARGET_P95_MS = 50.0
PDF_TARGET_MS = 2000.0
PDF_ITERATIONS = 10
SIGN_CALLS = 20 + 1 + 200  # the measure's warm-ups, its counted call and its timed calls
ENTRY = "general-entry"


class CareCaseError(Exception):
    pass


def _author() -> Practitioner:
    return Practitioner.objects.select_related("user").get(user__email=PRACTITIONERS[0].email)


def _patients_by_notes(author: Practitioner) -> list[int]:
    """Her two patients with the most visit notes: counted by visits, which neither the
    top-up nor the writing cases add to, so the choice stays the same run after run."""
    return list(
        VisitNote.objects.filter(author=author, kind=NoteKind.VISIT)
        .values_list("patient_id", flat=True)
        .annotate(n=Count("pk"))
        .order_by("-n", "patient_id")[:2]
    )


def long_chart_patient() -> Patient:
    """The demo practitioner's patient with the most visit notes (the builder topped
    their chart up to LONG_CHART signed notes)."""
    return Patient.objects.get(pk=_patients_by_notes(_author())[0])


def _writing_patient() -> Patient:
    return Patient.objects.get(pk=_patients_by_notes(_author())[1])


def long_chart_top_up(*, now: datetime) -> int:
    """Give the demo practitioner's patient with the most notes signed standalone entries
    until their chart holds LONG_CHART signed notes, written through the services.
    Returns how many were added."""
    author = _author()
    patient = long_chart_patient()
    template = NoteTemplate.objects.get(code=ENTRY, current=True)
    have = VisitNote.objects.filter(patient=patient, status="signed").count()
    for number in range(LONG_CHART - have):
        kind = NoteKind.PHONE if number % 3 else NoteKind.LETTER
        note = note_start(
            actor=author.user,
            template=template,
            patient=patient,
            kind=kind,
            encounter_at=now.replace(microsecond=0) - timedelta(days=7 * (number + 1)),
            now=now,
        )
        note_draft_save(
            actor=author.user,
            note=note,
            content={"entry": _entry_text(kind, number)},
            revision=note.revision,
            now=now,
        )
        note_sign(actor=author.user, note=note, now=now)
    return max(LONG_CHART - have, 0)


def _entry_text(kind: NoteKind, number: int) -> str:
    if kind == NoteKind.LETTER:
        return (
            "Progress report to the family physician: attending twice a week, pain down "
            "from 6/10 to 2/10, back to full duties at work. Plan: weekly for four weeks, "
            f"then discharge with a home program. (Report {number + 1}.)"
        )
    return (
        "Phone call: the patient asked about a flare after gardening. Advised relative "
        "rest for 48 hours, heat, and to continue the gentle exercises; to call back if "
        "leg symptoms or numbness appear. Next visit kept."
    )


def _signed_in() -> Client:
    return staff_client(User.objects.get(email=PRACTITIONERS[0].email))


def _ok(response: Answer, what: str, status: int = 200) -> Answer:
    if response.status_code != status:
        raise CareCaseError(f"{what} answered {response.status_code}, not {status}")
    return response


def chart_page() -> Operation:
    patient = long_chart_patient()
    signed = VisitNote.objects.filter(patient=patient, status="signed").count()
    if signed != LONG_CHART:
        raise CareCaseError(f"the long chart holds {signed} signed notes, not {LONG_CHART}")
    client = _signed_in()
    path = reverse("patient-chart", kwargs={"patient_id": patient.pk})
    return lambda: _ok(client.get(path), f"GET {path}")


def chart_pdf() -> Operation:
    patient = long_chart_patient()
    client = _signed_in()
    path = reverse("patient-chart-pdf", kwargs={"patient_id": patient.pk})

    def get() -> HttpResponseBase:
        response = _ok(client.get(path, {"purpose": "patient"}), f"GET {path}")
        if not response.content.startswith(b"%PDF"):
            raise CareCaseError("the chart's copy is not a PDF")
        return response

    return get


def _draft(author: Practitioner, patient: Patient) -> VisitNote:
    return note_start(
        actor=author.user,
        template=NoteTemplate.objects.get(code=ENTRY, current=True),
        patient=patient,
        kind=NoteKind.PHONE,
        encounter_at=timezone.now().replace(microsecond=0),
        now=timezone.now(),
    )


def draft_save() -> Operation:
    """The editor's autosave: the whole draft as JSON with its revision, one more
    sentence each time (a note grows as it is typed)."""
    author = _author()
    note = _draft(author, _writing_patient())
    client = _signed_in()
    path = reverse("note-save", kwargs={"note_id": note.pk})
    state = {"revision": note.revision, "text": "Phone call: "}

    def save() -> HttpResponseBase:
        state["text"] = str(state["text"])[-3000:] + "Discussed the home program. "
        body = json.dumps({"revision": state["revision"], "content": {"entry": state["text"]}})
        response = _ok(client.post(path, body, content_type="application/json"), f"POST {path}")
        state["revision"] = json.loads(response.content)["revision"]
        return response

    return save


def sign() -> Operation:
    """Signing from its confirmation page: each call signs the next of SIGN_CALLS
    drafts prepared beforehand (untimed), each with its entry written."""
    author = _author()
    patient = _writing_patient()
    drafts = []
    for _ in range(SIGN_CALLS):
        note = _draft(author, patient)
        note_draft_save(
            actor=author.user,
            note=note,
            content={"entry": _entry_text(NoteKind.PHONE, 0)},
            revision=note.revision,
            now=timezone.now(),
        )
        drafts.append(note.pk)
    client = _signed_in()

    def post() -> HttpResponseBase:
        if not drafts:
            raise CareCaseError("more sign calls than drafts prepared")
        path = reverse("note-sign", kwargs={"note_id": drafts.pop()})
        return _ok(client.post(path), f"POST {path}", status=302)

    return post
