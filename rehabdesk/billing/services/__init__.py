"""Every write of billing, by area; callers import from here."""

from rehabdesk.billing.services.dayend import day_close
from rehabdesk.billing.services.payments import (
    credit_apply,
    pay_all_outstanding,
    payment_record,
    payment_refund,
)

__all__ = [
    "credit_apply",
    "day_close",
    "pay_all_outstanding",
    "payment_record",
    "payment_refund",
]
