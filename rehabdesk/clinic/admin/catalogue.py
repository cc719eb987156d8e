"""The manager's screens for tax categories and their rates, services and their
qualifications, service groups and page texts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from rehabdesk.clinic import services
from rehabdesk.clinic.admin.common import ConfigurationAdmin, local_today
from rehabdesk.clinic.models import (
    PageText,
    Qualification,
    Service,
    ServiceGroup,
    TaxCategory,
    TaxRate,
)
from rehabdesk.core.admin import (
    Formsets,
    ServiceBackedAdmin,
    ServiceValidatedInlineFormSet,
    kept_rows,
)


class TaxRateFormSet(ServiceValidatedInlineFormSet):
    def validate_with_services(self, rows: list[dict[str, Any]]) -> None:
        services.tax_category_validate(category=self.instance, rates=_rate_specs(rows))


def _rate_specs(rows: list[dict[str, Any]]) -> list[services.RateSpec]:
    return [
        services.RateSpec(row["name"], row["percent"], row["valid_from"], row["valid_until"])
        for row in rows
    ]


class TaxRateInline(admin.TabularInline):
    model = TaxRate
    formset = TaxRateFormSet
    extra = 0


@admin.register(TaxCategory)
class TaxCategoryAdmin(ServiceBackedAdmin):
    list_display = ["name", "treatment", "legal_basis"]
    list_filter = ["treatment"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [TaxRateInline]

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        services.tax_category_save(category=obj, rates=_rate_specs(kept_rows(formsets[TaxRate])))


# --- Services ------------------------------------------------------------------------


class QualificationFormSet(ServiceValidatedInlineFormSet):
    def validate_with_services(self, rows: list[dict[str, Any]]) -> None:
        services.service_validate(
            service=self.instance, qualifications=_qualification_specs(rows), on=local_today()
        )


def _qualification_specs(rows: list[dict[str, Any]]) -> list[services.QualificationSpec]:
    return [
        services.QualificationSpec(row["regulator"], frozenset(row["authorizations"]))
        for row in rows
    ]


class QualificationInline(admin.TabularInline):
    model = Qualification
    formset = QualificationFormSet
    extra = 0
    min_num = 1
    verbose_name = "who may deliver it (any one of these)"
    verbose_name_plural = "who may deliver it (any one of these)"


@admin.register(Service)
class ServiceAdmin(ServiceBackedAdmin):
    list_display = [
        "name",
        "discipline",
        "kind",
        "duration_minutes",
        "price",
        "tax_category",
        "online_bookable",
        "active",
    ]
    list_filter = [
        "discipline",
        "group",
        "kind",
        "online_bookable",
        "sends_reminders",
        "patient_eligibility",
        "active",
        "tax_category",
    ]
    search_fields = ["name", "public_description"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = {
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }
    inlines = [QualificationInline]

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        services.service_save(
            service=obj,
            on=local_today(),
            resource_kinds=form.cleaned_data["resource_kinds"],
            qualifications=_qualification_specs(kept_rows(formsets[Qualification])),
        )


# --- The public site's texts --------------------------------------------------------


@admin.register(ServiceGroup)
class ServiceGroupAdmin(ConfigurationAdmin):
    list_display = ["name", "slug", "display_order", "active"]
    list_filter = ["active"]
    search_fields = ["name", "summary", "who_it_helps", "what_to_expect"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PageText)
class PageTextAdmin(ConfigurationAdmin):
    list_display = ["title", "slug"]
    list_filter = ["slug"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
