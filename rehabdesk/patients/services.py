"""Every write to a patient's record, each one audited in the same transaction.

Patients are never deleted: `patient_deactivate` takes them off lists and booking,
and the record stays for the retention period (patients.retention).
"""

from __future__ import annotations

import re
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role
from rehabdesk.accounts.services import user_create
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.clinic.models import Practitioner
from rehabdesk.core.events import event_publish
from rehabdesk.core.validation import full_clean_or_raise
from rehabdesk.patients.errors import PatientError, PatientErrorCode
from rehabdesk.patients.models import CareAssignment, Coverage, FamilyLink, Patient
from rehabdesk.patients.selectors import patients_at_number, possible_duplicates

Actor = AbstractBaseUser | AnonymousUser | None

# Fields whose names may appear in the audit summary; values never do.
_AUDITED_FIELDS = [
    f.name
    for f in Patient._meta.get_fields()
    if getattr(f, "editable", False) and f.concrete and f.name not in {"id", "user"}
]


def _clean(instance: Patient | FamilyLink | Coverage | CareAssignment) -> None:
    full_clean_or_raise(instance, error_class=PatientError, code=PatientErrorCode.INVALID)


def _normalize(patient: Patient) -> None:
    patient.first_name = patient.first_name.strip()
    patient.last_name = patient.last_name.strip()
    patient.email = patient.email.strip().lower()
    patient.phone_digits = re.sub(r"\D", "", patient.phone)


def _audit(
    actor: Actor, action: AuditAction, instance: object, patient_ids: list[int], summary: str
) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=instance._meta.label_lower,  # type: ignore[attr-defined]
        object_id=str(instance.pk),  # type: ignore[attr-defined]
        patient_ids=patient_ids,
        summary=summary,
    )


def patient_create(
    *, actor: Actor, patient: Patient, confirm_not_duplicate: bool = False
) -> Patient:
    """Register a new patient. If the name and date of birth, the phone number or the
    e-mail address match someone already on file, refuse with the matches unless the
    person creating it has confirmed this is someone else."""
    _normalize(patient)
    _clean(patient)
    with transaction.atomic():
        if not confirm_not_duplicate:
            matches = possible_duplicates(patient=patient)
            if matches:
                names = "; ".join(
                    f"{m.legal_name} (born {m.date_of_birth:%Y-%m-%d})" for m in matches[:3]
                )
                raise PatientError(
                    PatientErrorCode.POSSIBLE_DUPLICATE,
                    f"This may be someone already on file: {names}. Open their record, or "
                    "confirm this is a different person.",
                    duplicates=matches,
                )
        patient.save()
        _audit(actor, AuditAction.CREATE, patient, [patient.pk], "patient record")
        # Told to the webhooks (core/events.py): the id only, never who they are.
        event_publish(type="patient.created", data={"patient_id": patient.pk}, now=timezone.now())
    return patient


def patient_update(*, actor: Actor, patient: Patient) -> Patient:
    """Save changes to a patient's details; the audit names the fields that changed.
    Changing "contact by text message" here is the person's own choice: it forgets any
    STOP reply (`sms_stopped_at`), so a later START reply does not undo it."""
    _normalize(patient)
    if patient.contact_by_sms:
        patient.sms_stopped_at = None
    _clean(patient)
    with transaction.atomic():
        stored = Patient.objects.select_for_update().get(pk=patient.pk)
        changed = [f for f in _AUDITED_FIELDS if getattr(stored, f) != getattr(patient, f)]
        if not changed:
            return patient
        extra = []
        if "contact_by_sms" in changed:
            # Changed on a form: the person's own choice now, whatever a STOP said.
            patient.sms_stopped_at = None
            extra.append("sms_stopped_at")
        patient.save(update_fields=[*changed, *extra, "phone_digits", "updated_at"])
        _audit(
            actor,
            AuditAction.CHANGE,
            patient,
            [patient.pk],
            "patient record: " + ", ".join(changed),
        )
    return patient


def patient_deactivate(*, actor: Actor, patient: Patient, reason: str, now: datetime) -> Patient:
    """Take a patient off lists and booking. The record is kept, not deleted."""
    with transaction.atomic():
        patient.active = False
        patient.deactivated_at = now
        patient.deactivation_reason = reason.strip()
        patient.save(
            update_fields=["active", "deactivated_at", "deactivation_reason", "updated_at"]
        )
        _audit(actor, AuditAction.CHANGE, patient, [patient.pk], "patient record (deactivated)")
    return patient


def patient_reactivate(*, actor: Actor, patient: Patient) -> Patient:
    with transaction.atomic():
        patient.active = True
        patient.deactivated_at = None
        patient.deactivation_reason = ""
        patient.save(
            update_fields=["active", "deactivated_at", "deactivation_reason", "updated_at"]
        )
        _audit(actor, AuditAction.CHANGE, patient, [patient.pk], "patient record (reactivated)")
    return patient


def patient_account_create(
    *, actor: Actor, patient: Patient, password: str | None, password_hash: str | None = None
) -> User:
    """Let a patient (or a guardian) sign in with their e-mail address. `password_hash`:
    as for `accounts.services.user_create`, the demo's shared password hashed once."""
    if patient.user_id is not None:
        raise PatientError(PatientErrorCode.HAS_ACCOUNT, f"{patient} can already sign in.")
    if not patient.email:
        raise PatientError(
            PatientErrorCode.INVALID,
            "Add an e-mail address before creating a sign-in.",
            field="email",
        )
    with transaction.atomic():
        user = user_create(
            email=patient.email,
            password=password,
            first_name=patient.preferred_name or patient.first_name,
            last_name=patient.last_name,
            roles=[Role.PATIENT],
            password_hash=password_hash,
        )
        patient.user = user
        patient.save(update_fields=["user", "updated_at"])
        _audit(actor, AuditAction.CHANGE, patient, [patient.pk], "patient record (sign-in added)")
    return user


