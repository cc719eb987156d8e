"""A guide result is stored as it was told: the answers submitted, the rule-set version
(and the file's hash), the level and the whole result as JSON. Incomplete or
contradictory answers and unknown versions are refused with nothing stored; linking a
result to the patient who booked is audited, once, and never moves it to another."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.guidance.choices import GuideLevel
from rehabdesk.guidance.errors import GuidanceError, GuidanceErrorCode
from rehabdesk.guidance.models import GuideResult
from rehabdesk.guidance.selectors import guide_result_unlinked, guide_results_for_patient
from rehabdesk.guidance.services import guide_result_link_patient, guide_result_record
from rehabdesk.guidance.tests.answers import (
    CHEST_PAIN,
    HEALTHY_BACK_PAIN,
    RED_FLAGS_NONE,
    RULESET,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)


def record(answers, version=1):
    return guide_result_record(answers=answers, ruleset_version=version, now=NOW)


def test_it_stores_the_answers_the_version_and_the_result_as_told():
    result = record(HEALTHY_BACK_PAIN)
    result.refresh_from_db()
    assert result.answers == HEALTHY_BACK_PAIN
    assert result.ruleset_version == 1
    assert result.ruleset_sha256 == RULESET.sha256
    assert result.level == GuideLevel.BOOK
    assert result.result["level"] == "book"
    assert result.result["ruleset_version"] == 1
    first = result.result["recommendations"][0]
    assert first["treatment"] == "physiotherapy"
    assert first["services"]
    assert all(reason["text"] for reason in first["reasons"])
    json.dumps(result.result)  # plain JSON, whatever rules come later
    assert result.patient is None
    assert result.created_at == NOW


def test_it_refuses_an_unknown_rule_set_version_and_stores_nothing():
    with pytest.raises(GuidanceError) as refused:
        record(HEALTHY_BACK_PAIN, version=999)
    assert refused.value.code == GuidanceErrorCode.UNKNOWN_RULESET
    assert not GuideResult.objects.exists()


def test_it_refuses_missing_answers_with_each_question_to_ask_again():
    answers = dict(HEALTHY_BACK_PAIN)
    del answers["pain_now"]
    with pytest.raises(GuidanceError) as refused:
        record(answers)
    assert refused.value.code == GuidanceErrorCode.ANSWERS_INCOMPLETE
    assert {(p.code, p.kind) for p in refused.value.problems} == {("pain_now", "missing")}
    assert not GuideResult.objects.exists()


def test_it_refuses_a_contradiction():
    answers = {**HEALTHY_BACK_PAIN, "pregnant": "no", "pregnancy_high_risk": "yes"}
    with pytest.raises(GuidanceError) as refused:
        record(answers)
    kinds = {(p.code, p.kind) for p in refused.value.problems}
    assert ("pregnancy_high_risk", "contradiction") in kinds
    assert not GuideResult.objects.exists()


def test_it_answers_an_emergency_from_the_red_flags_alone():
    result = record(CHEST_PAIN)
    assert result.level == GuideLevel.EMERGENCY
    assert result.result["recommendations"] == []
    assert [flag["codes"] for flag in result.result["red_flags"]] == [["rf_chest_breath"]]


def test_red_flags_alone_without_an_emergency_are_not_enough():
    with pytest.raises(GuidanceError) as refused:
        record(RED_FLAGS_NONE)
    assert refused.value.code == GuidanceErrorCode.ANSWERS_INCOMPLETE


def test_it_links_a_result_to_the_patient_who_booked_and_audits_it(personas):
    result = record(HEALTHY_BACK_PAIN)
    later = NOW + timedelta(minutes=5)
    linked = guide_result_link_patient(
        result=result, patient=personas.patient_a, actor=None, now=later
    )
    assert linked.patient == personas.patient_a
    assert linked.linked_at == later
    event = AuditEvent.objects.get(object_type="guidance.guideresult")
    assert event.action == "create"
    assert event.object_id == str(result.pk)
    assert [link.patient_id for link in event.patient_links.all()] == [personas.patient_a.pk]
    assert "rule set v1" in event.summary
    assert list(guide_results_for_patient(patient_id=personas.patient_a.pk)) == [linked]
    # Once on a record, the visitor's session no longer reads it as an anonymous result.
    assert guide_result_unlinked(result_id=result.pk) is None


def test_linking_again_to_the_same_patient_changes_nothing(personas):
    result = record(HEALTHY_BACK_PAIN)
    guide_result_link_patient(result=result, patient=personas.patient_a, actor=None, now=NOW)
    again = guide_result_link_patient(
        result=result, patient=personas.patient_a, actor=None, now=NOW + timedelta(hours=1)
    )
    assert again.linked_at == NOW
    assert AuditEvent.objects.filter(object_type="guidance.guideresult").count() == 1


def test_it_never_moves_a_result_to_another_patients_record(personas):
    result = record(HEALTHY_BACK_PAIN)
    guide_result_link_patient(result=result, patient=personas.patient_a, actor=None, now=NOW)
    with pytest.raises(GuidanceError) as refused:
        guide_result_link_patient(result=result, patient=personas.patient_b, actor=None, now=NOW)
    assert refused.value.code == GuidanceErrorCode.ALREADY_LINKED
    result.refresh_from_db()
    assert result.patient == personas.patient_a
