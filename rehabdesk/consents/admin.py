"""The manager publishes a new version of the privacy notice; versions are never edited
(consents refer to the text the patient read), so a change is a new version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from rehabdesk.consents import services
from rehabdesk.consents.models import PrivacyNotice
from rehabdesk.core.admin import Formsets, ServiceBackedAdmin


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(ServiceBackedAdmin):
    list_display = ["version", "published_at"]
    fields = ["body"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Viewing an old version is fine; saving over it is not.
        return obj is None and super().has_change_permission(request, obj)

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        published = services.privacy_notice_publish(
            body=form.cleaned_data["body"], now=timezone.now()
        )
        form.instance = published
        obj.pk = published.pk
