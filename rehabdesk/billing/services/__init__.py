"""The one way to change billing: every write is a service here, keyword-only, owning
its transaction and audit record. Callers import from this package."""

from rehabdesk.billing.services.credit_notes import credit_note_issue
from rehabdesk.billing.services.dayend import day_close
from rehabdesk.billing.services.fees import fee_waive, invoice_for_fee
from rehabdesk.billing.services.invoices import (
    ProductLine,
    ThirdParty,
    invoice_for_sale,
    invoice_for_visit,
)
from rehabdesk.billing.services.packages import package_sell
from rehabdesk.billing.services.payments import (
    credit_apply,
    pay_all_outstanding,
    payment_record,
    payment_refund,
)
from rehabdesk.billing.services.receipts import receipt_email

__all__ = [
    "ProductLine",
    "ThirdParty",
    "credit_apply",
    "credit_note_issue",
    "day_close",
    "fee_waive",
    "invoice_for_fee",
    "invoice_for_sale",
    "invoice_for_visit",
    "package_sell",
    "pay_all_outstanding",
    "payment_record",
    "payment_refund",
    "receipt_email",
]
