"""The clinical rules a note must meet to be signed, read from the fields their template
gives a role (care/definition.py, FieldRole):

- acupuncture: every needle inserted is counted out again. `needles_out` must equal
  `needles_in`, unless an adverse event is recorded (a broken needle, fainting…), in
  which case the practitioner's account of the event explains the difference;
- pelvic health: an internal pelvic examination (`internal_exam` yes) needs the
  patient's consent to it in force at the visit (consents, topic internal_pelvic);
- massage therapy: treating a sensitive area (`sensitive_areas`) needs the patient's
  written consent for that day naming each area treated (topic sensitive_areas).

A draft saves anything well-formed; these rules are checked when the note is signed,
so a practitioner can write the treatment down first and sort out the record after.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from rehabdesk.care.definition import Definition, FieldRole
from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.consents.choices import SensitiveArea, TreatmentTopic
from rehabdesk.consents.models import TreatmentConsent
from rehabdesk.consents.selectors import treatment_consents_for_patient

NO_EVENT = "none"


def check_at_signing(
    *,
    definition: Definition,
    content: Mapping[str, Any],
    patient_id: int,
    encounter_at: datetime,
    zone: ZoneInfo,
) -> None:
    """Refuse (CareError) a note whose content breaks one of its discipline's rules.
    Reads the patient's consents (one query) only when the note records an internal
    examination or sensitive areas."""
    _needles_counted(definition, content)
    exam = definition.with_role(FieldRole.INTERNAL_EXAM)
    areas_field = definition.with_role(FieldRole.SENSITIVE_AREAS)
    examined = exam is not None and content.get(exam.code) is True
    areas = list(content.get(areas_field.code) or []) if areas_field else []
    if not examined and not areas:
        return
    day = encounter_at.astimezone(zone).date()
    consents = [
        consent
        for consent in treatment_consents_for_patient(patient_id=patient_id)
        if _in_force(consent, encounter_at, day, zone)
    ]
    if examined and not any(c.topic == TreatmentTopic.INTERNAL_PELVIC for c in consents):
        raise CareError(
            CareErrorCode.PELVIC_CONSENT_MISSING,
            "An internal pelvic examination is recorded, but the patient's consent to it "
            "is not on file for this visit. Record the consent first, or correct the note.",
            field=exam.code if exam else "",
        )
    if areas:
        consented = {
            area
            for c in consents
            if c.topic == TreatmentTopic.SENSITIVE_AREAS and c.visit_date == day
            for area in c.areas
        }
        missing = [a for a in areas if a not in consented]
        if missing:
            labels = ", ".join(_area_label(a) for a in missing)
            raise CareError(
                CareErrorCode.SENSITIVE_CONSENT_MISSING,
                f"Sensitive areas recorded without the patient's written consent for the "
                f"day: {labels}.",
                field=areas_field.code if areas_field else "",
            )


def adverse_event_recorded(definition: Definition, content: Mapping[str, Any]) -> bool:
    """Whether the note records an adverse event (anything but "none")."""
    field = definition.with_role(FieldRole.ADVERSE_EVENTS)
    if field is None:
        return False
    value = content.get(field.code)
    if isinstance(value, list):
        return any(item != NO_EVENT for item in value)
    return bool(value) and value != NO_EVENT


def _needles_counted(definition: Definition, content: Mapping[str, Any]) -> None:
    needles_in = definition.with_role(FieldRole.NEEDLES_IN)
    needles_out = definition.with_role(FieldRole.NEEDLES_OUT)
    if needles_in is None or needles_out is None:
        return
    inserted, removed = content.get(needles_in.code), content.get(needles_out.code)
    if inserted is None and removed is None:
        return
    if inserted != removed and not adverse_event_recorded(definition, content):
        raise CareError(
            CareErrorCode.NEEDLE_COUNT_MISMATCH,
            f"{removed if removed is not None else 'No'} needles counted out for "
            f"{inserted if inserted is not None else 'no'} inserted. Count again, or record "
            "the adverse event that explains the difference.",
            field=needles_out.code,
        )


def _in_force(consent: TreatmentConsent, encounter_at: datetime, day: date, zone: ZoneInfo) -> bool:
    """Given by the visit's day (a verbal consent is often put on file during the visit)
    and not withdrawn before the visit began."""
    given = consent.given_at.astimezone(zone).date() <= day
    withdrawn = consent.withdrawn_at is not None and consent.withdrawn_at <= encounter_at
    return given and not withdrawn


def _area_label(code: str) -> str:
    try:
        return str(SensitiveArea(code).label)
    except ValueError:
        return code
