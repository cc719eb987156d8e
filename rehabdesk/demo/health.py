"""The demo's health forms, what they raise, and consents to treatment: the demo
practitioner's next patients have filled in their intake (online when they have a
portal account, else the desk typed in their paper form; one is still a draft), and
their answers raised the alerts and the red-flag review the practitioner sees on "my
day" and the record — one alert already acknowledged, so every state shows. The first
few have consented to their next visit's treatment, so my day shows consent both on
file and missing."""

from __future__ import annotations

from datetime import datetime, timedelta

from rehabdesk.accounts.models import User
from rehabdesk.clinic.models import Practitioner
from rehabdesk.consents.choices import ConsentMethod
from rehabdesk.consents.selectors import topics_for_services, treatment_texts_current
from rehabdesk.consents.services import treatment_consent_give
from rehabdesk.intake.choices import IntakeChannel
from rehabdesk.intake.form import IntakeForm, load_form
from rehabdesk.intake.services import intake_section_save, intake_start, intake_submit
from rehabdesk.patients.models import Patient
from rehabdesk.safety.models import Alert
from rehabdesk.safety.services import alert_acknowledge
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

# What each patient told us, section by section, over the answers every form has.
# The first four raise something; the fifth raises nothing; the sixth is a draft. The
# first CONSENTING have also consented to their next visit's treatment.
CONSENTING = 3
PROFILES: tuple[dict[str, dict[str, object]], ...] = (
    {
        "reason": {
            "reason": "back_neck",
            "reason_detail": "Low back pain since moving house; worse after sitting.",
            "body_areas": ["lower_back"],
            "onset_weeks": "5",
        },
        "screen": {"anticoagulants": "yes"},
        "history": {
            "conditions": ["heart"],
            "medications": "Apixaban 5 mg twice a day (atrial fibrillation).",
        },
    },
    {
        "reason": {
            "reason": "surgery",
            "reason_detail": "Right knee replaced in October; stiff going down stairs.",
            "body_areas": ["leg_knee_right"],
            "onset_weeks": "7",
        },
        "screen": {"pacemaker": "yes", "metal_implant": "yes"},
        "history": {
            "conditions": ["heart", "arthritis"],
            "medications": "Metoprolol 25 mg.",
            "surgeries": "Pacemaker 2019; right knee replacement 2026.",
            "implants": "Pacemaker (left chest); right knee replacement.",
        },
    },
    {
        "reason": {
            "reason": "pelvic",
            "reason_detail": "Pelvic girdle pain, 24 weeks pregnant.",
            "body_areas": ["belly_pelvis", "lower_back"],
            "onset_weeks": "6",
        },
        "screen": {"pregnant": "yes", "pregnancy_high_risk": "no"},
        "history": {"medications": "Prenatal vitamins."},
    },
    {
        "reason": {
            "reason": "back_neck",
            "reason_detail": "Aching in the middle of my back, worse at night.",
            "body_areas": ["upper_back"],
            "onset_weeks": "8",
        },
        "red_flags": {"rf_night_pain": "yes", "rf_cancer_history": "yes"},
        "history": {"surgeries": "Lumpectomy 2021."},
    },
    {
        "reason": {
            "reason": "tension",
            "reason_detail": "Tight shoulders and neck from desk work.",
            "body_areas": ["neck", "shoulder_left", "shoulder_right"],
            "onset_weeks": "20",
        },
        "history": {"allergy_oils": "yes", "allergies_other": "Almond oil."},
    },
)


