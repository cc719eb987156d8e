"""E-mailing a receipt: the PDF made now and written to the outbox with its message, in
one transaction, the copy on the audit trail (docs/algorithms/billing.md, "Receipts and
statements")."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import Invoice
from rehabdesk.billing.pdf import day_text, money, receipts_pdf
from rehabdesk.billing.receipts import as_copies, copy_summary, copy_type, receipts_load
from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.services import message_enqueue
from rehabdesk.scheduling.messages import addressee

RELATED_TYPE = "billing.invoice"


def receipt_email(*, invoice: Invoice, by: AbstractBaseUser, now: datetime) -> OutboxMessage:
    """Queue the invoice's receipt (its PDF attached) to the patient, or to the guardian
    who manages a dependent's bookings when the dependent has no address. Refused
    (NO_EMAIL) when nobody can be e-mailed; each e-mail is a copy, so one after the
    first copy says DUPLICATE."""
    with transaction.atomic():
        (receipt,) = as_copies(receipts_load([invoice.pk]))
        patient = invoice.patient
        to = addressee(patient)
        if to is None:
            raise BillingError(
                BillingErrorCode.NO_EMAIL,
                f"{patient.full_name} has no e-mail address we may write to; print the "
                "receipt instead.",
            )
        name = patient.preferred_name or patient.first_name
        message = message_enqueue(
            channel=MessageChannel.EMAIL,
            kind="receipt",
            recipient=to.email,
            template="receipt",
            context={
                "clinic_name": receipt.clinic_name,
                "clinic_phone": receipt.clinic_phone,
                "greeting_name": to.full_name,
                "whose": "Your" if to.pk == patient.pk else f"{name}'s",
                "document": receipt.title,
                "number": receipt.number,
                "issued_on": day_text(receipt.issued_on),
                "total": money(receipt.total),
                "status": receipt.status,
                "duplicate": receipt.duplicate,
            },
            related_type=RELATED_TYPE,
            related_id=invoice.pk,
            attachment=(receipt.filename, receipts_pdf([receipt], made_at=now)),
            now=now,
        )
        audit_record(
            actor=by,
            action=AuditAction.EXPORT,
            object_type=copy_type(receipt),
            object_id=str(invoice.pk),
            patient_ids=[patient.pk],
            summary=copy_summary(receipt, "e-mailed"),
            location_id=invoice.location_id,
            now=now,
        )
        return message
