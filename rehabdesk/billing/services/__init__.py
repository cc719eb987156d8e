"""The one way to change billing: every write is a service here, keyword-only, owning
its transaction and audit record. Callers import from this package."""

from rehabdesk.billing.services.credit_notes import credit_note_issue
from rehabdesk.billing.services.fees import fee_waive, invoice_for_fee
from rehabdesk.billing.services.invoices import (
    ProductLine,
    ThirdParty,
    invoice_for_sale,
    invoice_for_visit,
)
from rehabdesk.billing.services.packages import package_sell

__all__ = [
    "ProductLine",
    "ThirdParty",
    "credit_note_issue",
    "fee_waive",
    "invoice_for_fee",
    "invoice_for_sale",
    "invoice_for_visit",
    "package_sell",
]
