"""Every template the clinic ships (migration 0003) carries a note from start to
signature through the services: its required fields filled, its clinical rules met,
signed by a practitioner of its discipline with their college's designation; and the
same note with a rule broken is refused at signing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from rehabdesk.care.choices import NoteKind
from rehabdesk.care.definition import Field, FieldKind, FieldRole
from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.care.models import NoteTemplate
from rehabdesk.care.services import note_draft_save, note_sign, note_start
from rehabdesk.scheduling.testing import NOW

pytestmark = pytest.mark.django_db
SHIPPED = [
    ("physio-initial", "physio", "PT"),
    ("physio-follow-up", "physio", "PT"),
    ("physio-discharge", "physio", "PT"),
    ("pelvic-health-initial", "physio", "PT"),
    ("pelvic-health-follow-up", "physio", "PT"),
    ("acupuncture", "physio", "PT"),
    ("massage-initial", "massage_therapist", "RMT"),
    ("massage-follow-up", "massage_therapist", "RMT"),
    ("general-entry", "physio", "PT"),
]


def value(field: Field) -> Any:
    """What a practitioner would write, keeping clear of the clinical rules: as many
    needles out as in, no internal examination, no sensitive area, no adverse event."""
    if field.role == FieldRole.INTERNAL_EXAM:
        return False
    if field.role == FieldRole.SENSITIVE_AREAS:
        return []
    if field.role == FieldRole.ADVERSE_EVENTS:
        return ["none"] if field.kind == FieldKind.CHOICES else "none"
    if field.kind in (FieldKind.TEXT, FieldKind.LINE):
        return f"{field.label}: noted"[: field.max_length]
    if field.kind == FieldKind.NUMBER:
        return int(field.minimum or 0) + 1
    if field.kind == FieldKind.SCALE:
        return 3
    if field.kind == FieldKind.CHOICE:
        return field.options[0][0]
    if field.kind == FieldKind.CHOICES:
        return [field.options[0][0]]
    if field.kind == FieldKind.YES_NO:
        return True
    if field.kind == FieldKind.TABLE:
        return [{column.code: value(column) for column in field.columns}]
    return [{"region": "low_back", "mark": "pain"}]


def draft(personas, code, who, content_of):
    template = NoteTemplate.objects.get(code=code, current=True)
    actor = getattr(personas, who).user
    note = note_start(
        actor=actor,
        template=template,
        patient=personas.patient_a,
        kind=NoteKind.PHONE,
        encounter_at=NOW - timedelta(hours=1),
        now=NOW,
    )
    content = content_of(template.parsed)
    return actor, note_draft_save(actor=actor, note=note, content=content, revision=0, now=NOW)


def required(definition):
    return {f.code: value(f) for f in definition.fields if f.required_to_sign or f.role}


@pytest.mark.parametrize(("code", "who", "designation"), SHIPPED)
def test_a_note_on_each_shipped_template_signs(personas, code, who, designation):
    actor, note = draft(personas, code, who, required)
    signed = note_sign(actor=actor, note=note, now=NOW)
    assert (signed.status, signed.signer_designation) == ("signed", designation)


@pytest.mark.parametrize(("code", "who", "designation"), SHIPPED)
def test_each_shipped_template_asks_for_its_required_fields(personas, code, who, designation):
    actor, note = draft(personas, code, who, lambda definition: {})
    with pytest.raises(CareError) as refused:
        note_sign(actor=actor, note=note, now=NOW)
    assert refused.value.code == CareErrorCode.INVALID


def test_the_shipped_acupuncture_note_counts_its_needles(personas):
    def miscounted(definition):
        content = required(definition)
        needles_out = definition.with_role(FieldRole.NEEDLES_OUT)
        content[needles_out.code] += 1
        return content

    actor, note = draft(personas, "acupuncture", "physio", miscounted)
    with pytest.raises(CareError) as refused:
        note_sign(actor=actor, note=note, now=NOW)
    assert refused.value.code == CareErrorCode.NEEDLE_COUNT_MISMATCH


@pytest.mark.parametrize("code", ["pelvic-health-initial", "pelvic-health-follow-up"])
def test_the_shipped_pelvic_notes_ask_for_the_internal_exams_consent(personas, code):
    def examined(definition):
        return {**required(definition), definition.with_role(FieldRole.INTERNAL_EXAM).code: True}

    actor, note = draft(personas, code, "physio", examined)
    with pytest.raises(CareError) as refused:
        note_sign(actor=actor, note=note, now=NOW)
    assert refused.value.code == CareErrorCode.PELVIC_CONSENT_MISSING


@pytest.mark.parametrize("code", ["massage-initial", "massage-follow-up"])
def test_the_shipped_massage_notes_ask_for_the_sensitive_areas_consent(personas, code):
    def sensitive(definition):
        field = definition.with_role(FieldRole.SENSITIVE_AREAS)
        return {**required(definition), field.code: [field.options[0][0]]}

    actor, note = draft(personas, code, "massage_therapist", sensitive)
    with pytest.raises(CareError) as refused:
        note_sign(actor=actor, note=note, now=NOW)
    assert refused.value.code == CareErrorCode.SENSITIVE_CONSENT_MISSING
