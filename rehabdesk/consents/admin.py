"""The manager publishes a new version of the privacy notice; versions are never edited
(consents refer to the text the patient read), so a change is a new version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from rehabdesk.consents import services
from rehabdesk.consents.choices import TreatmentTopic
from rehabdesk.consents.models import PrivacyNotice, TreatmentConsentText
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


class TreatmentConsentTextForm(forms.ModelForm):
    for_topic = forms.ChoiceField(label="Topic", choices=TreatmentTopic.choices)

    class Meta:
        model = TreatmentConsentText
        fields = ["body"]


@admin.register(TreatmentConsentText)
class TreatmentConsentTextAdmin(ServiceBackedAdmin):
    """A new version of a topic's text; patients who consented keep the one they read."""

    form = TreatmentConsentTextForm
    list_display = ["topic", "version", "published_at"]
    list_filter = ["topic"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A new version names its topic (a form field); an old one is only read.
        return ["body"] if obj is not None else ["for_topic", "body"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        published = services.treatment_consent_text_publish(
            topic=TreatmentTopic(form.cleaned_data["for_topic"]),
            body=form.cleaned_data["body"],
            now=timezone.now(),
        )
        form.instance = published
        obj.pk = published.pk
