"""What every configuration screen shares: today's date, saving inline rows one service
call each, and the plain rows saved as they are."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone

from rehabdesk.clinic import services
from rehabdesk.core.admin import (
    Formsets,
    ServiceBackedAdmin,
    changed_instances,
    deleted_instances,
)


def local_today() -> date:
    return timezone.localdate()


def save_each(formset: BaseInlineFormSet | None, save: Any, delete: Any = None) -> None:
    """Inline rows that stand on their own (closures, time off): one service call each."""
    if formset is None:
        return
    for instance in deleted_instances(formset):
        delete(instance)
    for instance in changed_instances(formset):
        save(instance)


class ConfigurationAdmin(ServiceBackedAdmin):
    """Plain configuration rows saved by services.configuration_save."""

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        services.configuration_save(instance=obj)
