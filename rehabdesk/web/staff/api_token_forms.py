"""The forms of /staff/api-tokens/: a personal token, and an application's."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms

from rehabdesk.apitokens.choices import Scope
from rehabdesk.apitokens.services import APPLICATION_ROLES, NAME_LENGTH

EXPIRY_CHOICES = [("30", "In 30 days"), ("90", "In 90 days"), ("365", "In a year"), ("", "Never")]


class PersonalTokenForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_LENGTH,
        help_text="What it is for, to recognise it later (e.g. “Laptop script”).",
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only what it needs: a token never does more than its person may.",
    )
    expires = forms.ChoiceField(choices=EXPIRY_CHOICES, required=False, initial="90")

    def expires_at(self, now: datetime) -> datetime | None:
        days = self.cleaned_data.get("expires") or ""
        return now + timedelta(days=int(days)) if days else None


class ApplicationTokenForm(PersonalTokenForm):
    role = forms.ChoiceField(
        choices=[(role.value, role.value) for role in APPLICATION_ROLES],
        help_text="The service account's role: the least the integration needs.",
    )
