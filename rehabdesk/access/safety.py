"""The safety record through the access policy: alerts and red-flag reviews are
clinical (Action.VIEW_CLINICAL to read, CHANGE_CLINICAL to act), so only practitioners
in the patient's care see their detail; every look is audited here, every change by
the safety services. The front desk and managers learn at most that a practitioner
must decide before a hands-on booking (`SafetyPanel.held`), never why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rehabdesk.access import care
from rehabdesk.access.accessors import User
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.lockbox import withheld_patients
from rehabdesk.access.policy import Action, may, person_for
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.safety.models import Alert, RedFlagReview
from rehabdesk.safety.selectors import (
    PatientSafety,
    SafetyBadge,
    alert_by_id,
    open_reviews_among,
    patient_safety,
    red_flag_review_by_id,
    safety_badges,
    safety_holds,
)

ALERT = "safety.alert"
REVIEW = "safety.redflagreview"


@dataclass(frozen=True)
class SafetyPanel:
    """What a staff page shows of one patient's safety record to this viewer.
    `record` is None unless they may see the clinical detail; `held` is all others
    learn: a practitioner must decide before a hands-on booking."""

    patient_id: int
    record: PatientSafety | None
    held: bool
    may_change: bool = False


@dataclass(frozen=True)
class DaySafety:
    """A practitioner's day: a badge per patient with alerts or red flags, and the red
    flags waiting for their decision among every patient in their care."""

    badges: dict[int, SafetyBadge] = field(default_factory=dict)
    to_review: tuple[RedFlagReview, ...] = ()


def safety_panel_for(*, user: User, patient_id: int, on_file: bool = True) -> SafetyPanel:
    """The patient's safety record for a staff page: the detail for a practitioner in
    their care (the look audited), or only whether bookings are held for others.
    `on_file`: False for a page whose own view event already links this patient (the
    patient's page, an appointment's page): one page, one event."""
    person = person_for(user)
    if may(person, Action.VIEW_CLINICAL, patient_id):
        record = patient_safety(patient_id=patient_id)
        if on_file:
            audit_record(
                actor=user,
                action=AuditAction.VIEW,
                object_type=ALERT,
                patient_ids=[patient_id],
                summary="safety alerts and red-flag reviews",
            )
        held = any(a.level == "do_not_treat" for a in record.alerts) or bool(record.open_reviews)
        # Whoever may see it here may act on it: CARE holds both.
        return SafetyPanel(patient_id=patient_id, record=record, held=held, may_change=True)
    return SafetyPanel(
        patient_id=patient_id, record=None, held=bool(safety_holds(patient_ids=[patient_id]))
    )


def day_safety_for(*, user: User, patient_ids: Iterable[int]) -> DaySafety:
    """The badges of a practitioner's day and the red flags they must decide, for the
    patients in their care only; the look audited as one event. Two queries, and the
    audit's two inserts when there is something to show."""
    person = person_for(user)
    if person.practitioner_id is None:
        return DaySafety()
    # In their care, less the patients whose lockbox withholds their record from them.
    pid = person.practitioner_id
    badges = safety_badges(
        patient_ids=set(patient_ids),
        within=care.in_care(practitioner_id=pid, field="pk")
        & ~withheld_patients(practitioner_id=pid, field="pk"),
    )
    to_review = open_reviews_among(
        patients=care.in_care(practitioner_id=pid) & ~withheld_patients(practitioner_id=pid)
    )
    shown = set(badges) | {review.patient_id for review in to_review}
    if shown:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type=ALERT,
            patient_ids=sorted(shown),
            summary="safety badges and red flags to review (my day)",
        )
    return DaySafety(badges=badges, to_review=tuple(to_review))


def alert_for(*, user: User, alert_id: int, action: Action = Action.CHANGE_CLINICAL) -> Alert:
    """An alert, if `user` may do `action` to its patient's clinical record; the look
    audited (the services audit changes)."""
    alert = alert_by_id(alert_id=alert_id)
    if alert is None:
        raise AccessDenied(
            object_type=ALERT, object_id=str(alert_id), summary="safety alert", found=False
        )
    _clinical(user, action, alert.patient_id, ALERT, alert.pk, "safety alert")
    return alert


def red_flag_review_for(
    *, user: User, review_id: int, action: Action = Action.CHANGE_CLINICAL
) -> RedFlagReview:
    """A red-flag review, if `user` may do `action` to its patient's clinical record;
    the look audited (the decision is audited by the service)."""
    review = red_flag_review_by_id(review_id=review_id)
    if review is None:
        raise AccessDenied(
            object_type=REVIEW, object_id=str(review_id), summary="red-flag review", found=False
        )
    _clinical(user, action, review.patient_id, REVIEW, review.pk, "red-flag review")
    return review


def _clinical(
    user: User, action: Action, patient_id: int, object_type: str, object_id: int, summary: str
) -> None:
    if not may(person_for(user), action, patient_id):
        raise AccessDenied(
            object_type=object_type,
            object_id=str(object_id),
            patient_ids=[patient_id],
            summary=summary,
        )
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=object_type,
        object_id=str(object_id),
        patient_ids=[patient_id],
        summary=summary,
    )
