"""Fetch and authorize in one step: the only way pages and the API reach patient data.

Each accessor asks access.policy, raises AccessDenied (answered 404 and audited by
access.middleware) when the answer is no, and records in the audit trail that the
person looked, so a page cannot show a record without it being on file.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from rehabdesk.access import care
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.lockbox import Standing
from rehabdesk.access.policy import Action, Capability, can, may, may_standing, person_for
from rehabdesk.accounts.roles import Role
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import patient_by_id, patient_with_family
from rehabdesk.scheduling.manage_links import manage_link_read
from rehabdesk.scheduling.models import Appointment, WaitlistEntry, WaitlistOffer
from rehabdesk.scheduling.selectors import appointment_detail, offer_detail, waitlist_entry

User = AbstractBaseUser | AnonymousUser

PATIENT = "patients.patient"
APPOINTMENT = "scheduling.appointment"
WAITLIST_ENTRY = "scheduling.waitlistentry"
WAITLIST_OFFER = "scheduling.waitlistoffer"
VIEWS = {Action.VIEW_DEMOGRAPHICS, Action.VIEW_CLINICAL, Action.VIEW_ACCESS_LOG}


def patient_for(
    *,
    user: User,
    patient_id: int,
    action: Action,
    summary: str = "patient record",
    view: bool | None = None,
    family: bool = True,
) -> Patient:
    """The patient, with family, insurance and care team, if `user` may do `action` to
    them. Showing the record is audited here (`view`: by default for viewing actions;
    an edit form shows the record too); changes are audited by the services. `family`:
    False reads the patient alone, one query instead of five, for a caller that uses
    nothing else (a booking)."""
    return patient_standing_for(
        user=user, patient_id=patient_id, action=action, summary=summary, view=view, family=family
    )[0]


def patient_standing_for(
    *,
    user: User,
    patient_id: int,
    action: Action,
    summary: str = "patient record",
    view: bool | None = None,
    family: bool = True,
) -> tuple[Patient, Standing]:
    """`patient_for`, with what the decision read of a practitioner's standing with the
    patient (the opening that let them in): no query more."""
    person = person_for(user)
    found = patient_with_family if family else patient_by_id
    patient = found(patient_id=patient_id)
    if patient is None:
        raise AccessDenied(
            object_type=PATIENT, object_id=str(patient_id), summary=summary, found=False
        )
    allowed, standing = may_standing(person, action, patient.pk)
    if not allowed:
        raise AccessDenied(
            object_type=PATIENT,
            object_id=str(patient.pk),
            patient_ids=[patient.pk],
            summary=summary,
        )
    if action in VIEWS if view is None else view:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type=PATIENT,
            object_id=str(patient.pk),
            patient_ids=[patient.pk],
            summary=summary,
        )
    return patient, standing


def patients_for(
    *, user: User, patients: Iterable[Patient], summary: str, object_type: str
) -> list[Patient]:
    """The patients of a list (search results, a family) that `user` may see, recorded
    as one audit event linking every patient shown."""
    person = person_for(user)
    candidates = list(patients)
    if Role.FRONT_DESK in person.roles or Role.MANAGER in person.roles:
        visible = candidates
    else:
        allowed = set(person.managed_patient_ids)
        if person.practitioner_id is not None:
            allowed |= care.patient_ids_in_care(practitioner_id=person.practitioner_id)
        visible = [patient for patient in candidates if patient.pk in allowed]
    if visible:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type=object_type,
            patient_ids=[patient.pk for patient in visible],
            summary=summary,
        )
    return visible


def require(*, user: User, capability: Capability) -> None:
    """Refuse a page that needs a capability: staff pages answer 404 to others too."""
    if not can(person_for(user), capability):
        raise AccessDenied(
            object_type="web.page", object_id=str(capability), summary=str(capability)
        )


def appointment_for(*, user: User, appointment_id: int, view: bool = True) -> Appointment:
    """An appointment, if `user` may manage the bookings of its patient; viewing it is
    audited (the services audit changes)."""
    appointment = appointment_detail(appointment_id=appointment_id)
    # A time held online before anyone said who it is for is nobody's booking yet.
    if appointment is None or appointment.patient_id is None:
        raise AccessDenied(
            object_type=APPOINTMENT,
            object_id=str(appointment_id),
            summary="appointment",
            found=False,
        )
    if not may(person_for(user), Action.MANAGE_BOOKINGS, appointment.patient_id):
        raise AccessDenied(
            object_type=APPOINTMENT,
            object_id=str(appointment.pk),
            patient_ids=[appointment.patient_id],
            summary="appointment",
        )
    if view:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type=APPOINTMENT,
            object_id=str(appointment.pk),
            patient_ids=[appointment.patient_id],
            summary="appointment",
            location_id=appointment.location_id,
        )
    return appointment


def appointment_by_link(*, token: str, now: datetime) -> Appointment:
    """The appointment an e-mailed manage link names (scheduling.manage_links), for
    whoever holds the link. A forged, expired or unknown token, or one whose
    appointment no longer belongs to the patient it was made for, is refused alike.
    Showing the appointment is audited without a user: the link was the credential."""
    link = manage_link_read(token, now=now)
    appointment = appointment_detail(appointment_id=link.appointment_id) if link else None
    if link is None or appointment is None or appointment.patient_id != link.patient_id:
        raise AccessDenied(
            object_type=APPOINTMENT,
            object_id=str(link.appointment_id) if link else "",
            summary="appointment (manage link refused)",
            found=False,
        )
    audit_record(
        actor=None,
        action=AuditAction.VIEW,
        object_type=APPOINTMENT,
        object_id=str(appointment.pk),
        patient_ids=[link.patient_id],
        summary="appointment (manage link)",
        location_id=appointment.location_id,
    )
    return appointment


def waitlist_entry_for(*, user: User, entry_id: int) -> WaitlistEntry:
    """A place on the waitlist, if `user` may manage the bookings of its patient (the
    desk, or the patient and the guardians who manage their bookings). Changes to it
    are audited by the services; nothing of it is shown here."""
    entry = waitlist_entry(entry_id=entry_id)
    if entry is None:
        raise AccessDenied(
            object_type=WAITLIST_ENTRY,
            object_id=str(entry_id),
            summary="waitlist entry",
            found=False,
        )
    _may_manage_bookings(user, entry.patient_id, WAITLIST_ENTRY, entry.pk, "waitlist entry")
    return entry


def waitlist_offer_for(*, user: User, offer_id: int) -> WaitlistOffer:
    """A waitlist offer, with its patient and the time held, if `user` may manage the
    bookings of its patient; answering it is audited by the services."""
    offer = offer_detail(offer_id=offer_id)
    if offer is None:
        raise AccessDenied(
            object_type=WAITLIST_OFFER,
            object_id=str(offer_id),
            summary="waitlist offer",
            found=False,
        )
    _may_manage_bookings(user, offer.entry.patient_id, WAITLIST_OFFER, offer.pk, "waitlist offer")
    return offer


def _may_manage_bookings(
    user: User, patient_id: int, object_type: str, object_id: int, summary: str
) -> None:
    if not may(person_for(user), Action.MANAGE_BOOKINGS, patient_id):
        raise AccessDenied(
            object_type=object_type,
            object_id=str(object_id),
            patient_ids=[patient_id],
            summary=summary,
        )
