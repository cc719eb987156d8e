"""Late-cancellation and no-show fees: the lifecycle records the fee on the appointment
(`fee_due`); the desk charges it (an invoice) or waives it (with a reason), never both.
docs/algorithms/billing.md, "Invoices and numbering"."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.billing.choices import FeeKind, InvoicePurpose, LineKind
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import FeeWaiver, Invoice
from rehabdesk.billing.numbering import display_number
from rehabdesk.billing.services.invoices import (
    Draft,
    credited_in_full,
    current_invoice,
    invoice_write,
    line_priced,
    local_day,
    patient_of,
    replaceable,
    visit_locked,
    written_once,
)
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment


def fee_kind(appointment: Appointment) -> FeeKind | None:
    """The fee an appointment carries, if the lifecycle recorded one."""
    if appointment.fee_due is None or appointment.fee_due <= 0:
        return None
    if appointment.status == AppointmentStatus.NOSHOW:
        return FeeKind.NO_SHOW
    if appointment.status == AppointmentStatus.CANCELLED and appointment.late_cancellation:
        return FeeKind.LATE_CANCELLATION
    return None


def _fee_due(visit: Appointment) -> FeeKind:
    kind = fee_kind(visit)
    if kind is None:
        raise BillingError(BillingErrorCode.NO_FEE_DUE, "This visit carries no fee.")
    return kind


def invoice_for_fee(*, appointment: Appointment, by: User, now: datetime) -> Invoice:
    """Charge a late-cancellation or no-show fee: one fee line at the amount the
    lifecycle recorded, taxed like the visit's service would have been (⚠ see the
    docs) on the visit's day. Never billed to a third party (insurers' direct billing
    excludes these fees, domain-reference §3.5)."""

    def write() -> Invoice:
        with transaction.atomic():
            visit = visit_locked(appointment)
            kind = _fee_due(visit)
            if FeeWaiver.objects.filter(appointment=visit).exists():
                raise BillingError(BillingErrorCode.FEE_WAIVED, "This fee was waived.")
            purpose = InvoicePurpose(kind.value)
            replaces = replaceable(visit, purpose)
            on = local_day(visit)
            assert visit.fee_due is not None
            line = line_priced(
                kind=LineKind.FEE,
                description=f"{kind.label} fee: {visit.service.name}",
                unit_price=visit.fee_due,
                tax_category=visit.service.tax_category,
                on=on,
                service=visit.service,
                practitioner=visit.practitioner,
                service_date=on,
            )
            return invoice_write(
                Draft(
                    location=visit.location,
                    patient=patient_of(visit),
                    purpose=purpose,
                    on=on,
                    lines=[line],
                    appointment=visit,
                    replaces=replaces,
                ),
                by=by,
                now=now,
            )

    return written_once(write)


def fee_waive(*, appointment: Appointment, reason: str, by: User, now: datetime) -> FeeWaiver:
    """Waive a visit's fee, saying why; refused once the fee is charged (credit that
    invoice in full first) or waived."""
    reason = reason.strip()
    if not reason:
        raise BillingError(
            BillingErrorCode.REASON_MISSING, "Say why the fee is waived.", field="reason"
        )
    with transaction.atomic():
        visit = visit_locked(appointment)
        kind = _fee_due(visit)
        if FeeWaiver.objects.filter(appointment=visit).exists():
            raise BillingError(BillingErrorCode.FEE_WAIVED, "This fee is waived already.")
        charged = current_invoice(visit, InvoicePurpose(kind.value))
        if charged is not None and not credited_in_full(charged):
            raise BillingError(
                BillingErrorCode.FEE_INVOICED,
                f"This fee is on invoice {display_number(charged.number)}: "
                "credit it before waiving the fee.",
            )
        waiver = FeeWaiver.objects.create(
            appointment=visit, kind=kind, reason=reason[:200], waived_at=now, waived_by=by
        )
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            object_type="billing.feewaiver",
            object_id=waiver.pk,
            patient_ids=[visit.patient_id] if visit.patient_id else [],
            summary=f"{kind.label.lower()} fee waived",
            location_id=visit.location_id,
            now=now,
        )
    return waiver
