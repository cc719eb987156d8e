"""Reads of billing that pages, the API and the services use, by area; callers import
from here."""

from rehabdesk.billing.selectors.desk import (
    coverages_active,
    day_close_of,
    packages_of,
    payers_active,
    payment_by_id,
    payments_of,
    products_active,
)
from rehabdesk.billing.selectors.owing import owing_by_invoice

__all__ = [
    "coverages_active",
    "day_close_of",
    "owing_by_invoice",
    "packages_of",
    "payers_active",
    "payment_by_id",
    "payments_of",
    "products_active",
]
