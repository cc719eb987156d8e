"""A practitioner adds an alert by hand, acknowledges one (it stays in force), clears
one with a reason, and decides a red flag once; each step is checked, recorded with
who and when, and audited. A referral keeps hands-on treatment held by an alert."""

from __future__ import annotations

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.safety.errors import SafetyError, SafetyErrorCode
from rehabdesk.safety.modalities import HANDS_ON
from rehabdesk.safety.models import Alert
from rehabdesk.safety.services import (
    alert_acknowledge,
    alert_add,
    alert_clear,
    red_flag_review_decide,
)

pytestmark = pytest.mark.django_db


def add(personas, now, **changes) -> Alert:
    values = {
        "level": "modify",
        "modalities": ["deep_pressure"],
        "reason": "Bruises easily: lighter pressure",
        **changes,
    }
    return alert_add(patient=personas.patient_a, actor=personas.physio.user, now=now, **values)


def test_it_adds_an_alert_by_hand_with_who_added_it(personas, now):
    alert = add(personas, now)
    assert (alert.rule, alert.source, alert.created_by) == ("", "manual", personas.physio.user)
    assert alert.by_hand
    assert AuditEvent.objects.filter(
        object_type="safety.alert", object_id=str(alert.pk), action="create"
    ).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"level": "urgent"}, "level"),
        ({"modalities": ["cupping"]}, "modalities"),
        ({"level": "do_not_treat", "modalities": []}, "modalities"),
        ({"reason": "   "}, "reason"),
        ({"reason": "x" * 2001}, "reason"),
    ],
)
def test_it_refuses_an_alert_it_could_not_act_on(personas, now, changes, field):
    with pytest.raises(SafetyError) as refused:
        add(personas, now, **changes)
    assert (refused.value.code, refused.value.field) == (SafetyErrorCode.INVALID, field)
    assert not Alert.objects.exists()


def test_an_acknowledged_alert_stays_in_force_until_cleared(personas, now):
    alert = add(personas, now)
    seen = alert_acknowledge(alert=alert, actor=personas.physio.user, now=now)
    assert (seen.state, seen.acknowledged_by) == ("acknowledged", personas.physio.user)
    assert seen.in_force
    with pytest.raises(SafetyError) as twice:
        alert_acknowledge(alert=alert, actor=personas.physio.user, now=now)
    assert twice.value.code == SafetyErrorCode.ALREADY_ACKNOWLEDGED
    cleared = alert_clear(
        alert=alert, reason="Off blood thinners", actor=personas.physio.user, now=now
    )
    assert (cleared.state, cleared.cleared_reason, cleared.cleared_at) == (
        "cleared",
        "Off blood thinners",
        now,
    )
    assert not cleared.in_force


def test_it_clears_only_with_a_reason_and_only_once(personas, now):
    alert = add(personas, now)
    with pytest.raises(SafetyError) as no_reason:
        alert_clear(alert=alert, reason=" ", actor=personas.physio.user, now=now)
    assert no_reason.value.field == "reason"
    alert_clear(alert=alert, reason="Resolved", actor=personas.physio.user, now=now)
    with pytest.raises(SafetyError) as again:
        alert_clear(alert=alert, reason="Resolved", actor=personas.physio.user, now=now)
    assert again.value.code == SafetyErrorCode.ALREADY_CLEARED
    with pytest.raises(SafetyError) as late:
        alert_acknowledge(alert=alert, actor=personas.physio.user, now=now)
    assert late.value.code == SafetyErrorCode.ALREADY_CLEARED
    changes = AuditEvent.objects.filter(object_type="safety.alert", object_id=str(alert.pk))
    assert list(changes.values_list("action", flat=True).order_by("pk")) == ["create", "change"]


def decide(personas, review, now, decision="cleared", reason="No red flag on examination"):
    return red_flag_review_decide(
        review=review,
        decision=decision,
        reason=reason,
        practitioner_id=personas.physio.pk,
        actor=personas.physio.user,
        now=now,
    )


def test_it_records_the_decision_with_who_and_when_once(personas, review_of, now):
    review = review_of(personas.patient_a)
    decided = decide(personas, review, now)
    assert (decided.decision, decided.decided_by_practitioner_id, decided.decided_at) == (
        "cleared",
        personas.physio.pk,
        now,
    )
    with pytest.raises(SafetyError) as again:
        decide(personas, review, now, decision="referred_emergency")
    assert again.value.code == SafetyErrorCode.ALREADY_DECIDED
    assert (
        AuditEvent.objects.filter(
            object_type="safety.redflagreview", object_id=str(review.pk), action="change"
        ).count()
        == 1
    )
    # Cleared: nothing holds the patient's treatment any more.
    assert not Alert.objects.filter(patient=personas.patient_a).exists()


@pytest.mark.parametrize(
    ("decision", "reason"),
    [("", "A reason"), ("maybe", "A reason"), ("cleared", "  ")],
)
def test_it_refuses_a_decision_without_a_known_choice_and_a_reason(
    personas, review_of, now, decision, reason
):
    review = review_of(personas.patient_a)
    with pytest.raises(SafetyError):
        decide(personas, review, now, decision=decision, reason=reason)
    review.refresh_from_db()
    assert review.decision == ""


@pytest.mark.parametrize("decision", ["referred_emergency", "referred_family_doctor"])
def test_a_referral_holds_hands_on_treatment_until_medically_cleared(
    personas, review_of, now, decision
):
    review = review_of(personas.patient_a)
    decide(personas, review, now, decision=decision, reason="Sent to ED by ambulance")
    held = Alert.objects.get(patient=personas.patient_a)
    assert (held.level, held.source, held.source_id) == (
        "do_not_treat",
        "red_flag_review",
        str(review.pk),
    )
    assert set(held.modalities) == HANDS_ON
    assert "medically cleared" in held.reason
