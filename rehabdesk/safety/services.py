"""Writes of the safety record: alerts raised from answers or by hand, acknowledged and
cleared, and the practitioner's decision on each red flag. Each function owns its
transaction and puts what it did on the audit trail (the kind of record, never its
clinical content)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.clinic.models import Service
from rehabdesk.guidance.models import GuideResult
from rehabdesk.guidance.rules import load_ruleset, screen
from rehabdesk.guidance.services import guide_result_link_patient
from rehabdesk.patients.models import Patient
from rehabdesk.safety.choices import (
    OPEN_STATES,
    AlertLevel,
    AlertSource,
    AlertState,
    RedFlagDecision,
)
from rehabdesk.safety.errors import SafetyError, SafetyErrorCode
from rehabdesk.safety.modalities import HANDS_ON, MODALITIES
from rehabdesk.safety.models import Alert, RedFlagReview
from rehabdesk.safety.selectors import booking_concerns

Actor = AbstractBaseUser | AnonymousUser | None
ALERT = "safety.alert"
REVIEW = "safety.redflagreview"
RED_FLAG_STEP = "red_flags"
REASON_MAX = 2000


@dataclass(frozen=True)
class Raised:
    """What `alerts_from_answers` added (rules already in force are not raised again)."""

    alerts: tuple[Alert, ...]
    reviews: tuple[RedFlagReview, ...]


def alerts_from_answers(
    *,
    patient: Patient,
    answers: Mapping[str, str | int],
    source: object,
    actor: Actor,
    now: datetime,
    ruleset_version: int | None = None,
    origin: AlertSource = AlertSource.INTAKE,
) -> Raised:
    """Screen the patient's answers (`guidance.rules.screen`) and put on their record an
    alert for each contraindication and a review for each red flag.

    `source` is the intake response the answers came from (it or its id), or the
    treatment guide's result (`origin` GUIDE). Idempotent:
    a rule already in force for the patient (an alert not cleared, a review not
    decided), or already raised from this same source, is not raised again, so
    submitting the same answers twice adds nothing. Every red-flag question answered
    "yes" gets a review, through its rule or, were no rule to name it, on its own.
    Runs inside the caller's transaction when there is one (the intake's submit).
    """
    ruleset = load_ruleset(ruleset_version)
    found = screen(ruleset, answers)
    source_id = str(getattr(source, "pk", source) or "")
    with transaction.atomic():
        # One writer per patient at a time: two submissions cannot both find "nothing
        # in force" and raise the same rule twice (the unique constraints back this).
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        open_alerts, open_reviews = _rules_in_force(patient, origin, source_id)
        alerts = []
        for caution in found.cautions:
            if str(caution.rule) in open_alerts:
                continue
            alerts.append(
                Alert.objects.create(
                    patient=patient,
                    level=AlertLevel(str(caution.level)),
                    modalities=sorted({str(m) for m in caution.modalities}),
                    reason=caution.reason,
                    rule=str(caution.rule),
                    ruleset_version=ruleset.version,
                    source=origin,
                    source_id=source_id,
                    created_at=now,
                    created_by=_user(actor),
                )
            )
        reviews = []
        covered: set[str] = set()
        for flag in found.red_flags:
            covered.update(str(code) for code in flag.codes)
            if str(flag.rule) in open_reviews:
                continue
            reviews.append(
                _review(
                    patient=patient,
                    rule=str(flag.rule),
                    urgency=str(flag.level),
                    text=flag.clinician_text,
                    answers={str(c): answers[c] for c in flag.codes if c in answers},
                    version=ruleset.version,
                    origin=origin,
                    source_id=source_id,
                    now=now,
                )
            )
        for question in ruleset.questions:
            code = str(question.code)
            if question.step != RED_FLAG_STEP or answers.get(code) != "yes" or code in covered:
                continue
            if code in open_reviews:
                continue
            reviews.append(
                _review(
                    patient=patient,
                    rule=code,
                    urgency="doctor_first",
                    text=question.text,
                    answers={code: "yes"},
                    version=ruleset.version,
                    origin=origin,
                    source_id=source_id,
                    now=now,
                )
            )
        if alerts or reviews:
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                object_type=ALERT,
                object_id=source_id,
                patient_ids=[patient.pk],
                summary=f"safety alerts ({len(alerts)}) and red-flag reviews "
                f"({len(reviews)}) from health answers ({origin.label.lower()})",
                now=now,
            )
    return Raised(alerts=tuple(alerts), reviews=tuple(reviews))


def guide_result_file(
    *, result: GuideResult, patient: Patient, actor: Actor, now: datetime
) -> Raised:
    """Put a treatment guide's result on the record of the patient who booked after it,
    and raise what its answers call for, in one transaction: the guide's safety screen
    (a pregnancy, blood thinners, a pacemaker) follows the patient into the treatment
    room as alerts, and a red-flag "yes" reaches a practitioner as a review, as if they
    had said it on the health intake. The answers are read with the rule-set version
    the guide used."""
    with transaction.atomic():
        linked = guide_result_link_patient(result=result, patient=patient, actor=actor, now=now)
        return alerts_from_answers(
            patient=patient,
            answers=linked.answers,
            source=linked,
            actor=actor,
            now=now,
            ruleset_version=linked.ruleset_version,
            origin=AlertSource.GUIDE,
        )


def _rules_in_force(
    patient: Patient, origin: AlertSource, source_id: str
) -> tuple[set[str], set[str]]:
    """The rules not to raise again: in force now, or raised from this very source."""
    same_source = {"source": origin, "source_id": source_id} if source_id else None
    alerts = set(
        Alert.objects.filter(patient=patient, state__in=OPEN_STATES)
        .exclude(rule="")
        .values_list("rule", flat=True)
    )
    reviews = set(
        RedFlagReview.objects.filter(patient=patient, decision="").values_list("rule", flat=True)
    )
    if same_source:
        alerts |= set(
            Alert.objects.filter(patient=patient, **same_source).values_list("rule", flat=True)
        )
        reviews |= set(
            RedFlagReview.objects.filter(patient=patient, **same_source).values_list(
                "rule", flat=True
            )
        )
    return alerts, reviews


def _review(
    *,
    patient: Patient,
    rule: str,
    urgency: str,
    text: str,
    answers: dict[str, str | int],
    version: int,
    origin: AlertSource,
    source_id: str,
    now: datetime,
) -> RedFlagReview:
    return RedFlagReview.objects.create(
        patient=patient,
        rule=rule,
        urgency=urgency,
        clinician_text=text,
        answers=answers,
        ruleset_version=version,
        source=origin,
        source_id=source_id,
        created_at=now,
    )


def alert_add_validate(*, level: str, modalities: Iterable[str], reason: str) -> None:
    """What a hand-written alert needs: a known level, known modalities, a reason."""
    if level not in AlertLevel.values:
        raise SafetyError(SafetyErrorCode.INVALID, "Choose a level.", field="level")
    unknown = set(modalities) - set(MODALITIES)
    if unknown:
        raise SafetyError(
            SafetyErrorCode.INVALID, "Choose modalities from the list.", field="modalities"
        )
    if level == AlertLevel.DO_NOT_TREAT and not set(modalities):
        raise SafetyError(
            SafetyErrorCode.INVALID,
            "Say which treatments must not be given.",
            field="modalities",
        )
    _reason(reason, field="reason")


def alert_add(
    *,
    patient: Patient,
    level: str,
    modalities: Iterable[str],
    reason: str,
    actor: User,
    now: datetime,
) -> Alert:
    """A practitioner puts an alert on the patient's record by hand."""
    chosen = sorted(set(modalities))
    alert_add_validate(level=level, modalities=chosen, reason=reason)
    with transaction.atomic():
        alert = Alert.objects.create(
            patient=patient,
            level=level,
            modalities=chosen,
            reason=reason.strip(),
            source=AlertSource.MANUAL,
            created_at=now,
            created_by=actor,
        )
        _audit(actor, AuditAction.CREATE, alert, "safety alert (added by hand)", now)
    return alert


