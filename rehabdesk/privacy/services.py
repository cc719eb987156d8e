"""Writes of the privacy rights and the breach log. Each function owns its transaction
and puts what it did on the audit trail (the kind of thing, never its content).

Who may call what is the access layer's decision (access/privacy.py): these functions
are given a request the caller may act on, and an actor to put on file.
docs/domain/privacy-rights.md
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.care.choices import NoteRelation
from rehabdesk.care.errors import CareError
from rehabdesk.care.models import VisitNote
from rehabdesk.care.services import note_correct
from rehabdesk.clinic.selectors import clinic_current
from rehabdesk.core.links import site_link
from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.services import message_enqueue
from rehabdesk.patients.models import Patient
from rehabdesk.privacy.choices import BreachCause, RequestStatus
from rehabdesk.privacy.errors import PrivacyError, PrivacyErrorCode
from rehabdesk.privacy.export import record_bundle, record_pdf
from rehabdesk.privacy.models import (
    TEXT_MAX,
    AccessRequest,
    Breach,
    BreachPatient,
    CorrectionRequest,
)
from rehabdesk.scheduling.messages import addressee

Actor = AbstractBaseUser | AnonymousUser | None
ACCESS = "privacy.access_request"
CORRECTION = "privacy.correction_request"
BREACH = "privacy.breach"
# PHIPA: an answer within 30 days of the request, one extension of up to 30 more.
ANSWER_DAYS = 30
EXTENSION_DAYS_MAX = 30
# How long the export's link works once released.
LINK_DAYS = 14
LINK_SALT = "rehabdesk.privacy.export"


def _uid(actor: Actor) -> int:
    """The signed-in user acting (the access layer let only such a user this far)."""
    if actor is None or actor.pk is None:
        raise PrivacyError(PrivacyErrorCode.INVALID, "Sign in first.")
    return int(actor.pk)


def _day(now: datetime) -> date:
    return timezone.localdate(now)


def _text(value: str, field: str, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise PrivacyError(PrivacyErrorCode.INVALID, "Please fill this in.", field=field)
    if len(text) > TEXT_MAX:
        raise PrivacyError(
            PrivacyErrorCode.TOO_LONG,
            f"At most {TEXT_MAX} characters ({len(text)} written).",
            field=field,
        )
    return text


def _decided() -> PrivacyError:
    return PrivacyError(PrivacyErrorCode.DECIDED, "This request was decided already.")


def _clinic_context() -> dict[str, object]:
    clinic = clinic_current()
    return {
        "clinic_name": clinic.name if clinic else "Rehabdesk",
        "clinic_phone": clinic.phone if clinic else "",
    }


def _greeting(patient: Patient, to: Patient) -> dict[str, object]:
    own = to.pk == patient.pk
    return {
        "greeting_name": to.full_name,
        "whose": "your" if own else f"{patient.preferred_name or patient.first_name}'s",
    }


# Access to one's record


def access_request_create(
    *, actor: Actor, patient: Patient, details: str, now: datetime
) -> AccessRequest:
    """A patient's request for their record (or a dependent's), due in 30 days."""
    details = _text(details, "details", required=False)
    with transaction.atomic():
        request = AccessRequest.objects.create(
            patient=patient,
            requested_by_id=_uid(actor),
            received_at=now,
            details=details,
            due_on=_day(now) + timedelta(days=ANSWER_DAYS),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=ACCESS,
            object_id=request.pk,
            patient_ids=[patient.pk],
            summary="record access requested",
            now=now,
        )
    return request


Open = TypeVar("Open", AccessRequest, CorrectionRequest)


def _still_open(request: Open) -> Open:
    """The request (for the record or a correction) locked for this transaction, if no
    one has decided it meanwhile."""
    locked = type(request).objects.select_for_update().get(pk=request.pk)
    if locked.status != RequestStatus.RECEIVED:
        raise _decided()
    return locked


def access_request_extend(
    *, actor: Actor, request: AccessRequest, days: int, reason: str, now: datetime
) -> AccessRequest:
    """Take PHIPA's one extension: up to 30 more days, with the reason the patient is
    told."""
    reason = _text(reason, "extension_reason")
    if not 1 <= days <= EXTENSION_DAYS_MAX:
        raise PrivacyError(
            PrivacyErrorCode.INVALID,
            f"An extension is 1 to {EXTENSION_DAYS_MAX} days.",
            field="days",
        )
    with transaction.atomic():
        locked = _still_open(request)
        if locked.extended_to is not None:
            raise PrivacyError(PrivacyErrorCode.EXTENDED, "The one extension was taken already.")
        locked.extended_to = locked.due_on + timedelta(days=days)
        locked.extension_reason = reason
        locked.save(update_fields=["extended_to", "extension_reason"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=ACCESS,
            object_id=locked.pk,
            patient_ids=[locked.patient_id],
            summary=f"record access request extended by {days} days",
            now=now,
        )
        # PHIPA: written notice of the extension, its length and its reasons.
        _tell(
            locked,
            kind="privacy_request_extended",
            extra={
                "due_text": f"{locked.extended_to:%B} {locked.extended_to.day}, "
                f"{locked.extended_to.year}",
                "reason": reason,
            },
            now=now,
        )
    return locked


def _tell(request: AccessRequest, *, kind: str, extra: dict[str, object], now: datetime) -> None:
    """E-mail the patient (or the guardian) about their request: nothing of the record."""
    patient = Patient.objects.get(pk=request.patient_id)
    to = addressee(patient)
    if to is None or not to.email:
        return
    message_enqueue(
        channel=MessageChannel.EMAIL,
        kind=kind,
        recipient=to.email,
        template=kind,
        context={
            **_clinic_context(),
            **_greeting(patient, to),
            "link": site_link(reverse("my-privacy-requests")),
            **extra,
        },
        related_type=ACCESS,
        related_id=request.pk,
        dedupe_key=f"{kind}:{request.pk}",
        now=now,
    )


def access_request_refuse(
    *, actor: Actor, request: AccessRequest, reason: str, now: datetime
) -> AccessRequest:
    reason = _text(reason, "refusal_reason")
    with transaction.atomic():
        locked = _still_open(request)
        locked.status, locked.refusal_reason = RequestStatus.REFUSED, reason
        locked.decided_at, locked.decided_by_id = now, _uid(actor)
        locked.save(update_fields=["status", "refusal_reason", "decided_at", "decided_by"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=ACCESS,
            object_id=locked.pk,
            patient_ids=[locked.patient_id],
            summary="record access refused",
            now=now,
        )
    return locked


def export_token(request: AccessRequest) -> str:
    """The signed part of the download link: the request and its export's digest (a
    release of another export would not open with an older link)."""
    return signing.dumps({"r": request.pk, "d": request.export_sha256[:16]}, salt=LINK_SALT)


def export_request_id(token: str, *, now: datetime) -> tuple[int, str]:
    """The request and digest a link names; LINK_EXPIRED for a link past its days or
    not ours."""
    try:
        data: Any = signing.loads(token, salt=LINK_SALT, max_age=timedelta(days=LINK_DAYS))
        return int(data["r"]), str(data["d"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise PrivacyError(
            PrivacyErrorCode.LINK_EXPIRED,
            "This link has expired or is not valid. Ask the clinic to release your record again.",
        ) from None


def access_request_release(*, actor: Actor, request: AccessRequest, now: datetime) -> AccessRequest:
    """Grant the request: build the export now (the record as it stands), keep it for one
    download through a signed link good for LINK_DAYS, and tell the patient (or the
    guardian) by e-mail that it is ready — no health information in the message."""
    with transaction.atomic():
        locked = _still_open(request)
        patient = Patient.objects.get(pk=locked.patient_id)
        bundle = record_bundle(patient=patient, now=now)
        text = json.dumps(bundle, indent=2, ensure_ascii=False)
        locked.export_json = text
        locked.export_pdf = record_pdf(bundle)
        locked.export_sha256 = hashlib.sha256(text.encode()).hexdigest()
        locked.link_expires_at = now + timedelta(days=LINK_DAYS)
        locked.status, locked.decided_at, locked.decided_by_id = (
            RequestStatus.GRANTED,
            now,
            _uid(actor),
        )
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=ACCESS,
            object_id=locked.pk,
            patient_ids=[patient.pk],
            summary="record access granted: export prepared",
            now=now,
        )
        _tell(locked, kind="privacy_export_ready", extra={"days": LINK_DAYS}, now=now)
    return locked


@dataclass(frozen=True)
class ExportFile:
    name: str
    data: bytes


def export_download(
    *, actor: Actor, request: AccessRequest, digest: str, now: datetime
) -> ExportFile:
    """The export, once: a ZIP of the PDF and the JSON bundle. The row's copy is emptied
    as it is handed out (a compare-and-swap on `downloaded_at`), so a second use of the
    link, even at the same moment, is refused (LINK_USED). Audited as EXPORT."""
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != RequestStatus.GRANTED or not locked.export_sha256.startswith(digest):
            raise PrivacyError(PrivacyErrorCode.LINK_EXPIRED, "This link is not valid.")
        if locked.downloaded_at is not None:
            raise PrivacyError(
                PrivacyErrorCode.LINK_USED,
                "This record was downloaded already: the link works once. "
                "Ask the clinic for a new copy if you need one.",
            )
        if locked.link_expires_at is None or locked.link_expires_at <= now:
            raise PrivacyError(
                PrivacyErrorCode.LINK_EXPIRED,
                "This link has expired. Ask the clinic to release your record again.",
            )
        claimed = AccessRequest.objects.filter(pk=locked.pk, downloaded_at__isnull=True).update(
            downloaded_at=now, export_json="", export_pdf=b""
        )
        if not claimed:  # pragma: no cover - the row lock makes this unreachable
            raise PrivacyError(PrivacyErrorCode.LINK_USED, "This record was downloaded already.")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("record.pdf", bytes(locked.export_pdf))
            archive.writestr("record.json", locked.export_json)
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            object_type=ACCESS,
            object_id=locked.pk,
            patient_ids=[locked.patient_id],
            summary="record released to the patient: downloaded",
            now=now,
        )
    return ExportFile(name=f"record-{locked.received_at:%Y%m%d}.zip", data=buffer.getvalue())


# Corrections


def correction_request_create(  # noqa: PLR0913 - the form's fields, each named
    *,
    actor: Actor,
    patient: Patient,
    note: VisitNote | None,
    wrong: str,
    should_say: str,
    now: datetime,
) -> CorrectionRequest:
    wrong, should_say = _text(wrong, "wrong"), _text(should_say, "should_say")
    if note is not None and (note.patient_id != patient.pk or not note.signed):
        raise PrivacyError(PrivacyErrorCode.INVALID, "Choose a note of this record.", field="note")
    with transaction.atomic():
        correction = CorrectionRequest.objects.create(
            patient=patient,
            requested_by_id=_uid(actor),
            received_at=now,
            due_on=_day(now) + timedelta(days=ANSWER_DAYS),
            note=note,
            wrong=wrong,
            should_say=should_say,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=CORRECTION,
            object_id=correction.pk,
            patient_ids=[patient.pk],
            summary="record correction requested",
            now=now,
        )
    return correction


def correction_accept(
    *, actor: Actor, correction: CorrectionRequest, reason: str, now: datetime
) -> CorrectionRequest:
    """Accept: when a note is named, start its amendment by `actor` (care's own
    correction service: the original never changes; the amendment is a draft the
    practitioner completes and signs), in the same transaction as the decision."""
    reason = _text(reason, "decision_reason")
    with transaction.atomic():
        locked = _still_open(correction)
        if locked.note_id is not None:
            note = VisitNote.objects.select_related("author").get(pk=locked.note_id)
            try:
                locked.amendment = note_correct(
                    actor=actor,
                    note=note,
                    relation=NoteRelation.AMENDS,
                    reason=f"Correction asked by the patient (request {locked.pk}): {reason}"[:500],
                    now=now,
                )
            except CareError as error:
                raise PrivacyError(
                    PrivacyErrorCode.NOT_DECIDER,
                    "A note is amended by a practitioner: the note's author accepts this one.",
                ) from error
        locked.status, locked.decision_reason = RequestStatus.GRANTED, reason
        locked.decided_at, locked.decided_by_id = now, _uid(actor)
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=CORRECTION,
            object_id=locked.pk,
            patient_ids=[locked.patient_id],
            summary="record correction accepted",
            now=now,
        )
    return locked


def correction_refuse(
    *, actor: Actor, correction: CorrectionRequest, reason: str, now: datetime
) -> CorrectionRequest:
    reason = _text(reason, "decision_reason")
    with transaction.atomic():
        locked = _still_open(correction)
        locked.status, locked.decision_reason = RequestStatus.REFUSED, reason
        locked.decided_at, locked.decided_by_id = now, _uid(actor)
        locked.save(update_fields=["status", "decision_reason", "decided_at", "decided_by"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=CORRECTION,
            object_id=locked.pk,
            patient_ids=[locked.patient_id],
            summary="record correction refused",
            now=now,
        )
    return locked


def disagreement_file(
    *, actor: Actor, correction: CorrectionRequest, statement: str, now: datetime
) -> CorrectionRequest:
    """The patient's statement of disagreement with a refusal (PHIPA s.55): one per
    refused request, attached to the record from now on."""
    statement = _text(statement, "statement")
    with transaction.atomic():
        locked = CorrectionRequest.objects.select_for_update().get(pk=correction.pk)
        if locked.status != RequestStatus.REFUSED:
            raise PrivacyError(
                PrivacyErrorCode.NOT_REFUSED,
                "A statement of disagreement follows a refused correction.",
            )
        if locked.disagreement_at is not None:
            raise PrivacyError(PrivacyErrorCode.DECIDED, "A statement is on file already.")
        locked.disagreement, locked.disagreement_at = statement, now
        locked.save(update_fields=["disagreement", "disagreement_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=CORRECTION,
            object_id=locked.pk,
            patient_ids=[locked.patient_id],
            summary="statement of disagreement filed",
            now=now,
        )
    return locked


# Breaches


def breach_record(  # noqa: PLR0913 - the form's fields, each named
    *,
    actor: Actor,
    what: str,
    cause: str,
    occurred_on: date,
    found_on: date,
    contained: str,
    patient_ids: Collection[int],
    now: datetime,
) -> Breach:
    what, contained = _text(what, "what"), _text(contained, "contained")
    if cause not in BreachCause.values:
        raise PrivacyError(PrivacyErrorCode.INVALID, "Choose the kind of breach.", field="cause")
    if occurred_on > found_on:
        raise PrivacyError(
            PrivacyErrorCode.INVALID,
            "A breach is found on or after the day it happened.",
            field="occurred_on",
        )
    if found_on > _day(now):
        raise PrivacyError(
            PrivacyErrorCode.INVALID, "The day it was found is not after today.", field="found_on"
        )
    ids = sorted(set(patient_ids))
    if len(Patient.objects.filter(pk__in=ids)) != len(ids):
        raise PrivacyError(PrivacyErrorCode.INVALID, "Unknown patient.", field="patients")
    with transaction.atomic():
        breach = Breach.objects.create(
            recorded_by_id=_uid(actor),
            recorded_at=now,
            what=what,
            cause=cause,
            occurred_on=occurred_on,
            found_on=found_on,
            contained=contained,
        )
        BreachPatient.objects.bulk_create(BreachPatient(breach=breach, patient_id=pk) for pk in ids)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=BREACH,
            object_id=breach.pk,
            patient_ids=ids,
            summary="privacy breach recorded",
            now=now,
        )
    return breach


def breach_notify(*, actor: Actor, breach: Breach, now: datetime) -> tuple[int, int]:
    """Tell each affected patient not yet told, through the outbox: a plain notice that
    their information was involved, how to reach the clinic and their right to complain
    to the IPC — nothing about the others or the details. Returns (told, without an
    address: left for a letter or a call)."""
    told: list[int] = []
    unreachable = 0
    with transaction.atomic():
        rows = list(
            BreachPatient.objects.select_for_update()
            .filter(breach_id=breach.pk, notified_at__isnull=True)
            .select_related("patient")
        )
        for row in rows:
            to = addressee(row.patient)
            if to is None or not to.email:
                unreachable += 1
                continue
            message_enqueue(
                channel=MessageChannel.EMAIL,
                kind="privacy_breach_notice",
                recipient=to.email,
                template="privacy_breach_notice",
                context={**_clinic_context(), **_greeting(row.patient, to)},
                related_type=BREACH,
                related_id=breach.pk,
                dedupe_key=f"privacy_breach_notice:{breach.pk}:{row.patient_id}",
                now=now,
            )
            BreachPatient.objects.filter(pk=row.pk).update(notified_at=now)
            told.append(row.patient_id)
        if told:
            audit_record(
                actor=actor,
                action=AuditAction.CHANGE,
                object_type=BREACH,
                object_id=breach.pk,
                patient_ids=told,
                summary=f"privacy breach notice sent to {len(told)} patient(s)",
                now=now,
            )
    return len(told), unreachable