def family_link_add(
    *,
    actor: Actor,
    guardian: Patient,
    dependent: Patient,
    relationship: str,
    manages_bookings: bool = True,
) -> FamilyLink:
    """Let `guardian` act for `dependent` (a child, or an adult they care for)."""
    link = FamilyLink(
        guardian=guardian,
        dependent=dependent,
        relationship=relationship,
        manages_bookings=manages_bookings,
    )
    _clean(link)
    with transaction.atomic():
        try:
            with transaction.atomic():
                link.save()
        except IntegrityError:
            # Two people linking the same pair at once: the constraint keeps one.
            raise PatientError(PatientErrorCode.INVALID, "These two are already linked.") from None
        _audit(actor, AuditAction.CREATE, link, [guardian.pk, dependent.pk], "family link")
    return link


def family_link_end(*, actor: Actor, link: FamilyLink, now: datetime) -> FamilyLink:
    with transaction.atomic():
        link.ended_at = now
        link.save(update_fields=["ended_at", "updated_at"])
        _audit(
            actor,
            AuditAction.CHANGE,
            link,
            [link.guardian_id, link.dependent_id],
            "family link (ended)",
        )
    return link


def coverage_save(*, actor: Actor, coverage: Coverage) -> Coverage:
    """Add or change an extended-health plan."""
    _clean(coverage)
    adding = coverage.pk is None
    with transaction.atomic():
        coverage.save()
        _audit(
            actor,
            AuditAction.CREATE if adding else AuditAction.CHANGE,
            coverage,
            [coverage.patient_id],
            "insurance coverage",
        )
    return coverage


def care_assignment_add(
    *, actor: User, patient: Patient, practitioner: Practitioner, reason: str = ""
) -> CareAssignment:
    """Put a practitioner in charge of a patient's care before (or beside) appointments."""
    assignment = CareAssignment(
        patient=patient, practitioner=practitioner, assigned_by=actor, reason=reason.strip()
    )
    _clean(assignment)
    with transaction.atomic():
        try:
            with transaction.atomic():
                assignment.save()
        except IntegrityError:
            raise PatientError(
                PatientErrorCode.INVALID, "This practitioner is already caring for the patient."
            ) from None
        _audit(actor, AuditAction.CREATE, assignment, [patient.pk], "care assignment")
    return assignment


def care_assignment_end(
    *, actor: Actor, assignment: CareAssignment, now: datetime
) -> CareAssignment:
    with transaction.atomic():
        assignment.ended_at = now
        assignment.save(update_fields=["ended_at", "updated_at"])
        _audit(
            actor,
            AuditAction.CHANGE,
            assignment,
            [assignment.patient_id],
            "care assignment (ended)",
        )
    return assignment


def patients_import(*, actor: Actor, patients: list[Patient], batch: int = 2000) -> list[Patient]:
    """Register many patients at once (a practice's past patients, the demo's), with one
    audit event per batch. No duplicate check: an import is reviewed before it runs."""
    created: list[Patient] = []
    for offset in range(0, len(patients), batch):
        chunk = patients[offset : offset + batch]
        for patient in chunk:
            _normalize(patient)
        with transaction.atomic():
            saved = Patient.objects.bulk_create(chunk)
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                object_type="patients.patient",
                patient_ids=[patient.pk for patient in saved],
                summary="patient records (imported)",
            )
        created.extend(saved)
    return created


def patient_texts_stop(*, number: str, now: datetime) -> list[int]:
    """The person at this number replied STOP: the patients with it are no longer sent
    text messages (contact_by_sms off, audited, as if they had unticked the box
    themselves), and `sms_stopped_at` says a reply did it, so START can undo it. The ids
    of those it changed."""
    return _texts_switch(number=number, now=now, on=False)


def patient_texts_start(*, number: str, now: datetime) -> list[int]:
    """The person at this number replied START: the patients a STOP reply had taken off
    text messages are texted again (contact_by_sms on, audited). Whoever unticked the
    box on a form, or had it unticked for them, stays off: a reply undoes a reply, not
    a choice made on paper or on screen. The ids of those it changed."""
    return _texts_switch(number=number, now=now, on=True)


def _texts_switch(*, number: str, now: datetime, on: bool) -> list[int]:
    word = "START" if on else "STOP"
    at_number = patients_at_number(number=number)
    if on:
        switched = at_number.filter(contact_by_sms=False, sms_stopped_at__isnull=False)
    else:
        switched = at_number.filter(contact_by_sms=True)
    with transaction.atomic():
        ids = list(switched.select_for_update().values_list("pk", flat=True))
        Patient.objects.filter(pk__in=ids).update(
            contact_by_sms=on, sms_stopped_at=None if on else now, updated_at=now
        )
        for pk in ids:
            audit_record(
                actor=None,
                action=AuditAction.CHANGE,
                object_type="patients.patient",
                object_id=str(pk),
                patient_ids=[pk],
                summary=f"patient record: contact_by_sms (replied {word} to a text message)",
            )
    return ids
