"""Forms of the online booking pages: the shape of the input only; the online services
decide (rehabdesk.online.services)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from rehabdesk.online.services import NewPatient


class NewPatientForm(forms.Form):
    first_name = forms.CharField(
        max_length=80, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=80, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    date_of_birth = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        help_text="As on your health card.",
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate() or born.year < 1900:
            raise forms.ValidationError("Please enter your date of birth.")
        return born

    def details(self) -> NewPatient:
        return NewPatient(**self.cleaned_data)


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="Code",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "The code is six digits."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        help_text="Six digits, from the e-mail we just sent.",
    )


class TermsForm(forms.Form):
    """The review page's consent: the box ticked, and the notice version it was next to
    (online_terms_accept refuses a version no longer current)."""

    consent = forms.ChoiceField(choices=[("yes", "yes")])
    notice = forms.IntegerField(required=False)
