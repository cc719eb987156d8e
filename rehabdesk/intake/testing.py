"""Builders for tests: a complete set of answers to the intake form, and an intake
filled in section by section through the services."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from rehabdesk.intake.choices import IntakeChannel
from rehabdesk.intake.form import load_form
from rehabdesk.intake.models import IntakeResponse
from rehabdesk.intake.services import (
    Actor,
    intake_section_save,
    intake_start,
    intake_submit,
)
from rehabdesk.patients.models import Patient

# Every required question answered, nothing alarming: as raw form values.
ANSWERS: dict[str, dict[str, object]] = {
    "contact": {
        "contact_phone": "905-555-0111",
        "contact_email": "alice@persona.example",
        "emergency_name": "Ann Anders",
        "emergency_relationship": "Sister",
        "emergency_phone": "905-555-0199",
    },
    "reason": {
        "reason": "back_neck",
        "reason_detail": "Stiff lower back after gardening.",
        "body_areas": ["lower_back"],
        "onset_weeks": "3",
        "cause": "none",
        "pain_now": "4",
    },
    # Every warning sign and safety question "no" (the follow-ups left unasked).
    "red_flags": load_form().nothing_to_report("red_flags"),
    "screen": load_form().nothing_to_report("screen"),
    "history": {
        "conditions": ["none"],
        "medications": "none",
        "allergy_oils": "no",
        "allergy_latex": "no",
    },
    "goals": {"goals": "Garden without pain.", "insurance": "self"},
}


def intake_filled(
    patient: Patient,
    *,
    changes: dict[str, dict[str, object]] | None = None,
    channel: IntakeChannel = IntakeChannel.ONLINE,
    actor: Actor = None,
    submit: bool = True,
    now: datetime | None = None,
) -> IntakeResponse:
    """An intake answered in full (with `changes` by section), submitted unless not."""
    now = now or timezone.now()
    response = intake_start(patient=patient, channel=channel, actor=actor, now=now)
    for section in load_form(response.form_version).sections:
        answers = {**ANSWERS[section.code], **(changes or {}).get(section.code, {})}
        response = intake_section_save(
            response=response,
            section=section.code,
            answers=answers,
            channel=channel,
            actor=actor,
            now=now,
        )
    if submit:
        response = intake_submit(response=response, channel=channel, actor=actor, now=now)
    return response