def alert_acknowledge(*, alert: Alert, actor: User, now: datetime) -> Alert:
    """The practitioner has seen the alert; it stays in force."""
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.state == AlertState.CLEARED:
            raise SafetyError(SafetyErrorCode.ALREADY_CLEARED, "This alert was cleared.")
        if locked.state == AlertState.ACKNOWLEDGED:
            raise SafetyError(
                SafetyErrorCode.ALREADY_ACKNOWLEDGED, "This alert was already acknowledged."
            )
        locked.state = AlertState.ACKNOWLEDGED
        locked.acknowledged_at = now
        locked.acknowledged_by = actor
        locked.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
        _audit(actor, AuditAction.CHANGE, locked, "safety alert (acknowledged)", now)
    return locked


def alert_clear_validate(*, reason: str) -> None:
    _reason(reason, field="reason")


def alert_clear(*, alert: Alert, reason: str, actor: User, now: datetime) -> Alert:
    """The practitioner says, with a reason, that the alert no longer applies. A cleared
    alert stands as it is from then on (the database refuses changing it)."""
    alert_clear_validate(reason=reason)
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.state == AlertState.CLEARED:
            raise SafetyError(SafetyErrorCode.ALREADY_CLEARED, "This alert was already cleared.")
        locked.state = AlertState.CLEARED
        locked.cleared_at = now
        locked.cleared_by = actor
        locked.cleared_reason = reason.strip()
        locked.save(update_fields=["state", "cleared_at", "cleared_by", "cleared_reason"])
        _audit(actor, AuditAction.CHANGE, locked, "safety alert (cleared)", now)
    return locked


