"""Writes for the privacy notice, the treatment consent texts and patients' consents;
every consent write is audited, each service owns its transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.consents.choices import ConsentChannel, ConsentMethod, SensitiveArea, TreatmentTopic
from rehabdesk.consents.errors import ConsentError, ConsentErrorCode
from rehabdesk.consents.models import (
    ConsentRecord,
    PrivacyNotice,
    TreatmentConsent,
    TreatmentConsentText,
)
from rehabdesk.patients.models import Patient

Actor = AbstractBaseUser | AnonymousUser | None
OBJECT_TYPE = "consents.consentrecord"
TREATMENT = "consents.treatmentconsent"
DESK_CHANNELS = frozenset({ConsentChannel.STAFF, ConsentChannel.PAPER})


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


def privacy_consent_record_at_desk(
    *,
    patient: Patient,
    notice: PrivacyNotice,
    channel: ConsentChannel,
    actor: Actor,
    now: datetime,
) -> ConsentRecord:
    """The desk puts on file the privacy consent of a patient booked by phone or walking
    in (who never saw the online step): `notice` read on the desk's screen (STAFF) or
    signed on the paper form (PAPER). Refused while one is already on file, and when a
    newer notice was published since (it is the one to read)."""
    if channel not in DESK_CHANNELS:
        raise ConsentError(
            ConsentErrorCode.WRONG_CHANNEL,
            "At the desk a consent is given on the screen or on paper.",
            field="channel",
        )
    with transaction.atomic():
        _lock_patient(patient)
        current = PrivacyNotice.objects.order_by("-version").first()
        if current is None:
            raise ConsentError(ConsentErrorCode.NO_NOTICE, "No privacy notice is published.")
        if current.pk != notice.pk:
            raise ConsentError(
                ConsentErrorCode.TEXT_CHANGED,
                "The notice was updated since it was opened: please read the new version.",
            )
        if ConsentRecord.objects.filter(patient=patient, withdrawn_at__isnull=True).exists():
            raise ConsentError(
                ConsentErrorCode.ALREADY_ON_FILE, "A privacy consent is already on file."
            )
        return consent_record(patient=patient, notice=notice, channel=channel, actor=actor, now=now)


# --- Treatment consents ----------------------------------------------------------------


def treatment_consent_text_publish(
    *, topic: TreatmentTopic, body: str, now: datetime
) -> TreatmentConsentText:
    """Publish a new version of a topic's text: the next number, asked from now on.
    Consents already given keep the version they agreed to."""
    body = body.strip()
    if not body:
        raise ConsentError(ConsentErrorCode.EMPTY_NOTICE, "The text is empty.", field="body")
    with transaction.atomic():
        # The unique (topic, version) refuses a concurrent publish of the same number.
        latest = (
            TreatmentConsentText.objects.filter(topic=topic).aggregate(latest=Max("version"))[
                "latest"
            ]
            or 0
        )
        return TreatmentConsentText.objects.create(
            topic=topic, version=latest + 1, body=body, published_at=now
        )


def treatment_consent_give(
    *,
    patient: Patient,
    text: TreatmentConsentText,
    method: ConsentMethod,
    actor: Actor,
    now: datetime,
    agreed: bool,
    signed_name: str = "",
    areas: Iterable[str] = (),
) -> TreatmentConsent:
    """The patient (or their guardian) consents in writing: online in the portal, or on
    the clinic's tablet, signing with their typed name. `text` is the version they read;
    if a newer one was published meanwhile, they are asked to read it (TEXT_CHANGED)."""
    if method == ConsentMethod.VERBAL:
        raise ConsentError(
            ConsentErrorCode.NOTE_REQUIRED,
            "A verbal consent is recorded by the practitioner, with a note.",
        )
    if not agreed:
        raise ConsentError(
            ConsentErrorCode.NOT_AGREED, "Tick the box to say you agree.", field="agreed"
        )
    signed_name = " ".join(signed_name.split())
    if method == ConsentMethod.TABLET and not signed_name:
        raise ConsentError(
            ConsentErrorCode.NOT_SIGNED, "Type your full name to sign.", field="signed_name"
        )
    return _consent_put_on_file(
        patient=patient,
        text=text,
        method=method,
        actor=actor,
        now=now,
        signed_name=signed_name,
        note="",
        areas=areas,
    )


def treatment_consent_record_verbal(
    *,
    patient: Patient,
    text: TreatmentConsentText,
    note: str,
    actor: Actor,
    now: datetime,
) -> TreatmentConsent:
    """The practitioner records the consent the patient gave them in words, after going
    through the text with them, with a note of the conversation. Sensitive areas need
    the patient's written consent and cannot be recorded this way."""
    note = note.strip()
    if text.topic == TreatmentTopic.SENSITIVE_AREAS:
        raise ConsentError(
            ConsentErrorCode.WRITTEN_REQUIRED,
            "Massage of sensitive areas needs the patient's written consent, each time.",
            field="topic",
        )
    if not note:
        raise ConsentError(
            ConsentErrorCode.NOTE_REQUIRED,
            "Write a note of what you went through with the patient.",
            field="note",
        )
    return _consent_put_on_file(
        patient=patient,
        text=text,
        method=ConsentMethod.VERBAL,
        actor=actor,
        now=now,
        signed_name="",
        note=note,
        areas=(),
    )


