"""Writes for the lockbox: a patient's consent directives, the openings past them (with
the patient's express consent, or in an emergency: break-glass) and the privacy
officer's review of each opening. Every write is audited; each service owns its
transaction. Who may read what is the access policy's (access/lockbox.py);
docs/domain/lockbox.md says it in prose.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.clinic.models import Clinic, Practitioner
from rehabdesk.consents.choices import (
    ConsentChannel,
    DirectiveMode,
    DirectiveScope,
    OverrideKind,
    OverrideReview,
)
from rehabdesk.consents.errors import ConsentError, ConsentErrorCode
from rehabdesk.consents.models import ConsentDirective, LockboxOverride
from rehabdesk.core.links import site_link
from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.services import message_enqueue
from rehabdesk.patients.models import FamilyLink, Patient

Actor = AbstractBaseUser | AnonymousUser
DIRECTIVE = "consents.consentdirective"
OVERRIDE = "consents.lockboxoverride"
# How long an opening lasts (⚠ a default, not a rule from the Act: the clinic's privacy
# officer confirms it). After it, the lockbox applies again; a new opening is a new row.
OPENING_LASTS = timedelta(hours=4)
TOLD_TEMPLATE = "lockbox_opened"
PORTAL_PAGE = "/my/privacy/lockbox/"


def directive_set(
    *,
    patient: Patient,
    scope: DirectiveScope | str,
    mode: DirectiveMode | str,
    practitioner_ids: Iterable[int],
    channel: ConsentChannel | str,
    actor: Actor,
    now: datetime,
    appointment_id: int | None = None,
) -> ConsentDirective:
    """Record a directive: the patient's whole record, or one of their visits' notes,
    withheld from the practitioners named (FROM_NAMED: at least one), or from every
    practitioner but those named (ALL_BUT_NAMED: none named is everyone). `channel`:
    the portal (ONLINE), or what the patient told the desk (STAFF) or signed (PAPER);
    `actor` is who recorded it."""
    scope, mode, channel = DirectiveScope(scope), DirectiveMode(mode), ConsentChannel(channel)
    wanted = set(practitioner_ids)
    named = list(Practitioner.objects.filter(pk__in=wanted))
    if len(named) != len(wanted):
        raise ConsentError(
            ConsentErrorCode.NO_PRACTITIONER_NAMED,
            "Choose practitioners from the clinic's list.",
            field="practitioners",
        )
    if mode == DirectiveMode.FROM_NAMED and not named:
        raise ConsentError(
            ConsentErrorCode.NO_PRACTITIONER_NAMED,
            "Name at least one practitioner to withhold it from.",
            field="practitioners",
        )
    if scope == DirectiveScope.RECORD:
        appointment_id = None
    elif appointment_id is None:
        raise ConsentError(
            ConsentErrorCode.VISIT_REQUIRED, "Choose the visit to withhold.", field="visit"
        )
    elif not _visit_of(patient, appointment_id):
        raise ConsentError(
            ConsentErrorCode.NOT_THEIR_VISIT, "Choose one of the patient's visits.", field="visit"
        )
    with transaction.atomic():
        directive = ConsentDirective.objects.create(
            patient=patient,
            scope=scope,
            appointment_id=appointment_id,
            mode=mode,
            channel=channel,
            recorded_by=_user(actor),
            recorded_at=now,
        )
        directive.practitioners.set(named)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=DIRECTIVE,
            object_id=directive.pk,
            patient_ids=[patient.pk],
            summary=f"lockbox directive ({scope.label.lower()}, {channel.label.lower()})",
            now=now,
        )
    return directive


def directive_withdraw(
    *, directive: ConsentDirective, actor: Actor, now: datetime
) -> ConsentDirective:
    """The patient lifts a directive: the row stays, with when and who recorded it."""
    with transaction.atomic():
        locked = ConsentDirective.objects.select_for_update().get(pk=directive.pk)
        if locked.withdrawn_at is not None:
            raise ConsentError(
                ConsentErrorCode.ALREADY_WITHDRAWN, "This directive was already withdrawn."
            )
        locked.withdrawn_at, locked.withdrawn_by = now, _user(actor)
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=DIRECTIVE,
            object_id=locked.pk,
            patient_ids=[locked.patient_id],
            summary="lockbox directive withdrawn",
            now=now,
        )
    return locked


def override_open(
    *,
    patient: Patient,
    practitioner: Practitioner,
    kind: OverrideKind | str,
    reason: str,
    actor: Actor,
    now: datetime,
) -> LockboxOverride:
    """Open the patient's record to `practitioner` for OPENING_LASTS, past their lockbox
    or outside their care: with the patient's express consent, or in an emergency
    (break-glass: on file as AuditAction.EMERGENCY, the trail's highlighted action).
    The reason is required; the patient is told through the outbox in the same
    transaction; the privacy officer's review list shows it until reviewed."""
    kind = OverrideKind(kind)
    reason = reason.strip()
    if not reason:
        raise ConsentError(
            ConsentErrorCode.REASON_REQUIRED, "Say why you need to open the record.", field="reason"
        )
    with transaction.atomic():
        opening = LockboxOverride.objects.create(
            patient=patient,
            practitioner=practitioner,
            opened_by=_user(actor),
            kind=kind,
            reason=reason,
            starts_at=now,
            expires_at=now + OPENING_LASTS,
        )
        audit_record(
            actor=actor,
            action=AuditAction.EMERGENCY if kind == OverrideKind.EMERGENCY else AuditAction.CREATE,
            object_type=OVERRIDE,
            object_id=opening.pk,
            patient_ids=[patient.pk],
            summary=f"record opened {kind.label.lower()}"[:200],
            now=now,
        )
        _tell_patient(opening, now=now)
    return opening


def override_review(
    *,
    opening: LockboxOverride,
    reviewer: Actor,
    review: OverrideReview | str,
    note: str,
    now: datetime,
) -> LockboxOverride:
    """The privacy officer's finding on an opening, with a note; once."""
    review = OverrideReview(review)
    note = note.strip()
    if not note:
        raise ConsentError(ConsentErrorCode.REASON_REQUIRED, "Write what you found.", field="note")
    with transaction.atomic():
        locked = LockboxOverride.objects.select_for_update().get(pk=opening.pk)
        if locked.reviewed_at is not None:
            raise ConsentError(
                ConsentErrorCode.ALREADY_REVIEWED, "This opening was already reviewed."
            )
        locked.reviewed_by, locked.reviewed_at = _user(reviewer), now
        locked.review, locked.review_note = review, note
        locked.save(update_fields=["reviewed_by", "reviewed_at", "review", "review_note"])
        audit_record(
            actor=reviewer,
            action=AuditAction.CHANGE,
            object_type=OVERRIDE,
            object_id=locked.pk,
            patient_ids=[locked.patient_id],
            summary=f"record opening reviewed: {review.label.lower()}",
            now=now,
        )
    return locked


def _user(actor: Actor) -> User:
    """Who recorded it: a signed-in account (a programming error otherwise)."""
    if not isinstance(actor, User):
        raise ValueError("a lockbox write needs a signed-in user")
    return actor


def _visit_of(patient: Patient, appointment_id: int) -> bool:
    # The appointment's model through the relation: scheduling sits above consents.
    appointment = ConsentDirective._meta.get_field("appointment").related_model
    return bool(
        appointment._default_manager.filter(pk=appointment_id, patient_id=patient.pk).exists()
    )


def _addressee(patient: Patient) -> Patient:
    """The patient, or when they have no address (a child) the first guardian managing
    their bookings who has one. Told whatever their e-mail preference: it is their
    record. With no address at all the message is on file as failed, for the desk."""
    if patient.email:
        return patient
    link = (
        FamilyLink.objects.filter(dependent=patient, ended_at__isnull=True, manages_bookings=True)
        .exclude(guardian__email="")
        .select_related("guardian")
        .order_by("pk")
        .first()
    )
    return link.guardian if link else patient


def _tell_patient(opening: LockboxOverride, *, now: datetime) -> None:
    patient = opening.patient
    to = _addressee(patient)
    clinic = Clinic.objects.order_by("pk").only("name", "phone").first()
    message_enqueue(
        channel=MessageChannel.EMAIL,
        kind=TOLD_TEMPLATE,
        recipient=to.email,
        template=TOLD_TEMPLATE,
        context={
            "clinic_name": clinic.name if clinic else "Rehabdesk",
            "clinic_phone": clinic.phone if clinic else "",
            "greeting_name": to.preferred_name or to.first_name,
            "whose": "your"
            if to.pk == patient.pk
            else f"{patient.preferred_name or patient.first_name}'s",
            "practitioner": opening.practitioner.display_name,
            "emergency": opening.kind == OverrideKind.EMERGENCY,
            "link": site_link(PORTAL_PAGE),
        },
        related_type=OVERRIDE,
        related_id=opening.pk,
        dedupe_key=f"{TOLD_TEMPLATE}:{opening.pk}",
        now=now,
    )
