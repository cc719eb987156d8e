"""The accessors of billing: a patient's account (invoices, payments, balance,
packages), one invoice, one payment, and a visit to check out.

What a patient bought names the services they had, so it is health information:
VIEW_BILLING (the patient, their guardian, the desk, managers) to read it, and
CHANGE_BILLING (the desk, managers) to invoice, take money, refund or credit.
Practitioners have no billing at all (docs/permissions.md). Every look is put on
file here; every change is put on file by the billing services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rehabdesk.access.accessors import User, patient_for
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Action, may, person_for
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.billing.models import Invoice, Payment
from rehabdesk.billing.selectors import (
    PackageBalance,
    invoice_detail,
    package_balances,
    payment_by_id,
)
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import patients_by_ids
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import appointment_detail

ACCOUNT = "billing.account"
INVOICE = "billing.invoice"
PAYMENT = "billing.payment"
PACKAGE_LIST = "billing.packages"
APPOINTMENT = "scheduling.appointment"
BILLING_ACTIONS = (Action.VIEW_BILLING, Action.CHANGE_BILLING)


def may_bill(user: User, patient_id: int, action: Action = Action.VIEW_BILLING) -> bool:
    """Whether `user` may see (or change) the patient's billing: for pages that show a
    link or a summary only when it is theirs to see."""
    return may(person_for(user), action, patient_id)


def billing_patient_for(
    *,
    user: User,
    patient_id: int,
    action: Action,
    summary: str = "billing account",
    view: bool | None = None,
) -> Patient:
    """The patient whose account `user` may read (VIEW_BILLING) or change
    (CHANGE_BILLING); a page that shows the account puts the look on file (`view`: by
    default when reading; a form that changes it shows it too)."""
    assert action in BILLING_ACTIONS
    patient = patient_for(
        user=user, patient_id=patient_id, action=action, summary=summary, view=False, family=False
    )
    if action == Action.VIEW_BILLING if view is None else view:
        _viewed(user, ACCOUNT, patient.pk, patient.pk, summary)
    return patient


def invoice_for(*, user: User, invoice_id: int, action: Action, view: bool = True) -> Invoice:
    """An invoice with its lines, credit notes and payments, if `user` may do `action`
    to its patient's billing; showing it is put on file (`view`)."""
    assert action in BILLING_ACTIONS
    invoice = invoice_detail(invoice_id)
    if invoice is None or not may(person_for(user), action, invoice.patient_id):
        raise AccessDenied(
            object_type=INVOICE,
            object_id=str(invoice_id),
            patient_ids=[invoice.patient_id] if invoice else [],
            summary="invoice",
            found=invoice is not None,
        )
    if view:
        _viewed(user, INVOICE, invoice.pk, invoice.patient_id, "invoice", invoice.location_id)
    return invoice


def payment_for(*, user: User, payment_id: int, action: Action, view: bool = True) -> Payment:
    """A payment (to refund), if `user` may do `action` to its patient's billing."""
    assert action in BILLING_ACTIONS
    payment = payment_by_id(payment_id)
    if payment is None or not may(person_for(user), action, payment.patient_id):
        raise AccessDenied(
            object_type=PAYMENT,
            object_id=str(payment_id),
            patient_ids=[payment.patient_id] if payment else [],
            summary="payment",
            found=payment is not None,
        )
    if view:
        _viewed(user, PAYMENT, payment.pk, payment.patient_id, "payment", payment.location_id)
    return payment


def checkout_for(*, user: User, appointment_id: int, view: bool = True) -> Appointment:
    """A visit to check out (invoice), or whose fee to charge or waive: the desk's and
    managers' (CHANGE_BILLING on its patient). A time held for nobody is nobody's visit."""
    appointment = appointment_detail(appointment_id=appointment_id)
    if appointment is None or appointment.patient_id is None:
        raise AccessDenied(
            object_type=APPOINTMENT,
            object_id=str(appointment_id),
            summary="check-out",
            found=False,
        )
    if not may(person_for(user), Action.CHANGE_BILLING, appointment.patient_id):
        raise AccessDenied(
            object_type=APPOINTMENT,
            object_id=str(appointment.pk),
            patient_ids=[appointment.patient_id],
            summary="check-out",
        )
    if view:
        _viewed(
            user,
            APPOINTMENT,
            appointment.pk,
            appointment.patient_id,
            "check-out",
            appointment.location_id,
        )
    return appointment


@dataclass(frozen=True)
class PersonsPackages:
    patient: Patient
    packages: list[PackageBalance]


def packages_of_family_for(*, user: User, on: date) -> list[PersonsPackages]:
    """A signed-in patient's packages and each managed dependent's (VIEW_BILLING: the
    people whose bookings they manage), with the visits left and expiry as of `on`: one
    audited look linking everyone listed. Anyone who is not a patient is refused."""
    person = person_for(user)
    if person.patient_id is None:
        raise AccessDenied(object_type="web.page", object_id="my", summary="packages")
    people = sorted(
        (
            patient
            for patient in patients_by_ids(ids=person.managed_patient_ids)
            if may(person, Action.VIEW_BILLING, patient.pk)
        ),
        key=lambda p: (p.pk != person.patient_id, p.pk),
    )
    balances = package_balances([p.pk for p in people], on)
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=PACKAGE_LIST,
        object_id=str(person.patient_id),
        patient_ids=[p.pk for p in people],
        summary="packages",
    )
    return [PersonsPackages(p, [b for b in balances if b.patient_id == p.pk]) for p in people]


def _viewed(
    user: User,
    object_type: str,
    object_id: int,
    patient_id: int,
    summary: str,
    location_id: int | None = None,
) -> None:
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=object_type,
        object_id=str(object_id),
        patient_ids=[patient_id],
        summary=summary,
        location_id=location_id,
    )