def red_flag_review_decide_validate(*, decision: str, reason: str) -> None:
    if decision not in RedFlagDecision.values:
        raise SafetyError(SafetyErrorCode.INVALID, "Choose a decision.", field="decision")
    _reason(reason, field="reason")


def red_flag_review_decide(
    *,
    review: RedFlagReview,
    decision: str,
    reason: str,
    practitioner_id: int,
    actor: User,
    now: datetime,
) -> RedFlagReview:
    """Record the practitioner's decision on a red flag. Decided once: the row is then
    part of the clinical record and the database refuses any change to it.

    A referral (to emergency or the family doctor) also puts a do-not-treat alert on
    hands-on treatment, "until medically cleared": the review stands as decided, and
    the alert is what a practitioner clears, with a reason, once the doctor has seen
    the patient."""
    red_flag_review_decide_validate(decision=decision, reason=reason)
    with transaction.atomic():
        locked = RedFlagReview.objects.select_for_update().get(pk=review.pk)
        if locked.decided:
            raise SafetyError(
                SafetyErrorCode.ALREADY_DECIDED, "This red flag has been decided already."
            )
        locked.decision = decision
        locked.decision_reason = reason.strip()
        locked.decided_at = now
        locked.decided_by = actor
        locked.decided_by_practitioner_id = practitioner_id
        locked.save(
            update_fields=[
                "decision",
                "decision_reason",
                "decided_at",
                "decided_by",
                "decided_by_practitioner",
            ]
        )
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=REVIEW,
            object_id=locked.pk,
            patient_ids=[locked.patient_id],
            summary=f"red-flag review (decided: {decision})",
            now=now,
        )
        if decision != RedFlagDecision.CLEARED:
            in_force = Alert.objects.filter(
                patient_id=locked.patient_id, rule=_referral_rule(locked), state__in=OPEN_STATES
            )
            if not in_force.exists():
                _referral_alert(locked, RedFlagDecision(decision).label, actor, now)
    return locked


def _referral_rule(review: RedFlagReview) -> str:
    return f"referral:{review.rule}"[:80]


def _referral_alert(review: RedFlagReview, referred: str, actor: Actor, now: datetime) -> Alert:
    alert = Alert.objects.create(
        patient_id=review.patient_id,
        level=AlertLevel.DO_NOT_TREAT,
        modalities=sorted(HANDS_ON),
        reason=f"{referred} for a red flag: no hands-on treatment until medically cleared.",
        rule=_referral_rule(review),
        ruleset_version=review.ruleset_version,
        source=AlertSource.RED_FLAG_REVIEW,
        source_id=str(review.pk),
        created_at=now,
        created_by=_user(actor),
    )
    _audit(actor, AuditAction.CREATE, alert, "safety alert (after a red-flag referral)", now)
    return alert


DECISION_NEEDED = (
    "A practitioner must clear this booking before it is confirmed: ask a practitioner "
    "in the patient's care to review their safety record."
)


def booking_safety_validate(
    *, patient_id: int, service: Service, message: str = DECISION_NEEDED
) -> None:
    """Refuse booking `service` for the patient while a practitioner must decide first
    (`selectors.booking_concerns`: a do-not-treat alert covering it, an undecided red
    flag and a hands-on service). The refusal says nothing clinical: the desk and the
    patient online learn only that a practitioner must clear it (`message`: the words
    for who asks, the clinic's phone number for a patient online)."""
    if booking_concerns(patient_id=patient_id, service=service).blocking:
        raise SafetyError(SafetyErrorCode.PRACTITIONER_DECISION_NEEDED, message)


def _reason(reason: str, *, field: str) -> None:
    text = reason.strip()
    if not text:
        raise SafetyError(SafetyErrorCode.INVALID, "Give the reason.", field=field)
    if len(text) > REASON_MAX:
        raise SafetyError(
            SafetyErrorCode.INVALID, f"Keep the reason under {REASON_MAX} characters.", field=field
        )


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _audit(actor: Actor, action: AuditAction, alert: Alert, summary: str, now: datetime) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=ALERT,
        object_id=alert.pk,
        patient_ids=[alert.patient_id],
        summary=summary,
        now=now,
    )
