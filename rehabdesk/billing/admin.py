"""The manager's screens for what billing chooses from: the payers the clinic bills
directly, the products sold at the desk, and the package offers. Plain configuration
(the rules are the rows' own field validators and constraints, checked by the admin's
full_clean); never deleted, because invoices refer to them: deactivated instead.
Invoices, payments and the rest of billing are facts of patients' accounts, kept out
of the admin (the admin does not audit reads)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rehabdesk.billing.models import PackageOffer, Payer, Product


class BillingConfigurationAdmin(admin.ModelAdmin):
    """Added and changed by managers; deactivated, never deleted."""

    list_filter = ["active"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Payer)
class PayerAdmin(BillingConfigurationAdmin):
    list_display = ["name", "kind", "phone", "email", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    fields = ["clinic", "name", "kind", "address", "phone", "email", "active"]


@admin.register(Product)
class ProductAdmin(BillingConfigurationAdmin):
    list_display = ["name", "sku", "price", "tax_category", "active"]
    search_fields = ["name", "sku"]
    fields = ["clinic", "name", "sku", "price", "tax_category", "active"]


@admin.register(PackageOffer)
class PackageOfferAdmin(BillingConfigurationAdmin):
    list_display = ["name", "service", "visits", "price", "valid_days", "active"]
    search_fields = ["name"]
    fields = ["clinic", "name", "service", "visits", "price", "valid_days", "active"]