def treatment_consent_withdraw(
    *, consent: TreatmentConsent, actor: Actor, now: datetime
) -> TreatmentConsent:
    """Record that the patient withdrew a treatment consent: when, and who put it on
    file. The row stays, with the text they had agreed to."""
    with transaction.atomic():
        locked = TreatmentConsent.objects.select_for_update().get(pk=consent.pk)
        if locked.withdrawn_at is not None:
            raise ConsentError(
                ConsentErrorCode.ALREADY_WITHDRAWN, "This consent was already withdrawn."
            )
        locked.withdrawn_at = now
        locked.withdrawn_by = _user_or_none(actor)
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=TREATMENT,
            object_id=locked.pk,
            patient_ids=[locked.patient_id],
            summary=f"treatment consent withdrawn ({locked.topic})",
            now=now,
        )
    return locked


def _consent_put_on_file(
    *,
    patient: Patient,
    text: TreatmentConsentText,
    method: ConsentMethod,
    actor: Actor,
    now: datetime,
    signed_name: str,
    note: str,
    areas: Iterable[str],
) -> TreatmentConsent:
    topic = TreatmentTopic(text.topic)
    chosen = _areas(topic, areas)
    visit_date = timezone.localdate(now) if topic == TreatmentTopic.SENSITIVE_AREAS else None
    with transaction.atomic():
        _lock_patient(patient)
        current = TreatmentConsentText.objects.filter(topic=topic).order_by("-version").first()
        if current is None:
            raise ConsentError(ConsentErrorCode.NO_TEXT, "No consent text is published yet.")
        if current.pk != text.pk:
            raise ConsentError(
                ConsentErrorCode.TEXT_CHANGED,
                "The text was updated since it was opened: please read the new version.",
            )
        on_file = TreatmentConsent.objects.filter(
            patient=patient, text=text, withdrawn_at__isnull=True, visit_date=visit_date
        )
        if on_file.exists():
            raise ConsentError(
                ConsentErrorCode.ALREADY_ON_FILE,
                "This consent is already on file"
                + (" for today." if visit_date else ", until withdrawn."),
            )
        consent = TreatmentConsent.objects.create(
            patient=patient,
            text=text,
            topic=topic,
            given_at=now,
            method=method,
            signed_name=signed_name,
            note=note,
            areas=chosen,
            visit_date=visit_date,
            recorded_by=_user_or_none(actor),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=TREATMENT,
            object_id=consent.pk,
            patient_ids=[patient.pk],
            summary=f"treatment consent ({topic} v{text.version}, {method})",
            now=now,
        )
    return consent


def _areas(topic: TreatmentTopic, areas: Iterable[str]) -> list[str]:
    """The sensitive areas named, in the list's order; only that topic names areas."""
    wanted = set(areas)
    if topic != TreatmentTopic.SENSITIVE_AREAS:
        return []
    unknown = wanted - set(SensitiveArea.values)
    if unknown or not wanted:
        raise ConsentError(
            ConsentErrorCode.AREAS_REQUIRED,
            "Choose the areas you agree to have treated.",
            field="areas",
        )
    return [area for area in SensitiveArea.values if area in wanted]


def _lock_patient(patient: Patient) -> None:
    """Two consents for the same patient at once queue here, so the "already on file"
    check cannot be passed by both."""
    Patient.objects.select_for_update().filter(pk=patient.pk).first()


def _user_or_none(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None
