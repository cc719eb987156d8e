"""Forms check the shape of input; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from rehabdesk.clinic.models import Practitioner
from rehabdesk.patients.choices import FamilyRelationship
from rehabdesk.patients.models import Coverage, Patient


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "first_name",
            "last_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "email",
            "phone",
            "alternate_phone",
            "street_address",
            "city",
            "province",
            "postal_code",
            "emergency_contact_name",
            "emergency_contact_relationship",
            "emergency_contact_phone",
            "family_doctor_name",
            "family_doctor_clinic",
            "family_doctor_phone",
            "contact_by_email",
            "contact_by_sms",
            "contact_by_phone",
            "preferred_language",
        ]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(
                "Give a phone number or an e-mail address so we can reach them."
            )
        return data


class ProfileForm(PatientForm):
    """What patients keep up to date themselves in the portal. Their name, date of
    birth and e-mail address (their sign-in) are changed by the front desk."""

    class Meta(PatientForm.Meta):
        fields = [
            name
            for name in PatientForm.Meta.fields
            if name not in {"first_name", "last_name", "date_of_birth", "email"}
        ]
        labels = {"preferred_name": "Name you like to be called"}

    def clean(self) -> dict[str, Any]:
        data = forms.ModelForm.clean(self) or {}
        if not data.get("phone") and not self.instance.email:
            raise forms.ValidationError("Give a phone number so we can reach you.")
        return data


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
    practitioner = forms.ModelChoiceField(queryset=Practitioner.objects.filter(active=True))
    reason = forms.CharField(max_length=200, required=False)


class DeactivateForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why (for the record)")


class PatientSearchForm(forms.Form):
    q = forms.CharField(required=False, label="Name, phone or e-mail")
    born = forms.DateField(
        required=False, label="Date of birth", widget=forms.DateInput(attrs={"type": "date"})
    )
