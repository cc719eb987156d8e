"""The form of /staff/webhooks/: a new endpoint."""

from __future__ import annotations

from django import forms

from rehabdesk.webhooks.choices import WebhookEvent
from rehabdesk.webhooks.models import URL_MAX_LENGTH


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="Address (URL)",
        max_length=URL_MAX_LENGTH,
        help_text="Where the events are POSTed: https://, on the internet.",
    )
    description = forms.CharField(
        max_length=200,
        required=False,
        help_text="What receives them, to recognise it later (e.g. “Reporting system”).",
    )
    event_types = forms.MultipleChoiceField(
        label="Events",
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only what it needs. Events carry ids and times, never health details.",
    )
