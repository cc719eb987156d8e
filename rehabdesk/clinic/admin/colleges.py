"""The manager's screens for disciplines and regulatory colleges with their classes and
rosters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from rehabdesk.clinic import services
from rehabdesk.clinic.admin.common import ConfigurationAdmin, save_each
from rehabdesk.clinic.models import (
    Authorization,
    Discipline,
    RegistrationClass,
    Regulator,
)
from rehabdesk.core.admin import (
    Formsets,
)


@admin.register(Discipline)
class DisciplineAdmin(ConfigurationAdmin):
    list_display = ["name", "display_order", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class RegistrationClassInline(admin.TabularInline):
    model = RegistrationClass
    extra = 0
    can_delete = False


class AuthorizationInline(admin.TabularInline):
    model = Authorization
    extra = 0
    can_delete = False
    verbose_name = "roster (authorized activity)"
    verbose_name_plural = "rosters (authorized activities)"


@admin.register(Regulator)
class RegulatorAdmin(ConfigurationAdmin):
    list_display = ["name", "abbreviation", "profession", "designation", "province"]
    list_filter = ["province"]
    search_fields = ["name", "abbreviation", "profession"]
    prepopulated_fields = {"slug": ["abbreviation"]}
    inlines = [RegistrationClassInline, AuthorizationInline]

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        services.configuration_save(instance=obj)
        for model in (RegistrationClass, Authorization):
            save_each(
                formsets.get(model), save=lambda row: services.configuration_save(instance=row)
            )
