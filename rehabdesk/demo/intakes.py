"""Health forms for a few demo patients, through the intake services: one sent online
whose answers raise safety alerts, one typed in from paper by the desk, and one begun
online and left half done, so every status shows somewhere in the demo."""

from __future__ import annotations

from datetime import datetime

from rehabdesk.accounts.models import User
from rehabdesk.intake.choices import IntakeChannel
from rehabdesk.intake.form import load_form
from rehabdesk.intake.services import intake_section_save, intake_start, intake_submit
from rehabdesk.patients.models import Patient

NO_RED_FLAGS: dict[str, object] = dict.fromkeys(
    (
        "rf_bladder_bowel",
        "rf_saddle_numbness",
        "rf_legs_weakening",
        "rf_stroke_signs",
        "rf_chest_breath",
        "rf_belly_back_sudden",
        "rf_calf_swollen",
        "rf_fever",
        "rf_major_trauma",
        "rf_fall_fragile_bones",
        "rf_weight_loss",
        "rf_night_pain",
        "rf_cancer_history",
    ),
    "no",
)
SCREEN_NO: dict[str, object] = dict.fromkeys(
    (
        "pregnant",
        "pacemaker",
        "metal_implant",
        "anticoagulants",
        "clot",
        "skin_open",
        "cancer_treatment",
        "osteoporosis",
        "epilepsy",
        "diabetes_neuropathy",
        "high_blood_pressure_uncontrolled",
        "contagious",
    ),
    "no",
)


def _answers(patient: Patient, **by_section: dict[str, object]) -> dict[str, dict[str, object]]:
    base: dict[str, dict[str, object]] = {
        "contact": {
            "contact_phone": patient.phone,
            "contact_email": patient.email,
            "emergency_name": "Sam Sample",
            "emergency_relationship": "Partner",
            "emergency_phone": "905-555-0300",
        },
        "red_flags": NO_RED_FLAGS,
        "screen": SCREEN_NO,
    }
    return {code: {**base.get(code, {}), **by_section.get(code, {})} for code in by_section}


def load_demo_intakes(*, front_desk: User, patients: dict[str, Patient], now: datetime) -> None:
    sara = patients["sara"]
    _fill(
        sara,
        _answers(
            sara,
            contact={},
            reason={
                "reason": "back_neck",
                "reason_detail": "Low back pain for a month, worse after sitting at work.",
                "body_areas": ["lower_back"],
                "onset_weeks": "4",
                "cause": "work",
                "pain_now": "5",
            },
            red_flags={},
            screen={"anticoagulants": "yes"},
            history={
                "conditions": ["none"],
                "medications": "Apixaban 5 mg twice a day",
                "allergy_oils": "no",
                "allergy_latex": "yes",
            },
            goals={"goals": "Sit through a work day.", "insurance": "wsib"},
        ),
        channel=IntakeChannel.ONLINE,
        actor=sara.user,
        now=now,
    )
    raj = patients["raj"]
    _fill(
        raj,
        _answers(
            raj,
            contact={},
            reason={
                "reason": "surgery",
                "reason_detail": "Knee replacement six weeks ago.",
                "body_areas": ["leg_knee_right"],
                "onset_weeks": "6",
                "cause": "none",
                "pain_now": "3",
            },
            red_flags={},
            screen={"metal_implant": "yes"},
            history={
                "conditions": ["arthritis"],
                "medications": "Acetaminophen when needed",
                "surgeries": "Right knee replacement, this year",
                "implants": "Right knee replacement",
                "allergy_oils": "no",
                "allergy_latex": "no",
            },
            goals={"goals": "Climb stairs without a cane.", "insurance": "extended_health"},
        ),
        channel=IntakeChannel.PAPER,
        actor=front_desk,
        now=now,
    )
    margaret = patients["margaret"]
    _fill(
        margaret,
        _answers(margaret, contact={}),
        channel=IntakeChannel.ONLINE,
        actor=None,
        now=now,
        submit=False,
    )


def _fill(
    patient: Patient,
    answers: dict[str, dict[str, object]],
    *,
    channel: IntakeChannel,
    actor: User | None,
    now: datetime,
    submit: bool = True,
) -> None:
    response = intake_start(patient=patient, channel=channel, actor=actor, now=now)
    for section in load_form(response.form_version).sections:
        if section.code in answers:
            response = intake_section_save(
                response=response,
                section=section.code,
                answers=answers[section.code],
                channel=channel,
                actor=actor,
                now=now,
            )
    if submit:
        intake_submit(response=response, channel=channel, actor=actor, now=now)
