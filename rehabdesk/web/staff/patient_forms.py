"""Forms of the staff patient pages: the shape of input only; patients.services
checks the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from rehabdesk.clinic.selectors import (
    practitioners_active,
    services_active,
    services_active_in_disciplines_of,
)
from rehabdesk.patients.choices import FamilyRelationship
from rehabdesk.patients.models import Coverage
from rehabdesk.web.forms import PatientForm


class NewPatientForm(PatientForm):
    confirm_not_duplicate = forms.BooleanField(
        required=False, label="I have checked: this is a different person from those listed."
    )


class CoverageForm(forms.ModelForm):
    class Meta:
        model = Coverage
        fields = [
            "insurer",
            "policy_number",
            "member_id",
            "plan_holder_name",
            "relationship_to_holder",
            "active",
        ]


class FamilyLinkForm(forms.Form):
    guardian = forms.IntegerField(widget=forms.HiddenInput)
    relationship = forms.ChoiceField(choices=FamilyRelationship.choices)
    manages_bookings = forms.BooleanField(
        required=False, initial=True, label="Manages their bookings"
    )


class CareAssignmentForm(forms.Form):
    practitioner = forms.ModelChoiceField(queryset=practitioners_active())
    reason = forms.CharField(max_length=200, required=False)


class DeactivateForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why (for the record)")


# A search is a name or two, a phone number, an e-mail: a longer one is not a search
# anyone typed, and each word adds a condition to the query.
SEARCH_LENGTH = 100
SEARCH_WORDS = 6


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        label="Name, phone or e-mail",
        max_length=SEARCH_LENGTH,
        error_messages={"max_length": f"Search with at most {SEARCH_LENGTH} characters."},
    )
    born = forms.DateField(
        required=False, label="Date of birth", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_q(self) -> str:
        text: str = self.cleaned_data["q"]
        if len(text.split()) > SEARCH_WORDS:
            raise forms.ValidationError(f"Search with at most {SEARCH_WORDS} words.")
        return text


class BookAtForm(PatientSearchForm):
    """Booking a time picked on the schedule: which service, and who is calling."""

    service = forms.ModelChoiceField(
        queryset=services_active(), empty_label="Choose a service", label="Service"
    )
    field_order = ["service", "q", "born"]

    def __init__(self, *args: Any, practitioner_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The services of the practitioner's disciplines: a physiotherapist's free time
        # is not offered for a massage.
        self.fields["service"].queryset = services_active_in_disciplines_of(  # type: ignore[attr-defined]
            practitioner_id=practitioner_id
        )
