"""Closing a location's business day: the desk counts the drawer and the terminal's
batch, the day's payments say what they should hold, the differences are put on file
with their explanation, and the day takes no more payments or refunds.

Closing and every payment or refund queue behind the same key, the location's day
(`DAY_QUEUE`): a payment that reaches its check while the close is being written waits
for it, then finds the day closed and is refused; a close that waits for a payment
counts it. On SQLite, BEGIN IMMEDIATE already runs writers one at a time.
docs/algorithms/billing.md, "Day-end".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.billing.choices import COUNTED_METHODS, PaymentMethod
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import DayClose, DayCount
from rehabdesk.billing.selectors.dayend import expected_by_method, method_totals
from rehabdesk.clinic.models import Location
from rehabdesk.core import database
from rehabdesk.core.money import CENT, format_money

# core.database.queue_behind spaces: 30 a location's day (closing, payments, refunds),
# 31 a patient's account (payments, refunds, credit; billing/services/payments.py).
DAY_QUEUE = "SELECT 30, %s"
NOTE_MAX = 500  # DayClose.note
METHOD_NOTE_MAX = 200  # DayCount.note
COUNT_MAX = Decimal("9999999999.99")


def business_date_of(location: Location, moment: datetime) -> date:
    """The location's day (its own zone) at `moment`."""
    return moment.astimezone(location.zone).date()


def refuse_closed_day(location: Location, business_date: date) -> None:
    """Refuse money dated on a closed day. Call it inside the transaction, after
    queueing behind the day (`DAY_QUEUE`), so a close being written is seen."""
    if DayClose.objects.filter(location=location, business_date=business_date).exists():
        raise BillingError(
            BillingErrorCode.DAY_CLOSED,
            f"{location.name}'s day of {business_date:%A %-d %B %Y} is closed: it takes no "
            "more payments or refunds. Date it today instead.",
            field="received_at",
        )


def day_close(
    *,
    location: Location,
    business_date: date,
    counted: Mapping[str, Decimal],
    by: User,
    now: datetime,
    note: str = "",
    notes: Mapping[str, str] | None = None,
) -> DayClose:
    """Close the location's day: one count per counted method (cash, debit, credit card,
    cheque; a method left out was counted as $0.00) against what its payments less
    refunds come to. A difference needs a word of explanation: the method's note or
    the day's. Nothing is written unless all of it is.

    BillingError: DAY_IN_FUTURE for a day after today (the location's), DAY_ALREADY_CLOSED,
    INVALID for a method not counted at day-end or an amount not to the cent,
    NEGATIVE_AMOUNT, REASON_MISSING for a difference nobody explained (`field`
    "note_<method>"), and INVALID for notes too long.
    """
    notes = {method: text.strip() for method, text in (notes or {}).items()}
    note = note.strip()
    amounts = _checked_counts(counted, notes, note)
    if business_date > business_date_of(location, now):
        raise BillingError(
            BillingErrorCode.DAY_IN_FUTURE,
            "A day can be closed once it has begun, not before.",
            field="business_date",
        )
    with transaction.atomic():
        database.queue_behind(DAY_QUEUE, [location.pk])
        if DayClose.objects.filter(location=location, business_date=business_date).exists():
            raise BillingError(
                BillingErrorCode.DAY_ALREADY_CLOSED,
                f"{location.name}'s day of {business_date:%-d %B %Y} is closed already.",
                field="business_date",
            )
        expected = expected_by_method(method_totals(location.pk, business_date))
        counts = [
            DayCount(
                method=method,
                expected=expected[method],
                counted=amounts[method],
                difference=amounts[method] - expected[method],
                note=notes.get(method, ""),
            )
            for method in map(str, COUNTED_METHODS)
        ]
        _refuse_unexplained(counts, note)
        closed = DayClose.objects.create(
            location=location, business_date=business_date, closed_at=now, closed_by=by, note=note
        )
        for count in counts:
            count.day_close = closed
        DayCount.objects.bulk_create(counts)
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            object_type="billing.dayclose",
            object_id=closed.pk,
            summary="business day closed",
            location_id=location.pk,
            now=now,
        )
    return closed


def _checked_counts(
    counted: Mapping[str, Decimal], notes: Mapping[str, str], note: str
) -> dict[str, Decimal]:
    methods = set(map(str, COUNTED_METHODS))
    for method in [*counted, *notes]:
        if method not in methods:
            label = PaymentMethod(method).label if method in PaymentMethod.values else method
            raise BillingError(
                BillingErrorCode.INVALID,
                f"{label} is not counted at day-end; only cash, debit, credit card and cheque are.",
                field=f"counted_{method}",
            )
    if len(note) > NOTE_MAX:
        raise BillingError(
            BillingErrorCode.INVALID, f"Keep the note to {NOTE_MAX} characters.", field="note"
        )
    for method, text in notes.items():
        if len(text) > METHOD_NOTE_MAX:
            raise BillingError(
                BillingErrorCode.INVALID,
                f"Keep each note to {METHOD_NOTE_MAX} characters.",
                field=f"note_{method}",
            )
    amounts = {}
    for method in methods:
        amount = counted.get(method, Decimal(0))
        field = f"counted_{method}"
        if (
            not isinstance(amount, Decimal)
            or not amount.is_finite()
            or amount != amount.quantize(CENT)
        ):
            raise BillingError(
                BillingErrorCode.INVALID, "Enter the amount to the cent.", field=field
            )
        if amount < 0:
            raise BillingError(
                BillingErrorCode.NEGATIVE_AMOUNT, "A count cannot be below $0.00.", field=field
            )
        if amount > COUNT_MAX:
            raise BillingError(BillingErrorCode.INVALID, "That amount is too large.", field=field)
        amounts[method] = amount.quantize(CENT)
    return amounts


def _refuse_unexplained(counts: list[DayCount], note: str) -> None:
    for count in counts:
        if count.difference and not (count.note or note):
            label = PaymentMethod(count.method).label
            raise BillingError(
                BillingErrorCode.REASON_MISSING,
                f"{label} counted {format_money(count.counted)} against "
                f"{format_money(count.expected)} expected: say what explains the difference.",
                field=f"note_{count.method}",
            )
