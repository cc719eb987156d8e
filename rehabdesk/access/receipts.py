"""Receipts through the access policy: what a patient bought and paid names the services
they had, so it is health information (Action.VIEW_BILLING): the patient themselves and
the guardians who manage their bookings, the front desk and managers; practitioners
and everyone else get the same 404 as for a receipt that does not exist, on file
(access.middleware).

Every copy made — a PDF downloaded, a year's file — is an EXPORT on the audit trail,
one per receipt, which is also how the next copy knows it is a duplicate
(billing.receipts.as_copies). Listing a year's receipts is one VIEW event linking
everyone listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from rehabdesk.access.accessors import PATIENT, User
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Action, may, person_for
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.billing.models import Invoice
from rehabdesk.billing.receipts import (
    Receipt,
    StatementCopy,
    as_copies,
    copy_summary,
    copy_type,
    invoice_to_send,
    receipt_ids_of,
    receipts_load,
    statement_load,
)
from rehabdesk.clinic.selectors import clinic_current, location_home_among, locations_active
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import patient_by_id, patient_exists, patients_by_ids

RECEIPT = "billing.receipt"
YEAR_LIST = "billing.receipts_year"
STATEMENT = "billing.statement"


@dataclass(frozen=True)
class PersonsReceipts:
    """One person's receipts of a year, as the portal lists them."""

    patient: Patient
    receipts: list[Receipt]


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """[Jan 1, Jan 1 of the next year) in the clinic's zone (settings.TIME_ZONE):
    an invoice belongs to the year of its issue. ⚠ One zone for all locations."""
    zone = ZoneInfo(str(timezone.get_default_timezone()))
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def receipt_copy_for(*, user: User, invoice_id: int, how: str, now: datetime) -> Receipt:
    """One receipt to hand out (`how`: "downloaded", "printed"), if `user` may see its
    patient's billing; the copy on file, marked a duplicate when one was made before."""
    found = receipts_load([invoice_id])
    if not found:
        raise AccessDenied(
            object_type=RECEIPT, object_id=str(invoice_id), summary="receipt", found=False
        )
    receipt = found[0]
    if not may(person_for(user), Action.VIEW_BILLING, receipt.patient_id):
        raise AccessDenied(
            object_type=RECEIPT,
            object_id=str(invoice_id),
            patient_ids=[receipt.patient_id],
            summary="receipt",
        )
    (copy,) = as_copies([receipt])
    _on_file(user, copy, how, now)
    return copy


def receipts_of_year_for(*, user: User, year: int) -> list[PersonsReceipts]:
    """A signed-in patient's receipts of `year`, and each managed dependent's: one
    audited look linking everyone listed. Anyone who is not a patient is refused."""
    person = person_for(user)
    if person.patient_id is None:
        raise AccessDenied(object_type="web.page", object_id="my", summary="receipts")
    people = sorted(
        patients_by_ids(ids=person.managed_patient_ids),
        key=lambda p: p.pk != person.patient_id,
    )
    since, until = year_bounds(year)
    ids = receipt_ids_of(patient_ids=[p.pk for p in people], since=since, until=until)
    loaded = {r.invoice_id: r for r in receipts_load([pk for pks in ids.values() for pk in pks])}
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=YEAR_LIST,
        object_id=str(year),
        patient_ids=[p.pk for p in people],
        summary=f"receipts of {year}",
    )
    return [PersonsReceipts(p, [loaded[pk] for pk in ids[p.pk] if pk in loaded]) for p in people]


def year_copy_for(*, user: User, patient_id: int, year: int, now: datetime) -> list[Receipt]:
    """Every receipt of `year` of one patient, as copies about to be made in one file,
    if `user` may see their billing; each copy on file."""
    found = patient_exists(patient_id=patient_id)
    if not found or not may(person_for(user), Action.VIEW_BILLING, patient_id):
        raise AccessDenied(
            object_type=PATIENT,
            object_id=str(patient_id),
            patient_ids=[patient_id] if found else [],
            summary="receipts of a year",
            found=found,
        )
    since, until = year_bounds(year)
    ids = receipt_ids_of(patient_ids=[patient_id], since=since, until=until)[patient_id]
    copies = as_copies(receipts_load(ids))
    for copy in copies:
        _on_file(user, copy, f"in the file of {year}", now)
    return copies


def invoice_to_email_for(*, user: User, invoice_id: int) -> Invoice:
    """An invoice whose receipt the desk e-mails (CHANGE_BILLING: the desk and managers);
    the e-mail itself is on file through the service."""
    invoice = invoice_to_send(invoice_id)
    if invoice is None:
        raise AccessDenied(
            object_type=RECEIPT, object_id=str(invoice_id), summary="receipt", found=False
        )
    if not may(person_for(user), Action.CHANGE_BILLING, invoice.patient_id):
        raise AccessDenied(
            object_type=RECEIPT,
            object_id=str(invoice_id),
            patient_ids=[invoice.patient_id],
            summary="receipt e-mail",
        )
    return invoice


def statement_copy_for(
    *, user: User, patient_id: int, start: date, end: date, now: datetime
) -> StatementCopy:
    """A patient's statement over a period, under the address of the user's home location
    (the clinic's first otherwise), if `user` may see their billing; the copy on file
    (EXPORT) with its period."""
    found = patient_by_id(patient_id=patient_id)
    if found is None or not may(person_for(user), Action.VIEW_BILLING, found.pk):
        raise AccessDenied(
            object_type=PATIENT,
            object_id=str(patient_id),
            patient_ids=[found.pk] if found else [],
            summary="statement",
            found=found is not None,
        )
    clinic = clinic_current()
    if clinic is None:
        raise AccessDenied(object_type=STATEMENT, object_id=str(patient_id), found=False)
    places = list(locations_active())
    location = location_home_among(user_id=user.pk, locations=places) if places else None
    copy = statement_load(patient=found, clinic=clinic, location=location, start=start, end=end)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type=STATEMENT,
        object_id=str(found.pk),
        patient_ids=[found.pk],
        summary=f"statement {start} to {end}",
        now=now,
    )
    return copy


def _on_file(user: User, copy: Receipt, how: str, now: datetime) -> None:
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type=copy_type(copy),
        object_id=str(copy.invoice_id),
        patient_ids=[copy.patient_id],
        summary=copy_summary(copy, how),
        now=now,
    )
