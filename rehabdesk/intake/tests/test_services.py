"""Starting, saving section by section, and submitting a health intake: resumable,
validated per section with nothing half-saved, complete before it is sent, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent
from rehabdesk.intake.choices import IntakeChannel, IntakeStatus
from rehabdesk.intake.errors import IntakeError, IntakeErrorCode
from rehabdesk.intake.models import IntakeResponse
from rehabdesk.intake.selectors import intake_status_of, intake_statuses
from rehabdesk.intake.services import intake_section_save, intake_start, intake_submit
from rehabdesk.intake.testing import ANSWERS, intake_filled
from rehabdesk.safety.models import Alert, RedFlagReview

pytestmark = pytest.mark.django_db
ONLINE, PAPER = IntakeChannel.ONLINE, IntakeChannel.PAPER


def start(personas, channel=ONLINE, actor=None):
    return intake_start(
        patient=personas.patient_a, channel=channel, actor=actor, now=timezone.now()
    )


def save(response, section, answers, *, partial=False, channel=ONLINE, actor=None):
    return intake_section_save(
        response=response,
        section=section,
        answers=answers,
        channel=channel,
        actor=actor,
        now=timezone.now(),
        partial=partial,
    )


def test_it_starts_a_draft_on_the_latest_form_and_audits_it(personas):
    response = start(personas, actor=personas.patient_a.user)
    assert response.status == IntakeStatus.DRAFT
    assert response.form_version == 1
    assert response.answers == {}
    assert response.entered_by == personas.patient_a.user
    event = AuditEvent.objects.get(object_type="intake.intakeresponse", action=AuditAction.CREATE)
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]
    assert "started" in event.summary


def test_starting_again_resumes_the_same_draft(personas):
    first = start(personas)
    save(first, "contact", ANSWERS["contact"])
    again = start(personas)
    assert again.pk == first.pk
    assert again.answers["emergency_name"] == "Ann Anders"
    assert IntakeResponse.objects.count() == 1


def test_it_refuses_an_unknown_form_version(personas):
    with pytest.raises(IntakeError) as error:
        intake_start(
            patient=personas.patient_a,
            channel=ONLINE,
            actor=None,
            now=timezone.now(),
            form_version=42,
        )
    assert error.value.code == IntakeErrorCode.UNKNOWN_FORM


def test_each_section_saved_is_kept_and_replaces_what_the_section_held(personas):
    response = start(personas)
    response = save(response, "reason", ANSWERS["reason"])
    assert response.answers["onset_weeks"] == 3
    assert response.answers["body_areas"] == ["lower_back"]
    changed = {**ANSWERS["reason"], "body_areas": ["neck"], "mechanism": ""}
    response = save(response, "reason", changed)
    assert response.answers["body_areas"] == ["neck"]
    assert "mechanism" not in response.answers
    changes = AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_type="intake.intakeresponse"
    ).values_list("summary", flat=True)
    assert list(changes) == ["health intake: section reason saved"] * 2


def test_a_section_with_a_bad_answer_keeps_nothing_of_it(personas):
    response = save(start(personas), "reason", ANSWERS["reason"])
    with pytest.raises(IntakeError) as error:
        save(response, "reason", {**ANSWERS["reason"], "cause": "work", "pain_now": "12"})
    assert error.value.code == IntakeErrorCode.INVALID_ANSWERS
    assert [p.code for p in error.value.problems] == ["pain_now"]
    response.refresh_from_db()
    assert response.answers["cause"] == "none"  # the section as it was
    changes = AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_type="intake.intakeresponse"
    )
    assert changes.count() == 1


def test_save_and_continue_asks_for_the_required_answers_finish_later_does_not(personas):
    response = start(personas)
    with pytest.raises(IntakeError):
        save(response, "contact", {"contact_phone": "905-555-0111"})
    later = save(response, "contact", {"contact_phone": "905-555-0111"}, partial=True)
    assert later.answers == {"contact_phone": "905-555-0111"}


def test_a_changed_answer_drops_the_questions_it_no_longer_asks(personas):
    response = start(personas)
    pregnant = {
        **ANSWERS["screen"],
        "pregnant": "yes",
        "pregnancy_high_risk": "no",
        "due_date": (timezone.localdate() + timedelta(days=90)).isoformat(),
    }
    response = save(response, "screen", pregnant)
    assert response.answers["due_date"]
    response = save(response, "screen", ANSWERS["screen"])
    assert "due_date" not in response.answers
    assert "pregnancy_high_risk" not in response.answers


def test_submitting_needs_every_required_answer_and_names_the_sections_to_finish(personas):
    response = save(start(personas), "contact", ANSWERS["contact"])
    with pytest.raises(IntakeError) as error:
        intake_submit(response=response, channel=ONLINE, actor=None, now=timezone.now())
    assert error.value.code == IntakeErrorCode.INCOMPLETE
    sections = [p.code for p in error.value.problems]
    assert sections == ["reason", "red_flags", "screen", "history", "goals"]
    assert "13 questions still to answer" in error.value.problems[1].message
    response.refresh_from_db()
    assert response.status == IntakeStatus.DRAFT


def test_a_submitted_intake_is_complete_and_never_changed_again(personas):
    response = intake_filled(personas.patient_a)
    assert response.status == IntakeStatus.SUBMITTED
    assert response.submitted_at is not None
    assert response.answers["rf_fever"] == "no"
    with pytest.raises(IntakeError) as error:
        save(response, "goals", ANSWERS["goals"])
    assert error.value.code == IntakeErrorCode.ALREADY_SUBMITTED
    with pytest.raises(IntakeError):
        intake_submit(response=response, channel=ONLINE, actor=None, now=timezone.now())
    with pytest.raises(IntakeError) as again:
        start(personas)
    assert again.value.code == IntakeErrorCode.ALREADY_SUBMITTED
    submitted = AuditEvent.objects.filter(summary__startswith="health intake submitted")
    assert submitted.count() == 1


def test_a_draft_stays_on_the_channel_it_was_begun_on(personas):
    online = start(personas)
    with pytest.raises(IntakeError) as error:
        start(personas, channel=PAPER, actor=personas.front_desk)
    assert error.value.code == IntakeErrorCode.DRAFT_ELSEWHERE
    with pytest.raises(IntakeError):
        save(online, "contact", ANSWERS["contact"], channel=PAPER, actor=personas.front_desk)


def test_the_desk_types_in_a_paper_form_on_the_patients_behalf(personas):
    response = intake_filled(personas.patient_b, channel=PAPER, actor=personas.front_desk)
    assert response.channel == PAPER
    assert response.entered_by == personas.front_desk
    assert intake_status_of(patient_id=personas.patient_b.pk) == IntakeStatus.SUBMITTED


def test_the_status_says_where_each_patient_stands_without_the_answers(personas):
    start(personas)
    intake_filled(personas.patient_b)
    assert intake_statuses(
        patient_ids=[personas.patient_a.pk, personas.patient_b.pk, personas.child.pk]
    ) == {personas.patient_a.pk: IntakeStatus.DRAFT, personas.patient_b.pk: IntakeStatus.SUBMITTED}
    assert intake_status_of(patient_id=personas.child.pk) is None


def test_an_unknown_section_is_refused(personas):
    with pytest.raises(IntakeError) as error:
        save(start(personas), "hobbies", {})
    assert error.value.code == IntakeErrorCode.UNKNOWN_SECTION


def test_the_database_keeps_one_intake_per_patient_and_a_sent_one_has_its_time(personas):
    response = start(personas)
    with pytest.raises(IntegrityError):
        IntakeResponse.objects.create(
            patient=personas.patient_a,
            form_version=1,
            channel=ONLINE,
            started_at=response.started_at,
            updated_at=response.updated_at,
        )


def test_the_database_refuses_a_submitted_intake_without_its_time(personas):
    response = start(personas)
    with pytest.raises(IntegrityError):
        IntakeResponse.objects.filter(pk=response.pk).update(status=IntakeStatus.SUBMITTED)


def test_submitting_raises_the_safety_alerts_and_red_flag_reviews_of_the_answers(personas):
    response = intake_filled(
        personas.patient_a,
        changes={"red_flags": {"rf_calf_swollen": "yes"}, "screen": {"pacemaker": "yes"}},
    )
    alerts = Alert.objects.filter(patient=personas.patient_a)
    assert alerts.exists()
    assert {alert.source_id for alert in alerts} == {str(response.pk)}
    assert RedFlagReview.objects.filter(patient=personas.patient_a).exists()


def test_a_quiet_intake_raises_no_alert(personas):
    intake_filled(personas.patient_a)
    assert not Alert.objects.filter(patient=personas.patient_a).exists()
    assert not RedFlagReview.objects.filter(patient=personas.patient_a).exists()


def test_a_refused_submit_raises_nothing(personas):
    response = intake_start(
        patient=personas.patient_a, channel=ONLINE, actor=None, now=timezone.now()
    )
    save(response, "red_flags", {**ANSWERS["red_flags"], "rf_fever": "yes"})
    with pytest.raises(IntakeError):
        intake_submit(response=response, channel=ONLINE, actor=None, now=timezone.now())
    assert not RedFlagReview.objects.exists()
