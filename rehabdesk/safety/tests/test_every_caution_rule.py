"""Every contraindication rule of the rule set, raised by the answer that calls for it,
becomes an alert on the patient's record with the rule's level, modalities and reason;
every red-flag rule becomes a review waiting for a practitioner."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from rehabdesk.guidance.rules import load_ruleset
from rehabdesk.safety.models import Alert, RedFlagReview
from rehabdesk.safety.services import alerts_from_answers

pytestmark = pytest.mark.django_db

RULESET = load_ruleset()


def answers_for(source: Mapping[str, object]) -> dict[str, str | int]:
    """Answers that make a rule file's condition true (the first way it allows)."""
    if "answer" in source:
        value = source.get("equals", source.get("in", ["yes"]))
        if isinstance(value, list):
            value = value[0]
        return {str(source["answer"]): value}  # type: ignore[dict-item]
    if "any" in source:
        return answers_for(source["any"][0])  # type: ignore[index]
    if "all" in source:
        merged: dict[str, str | int] = {}
        for part in source["all"]:  # type: ignore[attr-defined]
            merged |= answers_for(part)
        return merged
    if "at_least" in source:
        merged = {}
        for part in source["of"][: int(source["at_least"])]:  # type: ignore[index]
            merged |= answers_for(part)
        return merged
    raise AssertionError(f"a condition this test cannot answer: {source}")


@pytest.mark.parametrize("rule", RULESET.caution_rules, ids=lambda rule: rule.rule)
def test_each_caution_rule_becomes_an_alert(personas, now, rule):
    answers = answers_for(rule.when.source)
    alerts_from_answers(patient=personas.patient_a, answers=answers, source=1, actor=None, now=now)
    alert = Alert.objects.get(patient=personas.patient_a, rule=rule.rule)
    assert (alert.level, alert.reason, alert.ruleset_version) == (
        str(rule.level),
        rule.reason,
        RULESET.version,
    )
    assert set(alert.modalities) == {str(m) for m in rule.modalities}


@pytest.mark.parametrize("rule", RULESET.red_flag_rules, ids=lambda rule: rule.rule)
def test_each_red_flag_rule_becomes_a_review(personas, now, rule):
    answers = answers_for(rule.when.source)
    alerts_from_answers(patient=personas.patient_a, answers=answers, source=1, actor=None, now=now)
    review = RedFlagReview.objects.get(patient=personas.patient_a, rule=rule.rule)
    assert (review.urgency, review.clinician_text, review.decision) == (
        str(rule.level),
        rule.clinician_text,
        "",
    )
    assert set(review.answers) <= set(answers)
    assert review.answers
