"""A patient's clinical record for the chart's page tests, written through the care
services as a practitioner would: entries by phone (no booking needed), corrected by
amendment, addendum and "entered in error"."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from rehabdesk.care.choices import NoteKind, NoteRelation, VisitType
from rehabdesk.care.models import NoteTemplate, VisitNote
from rehabdesk.care.services import note_correct, note_draft_save, note_sign
from rehabdesk.care.testing import GENERAL, SOAP, note_write, template_create
from rehabdesk.clinic.models import Practitioner
from rehabdesk.patients.models import Patient


def template(code: str, definition: dict[str, Any], **more: Any) -> NoteTemplate:
    """The current version of `code`: the shipped one when the migrations load it, else
    a small one made here."""
    found = NoteTemplate.objects.filter(code=code, current=True).first()
    return found or template_create(
        code=code, definition=definition, now=timezone.now() - timedelta(days=400), **more
    )


def soap() -> NoteTemplate:
    return template("chart-test-soap", SOAP, discipline="physiotherapy")


def general() -> NoteTemplate:
    return template("general-entry", GENERAL, visit_type=VisitType.OTHER)


def entry(
    by: Practitioner, patient: Patient, complaint: str, *, days_ago: int, sign: bool = True
) -> VisitNote:
    """A phone consult written today about care `days_ago` days ago."""
    now = timezone.now()
    return note_write(
        actor=by.user,
        template=soap(),
        patient=patient,
        kind=NoteKind.PHONE,
        encounter_at=now - timedelta(days=days_ago),
        content={"complaint": complaint, "plan": "Review in a week"},
        now=now,
        sign=sign,
    )


def correct(
    by: Practitioner,
    note: VisitNote,
    relation: NoteRelation,
    reason: str,
    content: dict[str, Any] | None = None,
) -> VisitNote:
    """A signed correction of `note`: the amendment's or addendum's `content` saved first."""
    now = timezone.now()
    general()  # an addendum is written on it
    correction = note_correct(actor=by.user, note=note, relation=relation, reason=reason, now=now)
    if relation == NoteRelation.ENTERED_IN_ERROR:
        return correction
    correction = note_draft_save(
        actor=by.user,
        note=correction,
        content=content or {},
        revision=correction.revision,
        now=now,
    )
    return note_sign(actor=by.user, note=correction, now=now)


def moment(days_ago: int) -> datetime:
    return timezone.now() - timedelta(days=days_ago)
