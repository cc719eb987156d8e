"""Forms of the practitioner's safety pages: add an alert by hand, clear one, decide a
red flag. The rules (a reason given, known levels) are the safety services'; these
check the input's shape."""

from __future__ import annotations

from django import forms

from rehabdesk.safety.choices import AlertLevel, RedFlagDecision
from rehabdesk.safety.modalities import MODALITIES

REASON_MAX = 2000


class AlertAddForm(forms.Form):
    level = forms.ChoiceField(choices=AlertLevel.choices, widget=forms.RadioSelect)
    modalities = forms.MultipleChoiceField(
        choices=list(MODALITIES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Treatments it concerns",
        help_text="A do-not-treat alert holds bookings of services using these.",
    )
    reason = forms.CharField(
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason, in the clinic's words",
    )


class AlertClearForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why it no longer applies (for the record)",
    )


class ReviewDecideForm(forms.Form):
    decision = forms.ChoiceField(choices=RedFlagDecision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason (part of the clinical record)",
    )
