"""Money in and out at the desk: payments put toward invoices, the rest kept as the
patient's credit; credit put toward an invoice later; refunds of credit; paying
everything owed at once. docs/algorithms/billing.md, "Payments, refunds and credit".

Every write here queues behind the location's day (closing refuses money dated on a
closed day, billing/services/dayend.py) and behind the patient's account (`ACCOUNT_QUEUE`:
two desks paying one invoice, or refunding one credit, at once would each see it still
owed, or still there). Then it reads what is owed or left, inside the transaction,
and writes. A refused request writes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from decimal import Decimal

from django.db import transaction

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.billing.choices import PaymentKind, PaymentMethod
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import Invoice, Payer, Payment, PaymentAllocation
from rehabdesk.billing.selectors.accounts import (
    HALF_CENT,
    outstanding_invoices,
    payments_with_credit,
    unallocated_by_payment,
    with_party_owing,
)
from rehabdesk.billing.services.dayend import DAY_QUEUE, business_date_of, refuse_closed_day
from rehabdesk.clinic.models import Location
from rehabdesk.core import database
from rehabdesk.core.money import CENT, format_money
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import managed_patient_ids

# core.database.queue_behind space 31: a patient's account. Credit notes that free
# allocations should queue behind it too (billing/services/credit_notes.py).
ACCOUNT_QUEUE = "SELECT 31, %s"
AMOUNT_MAX = Decimal("99999999.99")  # Payment.amount: ten digits, two after the point
REFERENCE_MAX = 80  # Payment.reference
REASON_MAX = 200  # Payment.reason
ZERO = Decimal("0.00")
PAYMENT = "billing.payment"


def queue_behind_account(patient_ids: Collection[int], *, location_id: int | None = None) -> None:
    """Wait for other writers to these patients' accounts (and the location's day), and
    make later ones wait for this transaction. One call, so its locks are taken in one
    order and two callers never wait for each other."""
    keys = " UNION ALL ".join([ACCOUNT_QUEUE] * len(patient_ids))
    params: list[int] = sorted(patient_ids)
    if location_id is not None:
        keys, params = f"{DAY_QUEUE} UNION ALL {keys}", [location_id, *params]
    database.queue_behind(keys, params)


def payment_record(
    *,
    patient: Patient,
    location: Location,
    amount: Decimal,
    method: str,
    by: User,
    now: datetime,
    received_at: datetime | None = None,
    reference: str = "",
    invoices: Sequence[Invoice] | None = None,
    payer: Payer | None = None,
) -> Payment:
    """Record money received at `location` (dated `received_at`, now unless told, on
    the location's day) and put it toward `invoices` in their order, or — none given —
    toward what is owed, oldest first; never more than an invoice owes. A patient's
    money left over is their credit. A payer's payment (`payer`) pays the payer's share
    of the patient's invoices billed to it, and may not pay more than they owe.

    BillingError, nothing written: INVALID (an amount not to the cent or too large,
    a method unknown or package credit, a date in the future, an invoice not the
    patient's or not billed to the payer, a payer or invoice of another clinic, a
    reference too long), NEGATIVE_AMOUNT, OVERPAID (a payer paying more than owed),
    DAY_CLOSED (the day `received_at` falls on is closed).
    """
    amount = checked_amount(amount)
    method = _checked_method(method)
    reference = _checked_reference(reference)
    received_at = received_at or now
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise BillingError(
            BillingErrorCode.INVALID, "Give the time the payment was received.", field="received_at"
        )
    if received_at > now:
        raise BillingError(
            BillingErrorCode.INVALID,
            "A payment cannot be dated in the future.",
            field="received_at",
        )
    _check_parties(patient=patient, location=location, invoices=invoices, payer=payer)
    business_date = business_date_of(location, received_at)
    with transaction.atomic():
        queue_behind_account([patient.pk], location_id=location.pk)
        refuse_closed_day(location, business_date)
        payment = Payment.objects.create(
            clinic_id=location.clinic_id,
            location=location,
            patient=patient,
            payer=payer,
            kind=PaymentKind.PAYMENT,
            method=method,
            amount=amount,
            reference=reference,
            received_at=received_at,
            business_date=business_date,
            recorded_by=by,
        )
        left = _allocate(payment, _targets(patient, location.clinic_id, invoices, payer), now)
        if payer is not None and left > 0:
            raise BillingError(
                BillingErrorCode.OVERPAID,
                f"{payer.name} owes less than {format_money(amount)} on these invoices: "
                f"{format_money(left)} too much. A payer's payment cannot be kept as credit.",
                field="amount",
            )
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            object_type=PAYMENT,
            object_id=payment.pk,
            patient_ids=[patient.pk],
            summary="payment from payer recorded" if payer else "payment recorded",
            location_id=location.pk,
            now=now,
        )
    return payment


def payment_refund(
    *,
    payment: Payment,
    amount: Decimal,
    reason: str,
    by: User,
    now: datetime,
    method: str | None = None,
) -> Payment:
    """Give back money of `payment` that is not put toward any invoice (the patient's
    credit; to give back money paid on an invoice, credit the invoice first), by
    `method` (the payment's own unless told), dated today at the payment's location.
    A refund of package credit stays package credit.

    BillingError, nothing written: INVALID (not a payment, an amount not to the cent,
    a method unknown), NEGATIVE_AMOUNT, REASON_MISSING, REFUND_TOO_LARGE (more than is
    left of the payment to give back), DAY_CLOSED (today is closed at the location).
    """
    amount = checked_amount(amount)
    reason = reason.strip()
    if not reason:
        raise BillingError(
            BillingErrorCode.REASON_MISSING, "Say why the money is given back.", field="reason"
        )
    if len(reason) > REASON_MAX:
        raise BillingError(
            BillingErrorCode.INVALID, f"Keep the reason to {REASON_MAX} characters.", field="reason"
        )
    if payment.kind != PaymentKind.PAYMENT:
        raise BillingError(
            BillingErrorCode.INVALID,
            "Only a payment can be refunded, not a refund.",
            field="payment",
        )
    if payment.method == PaymentMethod.PACKAGE_CREDIT:
        method = PaymentMethod.PACKAGE_CREDIT
    else:
        method = _checked_method(method or payment.method)
    location = payment.location
    business_date = business_date_of(location, now)
    with transaction.atomic():
        queue_behind_account([payment.patient_id], location_id=location.pk)
        refuse_closed_day(location, business_date)
        left = unallocated_by_payment([payment.pk])[payment.pk]
        if amount > left:
            raise BillingError(
                BillingErrorCode.REFUND_TOO_LARGE,
                f"Only {format_money(left)} of this payment is not paying an invoice and can "
                "be given back. To give back money paid on an invoice, credit the invoice "
                "first.",
                field="amount",
            )
        refund = Payment.objects.create(
            clinic_id=payment.clinic_id,
            location=location,
            patient_id=payment.patient_id,
            payer_id=payment.payer_id,
            kind=PaymentKind.REFUND,
            method=method,
            amount=amount,
            refunds=payment,
            reason=reason,
            package_id=payment.package_id,
            received_at=now,
            business_date=business_date,
            recorded_by=by,
        )
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            object_type=PAYMENT,
            object_id=refund.pk,
            patient_ids=[payment.patient_id],
            summary="refund recorded",
            location_id=location.pk,
            now=now,
        )
    return refund


def credit_apply(
    *, patient: Patient, invoice: Invoice, amount: Decimal, by: User, now: datetime
) -> list[PaymentAllocation]:
    """Put `amount` of the patient's credit toward their share of `invoice`, taken from
    their oldest payments with money left first: one allocation per payment drawn on.
    No money changes hands, so the day's count is not concerned.

    BillingError, nothing written: INVALID (an invoice of someone else, an amount not
    to the cent), NEGATIVE_AMOUNT, OVERPAID (more than the invoice owes),
    NOT_ENOUGH_CREDIT.
    """
    amount = checked_amount(amount)
    if invoice.patient_id != patient.pk:
        raise BillingError(
            BillingErrorCode.INVALID, "That invoice is someone else's.", field="invoice"
        )
    with transaction.atomic():
        queue_behind_account([patient.pk])
        owing = _owing([invoice.pk], payer=None).get(invoice.pk, ZERO)
        if amount > owing:
            raise BillingError(
                BillingErrorCode.OVERPAID,
                f"The invoice owes {format_money(owing)}; apply at most that.",
                field="amount",
            )
        sources = payments_with_credit(patient.pk)
        credit = sum((left for _, left in sources), ZERO)
        if amount > credit:
            raise BillingError(
                BillingErrorCode.NOT_ENOUGH_CREDIT,
                f"{patient} has {format_money(credit)} of credit, not {format_money(amount)}.",
                field="amount",
            )
        allocations, wanted = [], amount
        for payment, left in sources:
            if wanted <= 0:
                break
            part = min(left, wanted)
            allocations.append(
                PaymentAllocation(payment=payment, invoice=invoice, amount=part, created_at=now)
            )
            wanted -= part
        PaymentAllocation.objects.bulk_create(allocations)
        audit_record(
            actor=by,
            action=AuditAction.CHANGE,
            object_type="billing.invoice",
            object_id=invoice.pk,
            patient_ids=[patient.pk],
            summary="credit applied to invoice",
            location_id=invoice.location_id,
            now=now,
        )
    return allocations


def pay_all_outstanding(
    *,
    patient: Patient,
    location: Location,
    method: str,
    by: User,
    now: datetime,
    reference: str = "",
    family: bool = False,
) -> list[Payment]:
    """Take payment of everything the patient owes — with `family`, also what each
    dependent they manage owes — in one transaction: one payment per person owing,
    each put toward that person's invoices, oldest first. Credit on file is not used
    (that is `credit_apply`). One payment per person keeps each person's account
    adding up on its own; the desk's terminal shows their sum.

    BillingError, nothing written: NOTHING_OUTSTANDING, and payment_record's.
    """
    method = _checked_method(method)
    reference = _checked_reference(reference)
    people = managed_patient_ids(patient=patient) if family else {patient.pk}
    business_date = business_date_of(location, now)
    with transaction.atomic():
        queue_behind_account(people, location_id=location.pk)
        refuse_closed_day(location, business_date)
        owed: dict[int, list[Invoice]] = {}
        totals: dict[int, Decimal] = {}
        for row in outstanding_invoices(people):
            if row.invoice.clinic_id != location.clinic_id:
                continue
            owed.setdefault(row.invoice.patient_id, []).append(row.invoice)
            totals[row.invoice.patient_id] = totals.get(row.invoice.patient_id, ZERO) + row.owing
        if not totals:
            raise BillingError(
                BillingErrorCode.NOTHING_OUTSTANDING, "Nothing is owed.", field="patient"
            )
        payments = []
        for person_id in sorted(totals, key=lambda pk: (pk != patient.pk, pk)):
            payments.append(
                payment_record(
                    patient=owed[person_id][0].patient,
                    location=location,
                    amount=totals[person_id],
                    method=method,
                    by=by,
                    now=now,
                    reference=reference,
                    invoices=owed[person_id],
                )
            )
    return payments


# Checks ---------------------------------------------------------------------------------------


def checked_amount(amount: Decimal, *, field: str = "amount") -> Decimal:
    """An amount of money above $0.00, to the cent, that fits the books."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise BillingError(BillingErrorCode.INVALID, "Enter an amount, e.g. 85.00.", field=field)
    if amount < 0:
        raise BillingError(
            BillingErrorCode.NEGATIVE_AMOUNT, "An amount cannot be negative.", field=field
        )
    if amount == 0:
        raise BillingError(BillingErrorCode.INVALID, "Enter an amount above $0.00.", field=field)
    if amount != amount.quantize(CENT):
        raise BillingError(BillingErrorCode.INVALID, "Enter the amount to the cent.", field=field)
    if amount > AMOUNT_MAX:
        raise BillingError(BillingErrorCode.INVALID, "That amount is too large.", field=field)
    return amount.quantize(CENT)


def _checked_method(method: str) -> str:
    if method not in PaymentMethod.values:
        raise BillingError(BillingErrorCode.INVALID, "Choose how it was paid.", field="method")
    if method == PaymentMethod.PACKAGE_CREDIT:
        raise BillingError(
            BillingErrorCode.INVALID,
            "Package credit is drawn at check-out, with the visit it pays for.",
            field="method",
        )
    return method


def _checked_reference(reference: str) -> str:
    reference = reference.strip()
    if len(reference) > REFERENCE_MAX:
        raise BillingError(
            BillingErrorCode.INVALID,
            f"Keep the reference to {REFERENCE_MAX} characters.",
            field="reference",
        )
    return reference


def _check_parties(
    *,
    patient: Patient,
    location: Location,
    invoices: Sequence[Invoice] | None,
    payer: Payer | None,
) -> None:
    if payer is not None and payer.clinic_id != location.clinic_id:
        raise BillingError(
            BillingErrorCode.INVALID, "That payer is another clinic's.", field="payer"
        )
    for invoice in invoices or ():
        if invoice.patient_id != patient.pk:
            raise BillingError(
                BillingErrorCode.INVALID,
                f"Invoice {invoice.number} is someone else's.",
                field="invoices",
            )
        if invoice.clinic_id != location.clinic_id:
            raise BillingError(
                BillingErrorCode.INVALID,
                f"Invoice {invoice.number} is another clinic's.",
                field="invoices",
            )
        if payer is not None and invoice.payer_id != payer.pk:
            raise BillingError(
                BillingErrorCode.INVALID,
                f"Invoice {invoice.number} is not billed to {payer.name}.",
                field="invoices",
            )


def _targets(
    patient: Patient, clinic_id: int, invoices: Sequence[Invoice] | None, payer: Payer | None
) -> list[int]:
    """The invoices to pay, in order: those given, else what is owed, oldest first."""
    if invoices is not None:
        return list(dict.fromkeys(invoice.pk for invoice in invoices))
    rows = with_party_owing(Invoice.objects.filter(patient=patient, clinic_id=clinic_id))
    if payer is not None:
        rows = rows.filter(payer=payer, payer_owing__gt=HALF_CENT)
    else:
        rows = rows.filter(patient_owing__gt=HALF_CENT)
    return list(rows.order_by("issued_at", "number").values_list("pk", flat=True))


def _owing(invoice_ids: Collection[int], *, payer: Payer | None) -> dict[int, Decimal]:
    """Each invoice's part still owed by the party paying, the invoices locked first:
    a credit note being written on one of them (which locks it too,
    billing/services/credit_notes.py) is waited for, then seen."""
    ids = sorted(invoice_ids)
    list(Invoice.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    column = "payer_owing" if payer is not None else "patient_owing"
    rows = with_party_owing(Invoice.objects.filter(pk__in=ids)).values_list("pk", column)
    return {pk: Decimal(owing).quantize(CENT) for pk, owing in rows}


def _allocate(payment: Payment, invoice_ids: list[int], now: datetime) -> Decimal:
    """Put the payment toward the invoices in order, each at most what it owes; return
    what is left."""
    owing = _owing(invoice_ids, payer=payment.payer)
    left, allocations = payment.amount, []
    for invoice_id in invoice_ids:
        part = min(left, owing.get(invoice_id, ZERO))
        if part <= 0:
            continue
        allocations.append(
            PaymentAllocation(payment=payment, invoice_id=invoice_id, amount=part, created_at=now)
        )
        left -= part
    PaymentAllocation.objects.bulk_create(allocations)
    return left
