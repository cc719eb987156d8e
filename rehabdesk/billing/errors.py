from __future__ import annotations

from enum import StrEnum

from rehabdesk.core.errors import DomainError


class BillingErrorCode(StrEnum):
    INVALID = "invalid"  # a field missing or malformed (`field` says which)
    NEGATIVE_AMOUNT = "negative_amount"  # an amount, price or quantity below zero
    DISCOUNT_TOO_LARGE = "discount_too_large"  # a discount above its line's price
    DISCOUNT_REASON_MISSING = "discount_reason_missing"
    TAX_MISMATCH = "tax_mismatch"  # tax other than the rule gives for the line
    EMPTY_INVOICE = "empty_invoice"  # an invoice needs at least one line
    ALREADY_INVOICED = "already_invoiced"  # the visit (or its fee) has its invoice already
    VISIT_NOT_BILLABLE = "visit_not_billable"  # a hold, a cancelled visit, a visit to come
    NO_FEE_DUE = "no_fee_due"  # the visit carries no late-cancellation or no-show fee
    FEE_WAIVED = "fee_waived"  # the fee was waived; it cannot be charged too
    FEE_INVOICED = "fee_invoiced"  # the fee was charged; it cannot be waived too
    REASON_MISSING = "reason_missing"  # waivers, refunds and credit notes say why
    CREDIT_TOO_LARGE = "credit_too_large"  # more than is left of the invoice (line)
    REFUND_TOO_LARGE = "refund_too_large"  # more than was paid and not yet refunded
    OVERPAID = "overpaid"  # allocating more than the invoice still owes
    NOTHING_OUTSTANDING = "nothing_outstanding"
    NOT_ENOUGH_CREDIT = "not_enough_credit"  # applying more patient credit than there is
    DAY_CLOSED = "day_closed"  # the location's day is closed: no payment dated on it
    DAY_ALREADY_CLOSED = "day_already_closed"
    DAY_IN_FUTURE = "day_in_future"
    PAYER_SHARE_TOO_LARGE = "payer_share_too_large"  # a third party billed above the total
    CLAIM_NUMBER_MISSING = "claim_number_missing"  # WSIB and auto invoices need the claim
    COVERAGE_NOT_PATIENTS = "coverage_not_patients"  # coverage of another patient
    PAYER_INACTIVE = "payer_inactive"
    PACKAGE_EXPIRED = "package_expired"
    PACKAGE_USED_UP = "package_used_up"
    PACKAGE_NOT_FOR_SERVICE = "package_not_for_service"
    PACKAGE_NOT_PATIENTS = "package_not_patients"
    PRODUCT_INACTIVE = "product_inactive"
    NO_EMAIL = "no_email"  # a receipt e-mailed to a patient without an address


class BillingError(DomainError):
    pass
