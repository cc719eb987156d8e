"""Reads of billing that pages, the API and the services use, by area; callers import
from here."""

from rehabdesk.billing.selectors.accounts import (
    Balance,
    OwingInvoice,
    PayerBalance,
    Statement,
    StatementRow,
    balance_of,
    outstanding_invoices,
    payer_balances,
    statement,
)
from rehabdesk.billing.selectors.dayend import DaySummary, MethodTotal, day_is_closed, day_summary
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
    "Balance",
    "BillingState",
    "DaySummary",
    "MethodTotal",
    "OwingInvoice",
    "PackageBalance",
    "PayerBalance",
    "Statement",
    "StatementRow",
    "VisitBilling",
    "balance_of",
    "day_is_closed",
    "day_summary",
    "invoice_detail",
    "invoices_of",
    "outstanding_invoices",
    "owing_by_invoice",
    "package_balances",
    "payer_balances",
    "statement",
    "visit_billing",
]
