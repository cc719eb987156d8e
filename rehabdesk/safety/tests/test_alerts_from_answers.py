"""Health answers become the patient's safety record: an alert for each
contraindication the rule set finds, a red-flag review for each red flag answered
"yes" — once, however often the same answers come in, and audited."""

from __future__ import annotations

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.guidance.rules import load_ruleset, screen
from rehabdesk.safety.models import Alert, RedFlagReview
from rehabdesk.safety.services import alert_clear, alerts_from_answers

pytestmark = pytest.mark.django_db

CAUTIONS = {"pacemaker": "yes", "anticoagulants": "yes"}


def raise_from(personas, answers, now, source=41):
    return alerts_from_answers(
        patient=personas.patient_a,
        answers=answers,
        source=source,
        actor=personas.patient_a.user,
        now=now,
    )


def test_it_raises_an_alert_for_each_caution_with_its_rule_and_version(personas, now):
    raised = raise_from(personas, CAUTIONS, now)
    ruleset = load_ruleset()
    expected = screen(ruleset, CAUTIONS).cautions
    assert expected, "these answers call for cautions"
    assert {a.rule for a in raised.alerts} == {str(c.rule) for c in expected}
    for caution in expected:
        alert = Alert.objects.get(patient=personas.patient_a, rule=str(caution.rule))
        assert alert.level == str(caution.level)
        assert alert.modalities == sorted(str(m) for m in caution.modalities)
        assert alert.reason == caution.reason
        assert (alert.ruleset_version, alert.source, alert.source_id) == (
            ruleset.version,
            "intake",
            "41",
        )
        assert alert.state == "active"
    # The issue's own example: pacemaker x electrotherapy -> do not treat.
    pacemaker = Alert.objects.get(patient=personas.patient_a, rule="pacemaker_electrotherapy")
    assert (pacemaker.level, pacemaker.modalities) == ("do_not_treat", ["electrotherapy"])
    assert raised.reviews == ()


def test_it_opens_a_review_for_each_red_flag_with_the_answers_that_raised_it(personas, now):
    answers = {"rf_bladder_bowel": "yes", "rf_saddle_numbness": "no"}
    raised = raise_from(personas, answers, now)
    flags = screen(load_ruleset(), answers).red_flags
    assert flags
    assert {r.rule for r in raised.reviews} == {str(f.rule) for f in flags}
    review = RedFlagReview.objects.get(patient=personas.patient_a, rule=str(flags[0].rule))
    assert review.answers["rf_bladder_bowel"] == "yes"
    assert review.decision == ""
    assert review.urgency == str(flags[0].level)


def test_every_red_flag_question_answered_yes_gets_a_review(personas, now):
    ruleset = load_ruleset()
    codes = [q.code for q in ruleset.questions if q.step == "red_flags"]
    raise_from(personas, dict.fromkeys(codes, "yes"), now)
    reviews = RedFlagReview.objects.filter(patient=personas.patient_a)
    answered = {code for review in reviews for code, answer in review.answers.items()}
    assert answered >= set(codes)


def test_it_raises_nothing_for_no_and_not_sure_answers_that_call_for_nothing(personas, now):
    raised = raise_from(personas, {"pacemaker": "no", "rf_bladder_bowel": "no"}, now)
    assert (raised.alerts, raised.reviews) == ((), ())
    assert not AuditEvent.objects.filter(object_type="safety.alert").exists()


def test_the_same_answers_twice_add_nothing(personas, now):
    answers = {**CAUTIONS, "rf_bladder_bowel": "yes"}
    first = raise_from(personas, answers, now)
    again = raise_from(personas, answers, now)
    later = raise_from(personas, answers, now, source=42)
    assert first.alerts
    assert first.reviews
    assert (again.alerts, again.reviews) == ((), ())
    assert (later.alerts, later.reviews) == ((), ())  # still in force: not raised twice
    assert Alert.objects.filter(patient=personas.patient_a).count() == len(first.alerts)
    assert RedFlagReview.objects.filter(patient=personas.patient_a).count() == len(first.reviews)


def test_a_cleared_alert_comes_back_only_from_new_answers(personas, now):
    first = raise_from(personas, CAUTIONS, now)
    for alert in first.alerts:
        alert_clear(alert=alert, reason="Checked with the GP", actor=personas.physio.user, now=now)
    assert raise_from(personas, CAUTIONS, now).alerts == ()
    assert len(raise_from(personas, CAUTIONS, now, source=99).alerts) == len(first.alerts)


def test_it_audits_what_it_raised_without_the_clinical_detail(personas, now):
    raise_from(personas, {**CAUTIONS, "rf_bladder_bowel": "yes"}, now)
    event = AuditEvent.objects.get(object_type="safety.alert", action="create")
    assert event.patient_links.get().patient_id == personas.patient_a.pk
    assert "pacemaker" not in event.summary.lower()
    assert "bladder" not in event.summary.lower()
