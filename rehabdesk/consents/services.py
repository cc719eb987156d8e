"""Writes for the privacy notice and consents; every consent write is audited."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Max

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.consents.choices import ConsentChannel
from rehabdesk.consents.errors import ConsentError, ConsentErrorCode
from rehabdesk.consents.models import ConsentRecord, PrivacyNotice
from rehabdesk.patients.models import Patient

Actor = AbstractBaseUser | AnonymousUser | None
OBJECT_TYPE = "consents.consentrecord"


def privacy_notice_publish(*, body: str, now: datetime) -> PrivacyNotice:
    """Publish a new version of the notice: the next number, shown from now on."""
    body = body.strip()
    if not body:
        raise ConsentError(
            ConsentErrorCode.EMPTY_NOTICE, "The notice needs its text.", field="body"
        )
    with transaction.atomic():
        # The unique version refuses a concurrent publish of the same number.
        latest = PrivacyNotice.objects.aggregate(latest=Max("version"))["latest"] or 0
        return PrivacyNotice.objects.create(version=latest + 1, body=body, published_at=now)


def consent_record(
    *,
    patient: Patient,
    notice: PrivacyNotice,
    channel: ConsentChannel,
    actor: Actor,
    now: datetime,
) -> ConsentRecord:
    """Record that the patient agreed to this version of the privacy notice."""
    with transaction.atomic():
        record = ConsentRecord.objects.create(
            patient=patient, notice=notice, channel=channel, accepted_at=now
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=OBJECT_TYPE,
            object_id=record.pk,
            patient_ids=[patient.pk],
            summary=f"privacy consent (notice v{notice.version}, {channel})",
            now=now,
        )
    return record


def consent_withdraw(*, record: ConsentRecord, actor: Actor, now: datetime) -> ConsentRecord:
    """Record the withdrawal of a consent; the row stays, with when it was withdrawn."""
    with transaction.atomic():
        locked = ConsentRecord.objects.select_for_update().get(pk=record.pk)
        if locked.withdrawn_at is not None:
            raise ConsentError(
                ConsentErrorCode.ALREADY_WITHDRAWN, "This consent was already withdrawn."
            )
        locked.withdrawn_at = now
        locked.save(update_fields=["withdrawn_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=OBJECT_TYPE,
            object_id=locked.pk,
            patient_ids=[locked.patient_id],
            summary="privacy consent (withdrawn)",
            now=now,
        )
    return locked
