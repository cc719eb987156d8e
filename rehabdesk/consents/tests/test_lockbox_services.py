"""The lockbox's writes: directives set and withdrawn, openings with a reason (the
patient told, the trail's EMERGENCY for break-glass), and the privacy officer's review."""

from __future__ import annotations

import pytest
from django.utils import timezone

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent
from rehabdesk.consents.choices import (
    ConsentChannel,
    DirectiveMode,
    DirectiveScope,
    OverrideKind,
    OverrideReview,
)
from rehabdesk.consents.errors import ConsentError, ConsentErrorCode
from rehabdesk.consents.lockbox import (
    OPENING_LASTS,
    directive_set,
    directive_withdraw,
    override_open,
    override_review,
)
from rehabdesk.consents.models import ConsentDirective
from rehabdesk.notifications.models import OutboxMessage


def directive(personas, **changes):
    values = {
        "patient": personas.patient_a,
        "scope": DirectiveScope.RECORD,
        "mode": DirectiveMode.FROM_NAMED,
        "practitioner_ids": [personas.physio.pk],
        "channel": ConsentChannel.ONLINE,
        "actor": personas.patient_a.user,
        "now": timezone.now(),
        **changes,
    }
    return directive_set(**values)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"practitioner_ids": []}, ConsentErrorCode.NO_PRACTITIONER_NAMED),
        ({"practitioner_ids": [999_999]}, ConsentErrorCode.NO_PRACTITIONER_NAMED),
        ({"scope": DirectiveScope.VISIT}, ConsentErrorCode.VISIT_REQUIRED),
    ],
)
def test_a_directive_refused_writes_nothing(personas, changes, code):
    with pytest.raises(ConsentError) as refused:
        directive(personas, **changes)
    assert refused.value.code == code
    assert not ConsentDirective.objects.exists()


def test_withheld_from_everyone_but_none_named_is_everyone(personas):
    found = directive(personas, mode=DirectiveMode.ALL_BUT_NAMED, practitioner_ids=[])
    assert list(found.practitioners.all()) == []


def test_a_directive_is_audited_and_withdrawn_once_kept_on_file(personas):
    found = directive(personas, channel=ConsentChannel.PAPER, actor=personas.front_desk)
    assert found.recorded_by == personas.front_desk
    event = AuditEvent.objects.filter(object_type="consents.consentdirective").latest("pk")
    assert event.action == AuditAction.CREATE
    assert "on paper" in event.summary
    directive_withdraw(directive=found, actor=personas.patient_a.user, now=timezone.now())
    with pytest.raises(ConsentError) as refused:
        directive_withdraw(directive=found, actor=personas.patient_a.user, now=timezone.now())
    assert refused.value.code == ConsentErrorCode.ALREADY_WITHDRAWN
    assert ConsentDirective.objects.get(pk=found.pk).withdrawn_at is not None


@pytest.mark.parametrize(
    ("kind", "action"),
    [(OverrideKind.EMERGENCY, AuditAction.EMERGENCY), (OverrideKind.CONSENT, AuditAction.CREATE)],
)
def test_an_opening_is_on_file_and_the_patient_told(personas, kind, action):
    now = timezone.now()
    opening = override_open(
        patient=personas.patient_a,
        practitioner=personas.massage_therapist,
        kind=kind,
        reason="  Fainted at reception  ",
        actor=personas.massage_therapist.user,
        now=now,
    )
    assert opening.reason == "Fainted at reception"
    assert opening.expires_at - opening.starts_at == OPENING_LASTS
    event = AuditEvent.objects.filter(object_type="consents.lockboxoverride").latest("pk")
    assert event.action == action
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]
    message = OutboxMessage.objects.get(kind="lockbox_opened")
    assert message.recipient == personas.patient_a.email
    assert "Olivia Massage" in message.body_text
    # No health detail in the subject, nor the reason in the e-mail (it is on the portal).
    assert "Fainted" not in message.subject + message.body_text
    assert ("emergency" in message.body_text) is (kind == OverrideKind.EMERGENCY)


def test_a_childs_opening_tells_the_guardian(personas):
    override_open(
        patient=personas.child,
        practitioner=personas.physio,
        kind=OverrideKind.EMERGENCY,
        reason="Fell off the table",
        actor=personas.physio.user,
        now=timezone.now(),
    )
    message = OutboxMessage.objects.get(kind="lockbox_opened")
    assert message.recipient == personas.guardian.email
    assert "Charlie's health record" in message.body_text


def test_an_opening_needs_a_reason(personas):
    with pytest.raises(ConsentError) as refused:
        override_open(
            patient=personas.patient_a,
            practitioner=personas.physio,
            kind=OverrideKind.EMERGENCY,
            reason="   ",
            actor=personas.physio.user,
            now=timezone.now(),
        )
    assert refused.value.code == ConsentErrorCode.REASON_REQUIRED
    assert not OutboxMessage.objects.filter(kind="lockbox_opened").exists()


def test_the_review_needs_a_note_and_happens_once(personas):
    opening = override_open(
        patient=personas.patient_a,
        practitioner=personas.physio,
        kind=OverrideKind.EMERGENCY,
        reason="Chest pain",
        actor=personas.physio.user,
        now=timezone.now(),
    )
    officer = personas.manager
    with pytest.raises(ConsentError) as refused:
        override_review(
            opening=opening,
            reviewer=officer,
            review=OverrideReview.JUSTIFIED,
            note="",
            now=timezone.now(),
        )
    assert refused.value.code == ConsentErrorCode.REASON_REQUIRED
    done = override_review(
        opening=opening,
        reviewer=officer,
        review=OverrideReview.JUSTIFIED,
        note="Ambulance called; notes confirm",
        now=timezone.now(),
    )
    assert (done.reviewed_by, done.review) == (officer, OverrideReview.JUSTIFIED)
    with pytest.raises(ConsentError) as again:
        override_review(
            opening=opening,
            reviewer=officer,
            review=OverrideReview.FOLLOW_UP,
            note="x",
            now=timezone.now(),
        )
    assert again.value.code == ConsentErrorCode.ALREADY_REVIEWED
