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
    payment_by_id,
    payments_of,
    payments_with_credit,
    statement,
)
from rehabdesk.billing.selectors.dayend import DaySummary, MethodTotal, day_is_closed, day_summary
from rehabdesk.billing.selectors.desk import (
    coverages_active,
    packages_of,
    payers_active,
    products_active,
)
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
from rehabdesk.billing.selectors.report_visits import attendance, new_patients, utilization
from rehabdesk.billing.selectors.reports import (
    Period,
    package_sales,
    receivables,
    report_locations,
    report_scope,
    revenue,
    tax_collected,
)

__all__ = [
    "Balance",
    "BillingState",
    "DaySummary",
    "MethodTotal",
    "OwingInvoice",
    "PackageBalance",
    "PayerBalance",
    "Period",
    "Statement",
    "StatementRow",
    "VisitBilling",
    "attendance",
    "balance_of",
    "coverages_active",
    "day_is_closed",
    "day_summary",
    "invoice_detail",
    "invoices_of",
    "new_patients",
    "outstanding_invoices",
    "owing_by_invoice",
    "package_balances",
    "package_sales",
    "packages_of",
    "payer_balances",
    "payers_active",
    "payment_by_id",
    "payments_of",
    "payments_with_credit",
    "products_active",
    "receivables",
    "report_locations",
    "report_scope",
    "revenue",
    "statement",
    "tax_collected",
    "utilization",
    "visit_billing",
]
