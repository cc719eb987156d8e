"""Reads of billing that pages, the API and the services use, by area; callers import
from here."""

from rehabdesk.billing.selectors.invoices import (
    BillingState,
    PackageBalance,
    VisitBilling,
    invoice_detail,
    invoices_of,
    package_balances,
    visit_billing,
)
from rehabdesk.billing.selectors.owing import owing_by_invoice

__all__ = [
    "BillingState",
    "PackageBalance",
    "VisitBilling",
    "invoice_detail",
    "invoices_of",
    "owing_by_invoice",
    "package_balances",
    "visit_billing",
]
