"""Writes of the guide: a result recorded as it was told, and its link to the patient
who then booked. Each owns its transaction; the link is audited, because from then on
the answers are that patient's health information."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.guidance.errors import GuidanceError, GuidanceErrorCode
from rehabdesk.guidance.models import GuideResult
from rehabdesk.guidance.told import ruleset_for, told
from rehabdesk.patients.models import Patient

Actor = AbstractBaseUser | AnonymousUser | None
OBJECT_TYPE = "guidance.guideresult"


def guide_result_record(
    *, answers: Mapping[str, str | int], ruleset_version: int, now: datetime
) -> GuideResult:
    """Evaluate the visitor's answers with the rule set they were asked (refused when
    that version is unknown, or when an answer is missing or contradicts another) and
    store the answers, the version, the level and the result as told. Nothing about
    the visitor is stored, so nothing is audited until a patient is linked."""
    ruleset = ruleset_for(ruleset_version)
    result = told(ruleset, answers)
    with transaction.atomic():
        return GuideResult.objects.create(
            answers=dict(answers),
            ruleset_version=ruleset.version,
            ruleset_sha256=ruleset.sha256,
            level=result["level"],
            result=result,
            created_at=now,
        )


def guide_result_link_patient(
    *, result: GuideResult, patient: Patient, actor: Actor, now: datetime
) -> GuideResult:
    """Put a guide result on the record of the patient who booked after it. Linking it
    again to the same patient changes nothing; a result already on another patient's
    record is refused (a shared device's session must not move one person's answers to
    another's record)."""
    with transaction.atomic():
        locked = GuideResult.objects.select_for_update().get(pk=result.pk)
        if locked.patient_id == patient.pk:
            return locked
        if locked.patient_id is not None:
            raise GuidanceError(
                GuidanceErrorCode.ALREADY_LINKED,
                "These guide answers are already on another patient's record.",
            )
        locked.patient = patient
        locked.linked_at = now
        locked.save(update_fields=["patient", "linked_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=OBJECT_TYPE,
            object_id=locked.pk,
            patient_ids=[patient.pk],
            summary=f"treatment guide answers (rule set v{locked.ruleset_version}) linked",
            now=now,
        )
    return locked