def every_answer(
    form: IntakeForm, patient: Patient, profile: dict[str, dict[str, object]]
) -> dict[str, dict]:
    """A full form: nothing alarming unless the profile says so."""
    base: dict[str, dict[str, object]] = {
        "contact": {
            "contact_phone": patient.phone or "905-555-0100",
            "contact_email": patient.email,
            "emergency_name": "A family member",
            "emergency_relationship": "Spouse",
            "emergency_phone": "905-555-0190",
        },
        "reason": {"cause": "none", "pain_now": "5"},
        # Every warning sign and safety question "no" (the follow-ups left unasked).
        "red_flags": form.nothing_to_report("red_flags"),
        "screen": form.nothing_to_report("screen"),
        "history": {
            "conditions": ["none"],
            "medications": "none",
            "allergy_oils": "no",
            "allergy_latex": "no",
        },
        "goals": {"goals": "Get back to my usual week without pain.", "insurance": "self"},
    }
    return {section: {**answers, **profile.get(section, {})} for section, answers in base.items()}


def by_whom(patient: Patient, front_desk: User) -> tuple[IntakeChannel, User]:
    """Online by the patient with a portal account; otherwise the desk typed it in."""
    if patient.user is not None:
        return IntakeChannel.ONLINE, patient.user
    return IntakeChannel.PAPER, front_desk


def next_patients(practitioner: Practitioner, *, now: datetime, count: int) -> list[Patient]:
    """The practitioner's next patients, in booking order."""
    visits = (
        Appointment.objects.filter(
            practitioner=practitioner,
            status=AppointmentStatus.BOOKED,
            start__gte=now,
        )
        .select_related("patient__user")
        .order_by("start", "pk")
    )
    patients: dict[int, Patient] = {}
    for visit in visits[:200]:
        if visit.patient is not None:
            patients.setdefault(visit.patient.pk, visit.patient)
        if len(patients) == count:
            break
    return list(patients.values())


def consent_to_next_visit(
    patients: list[Patient], practitioner: Practitioner, *, front_desk: User, now: datetime
) -> None:
    """These patients consented to their next visit's treatment: online when they have
    a portal account, else on the desk's tablet, signing with their name."""
    texts = treatment_texts_current()
    for patient in patients:
        visit = (
            Appointment.objects.filter(patient=patient, practitioner=practitioner, start__gte=now)
            .order_by("start")
            .first()
        )
        if visit is None:
            continue
        for topic in sorted(topics_for_services(service_ids=[visit.service_id])[visit.service_id]):
            online = patient.user is not None
            treatment_consent_give(
                patient=patient,
                text=texts[topic],
                method=ConsentMethod.ONLINE if online else ConsentMethod.TABLET,
                actor=patient.user if online else front_desk,
                signed_name="" if online else patient.full_name,
                agreed=True,
                now=now - timedelta(days=1),
            )


def load_demo_health(*, practitioner: Practitioner, front_desk: User, now: datetime) -> int:
    """Intakes for the practitioner's next patients, sent the day before today; the
    number of forms written."""
    sent = now - timedelta(days=1)
    patients = next_patients(practitioner, now=now, count=len(PROFILES) + 1)
    for patient, profile in zip(patients, PROFILES, strict=False):
        channel, actor = by_whom(patient, front_desk)
        response = intake_start(patient=patient, channel=channel, actor=actor, now=sent)
        form = load_form(response.form_version)
        answers = every_answer(form, patient, profile)
        for section in form.sections:
            response = intake_section_save(
                response=response,
                section=section.code,
                answers=answers[section.code],
                channel=channel,
                actor=actor,
                now=sent,
            )
        intake_submit(response=response, channel=channel, actor=actor, now=sent)
    if len(patients) > len(PROFILES):
        draft_for = patients[len(PROFILES)]
        channel, actor = by_whom(draft_for, front_desk)
        draft = intake_start(patient=draft_for, channel=channel, actor=actor, now=sent)
        intake_section_save(
            response=draft,
            section="contact",
            answers=every_answer(load_form(draft.form_version), draft_for, {})["contact"],
            channel=channel,
            actor=actor,
            now=sent,
        )
    consent_to_next_visit(patients[:CONSENTING], practitioner, front_desk=front_desk, now=now)
    seen = Alert.objects.filter(patient__in=patients).order_by("pk").first()
    if seen is not None and practitioner.user is not None:
        alert_acknowledge(alert=seen, actor=practitioner.user, now=now)
    return len(patients)
