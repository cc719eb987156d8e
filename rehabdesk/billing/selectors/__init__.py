"""Reads of billing that pages, the API and the services use, by area; callers import
from here."""

from rehabdesk.billing.selectors.owing import owing_by_invoice

__all__ = ["owing_by_invoice"]
