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
from rehabdesk.billing.selectors.owing import owing_by_invoice

__all__ = [
    "Balance",
    "DaySummary",
    "MethodTotal",
    "OwingInvoice",
    "PayerBalance",
    "Statement",
    "StatementRow",
    "balance_of",
    "day_is_closed",
    "day_summary",
    "outstanding_invoices",
    "owing_by_invoice",
    "payer_balances",
    "statement",
]
