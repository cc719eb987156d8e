"""Forms more than one audience uses: a patient's details (the staff edit them all,
patients most of their own in the portal), a place on the waitlist (the desk adds a
caller, patients add themselves), and the choices both offer. Forms check the shape of
input; the services check the rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.selectors import (
    locations_active,
    practitioners_active,
    services_active,
    services_online,
)
from rehabdesk.core.bounds import EARLIEST_DAY, LATEST_DAY, day_within_bounds
from rehabdesk.core.phones import PhoneNumberInvalid, to_e164
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import DayPart
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.models import WaitlistEntry
from rehabdesk.scheduling.services import waitlist


def in_calendar_range(day: date) -> None:
    """A day a booking, schedule or wish may fall on (core/bounds.py): a date next to
    year 1 or 9999 overflows once a day is added to it. Dates of birth are not checked."""
    if not day_within_bounds(day):
        raise ValidationError(f"Choose a date from {EARLIEST_DAY.year} to {LATEST_DAY.year}.")


# How long a new place on the waitlist lasts unless the form says otherwise.
WAITING_DAYS = 30


class DateInput(forms.DateInput):
    input_type = "date"


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

    def clean_phone(self) -> str:
        return _e164_field(self.cleaned_data.get("phone", ""))

    def clean_alternate_phone(self) -> str:
        return _e164_field(self.cleaned_data.get("alternate_phone", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(
                "Give a phone number or an e-mail address so we can reach them."
            )
        return data


def _e164_field(raw: str) -> str:
    """A phone number as typed, kept in E.164 ("+14165550199", Canadian unless it says
    otherwise) so text messages can reach it; a form error when it is no number."""
    if not raw.strip():
        return ""
    try:
        return to_e164(raw)
    except PhoneNumberInvalid as error:
        raise forms.ValidationError(
            "Enter a phone number we can call or text, e.g. 416-555-0199."
        ) from error


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


class WaitlistForm(forms.Form):
    service = forms.ModelChoiceField(queryset=services_active(), empty_label="Choose a service")
    practitioner = forms.ModelChoiceField(
        queryset=practitioners_active(), required=False, empty_label="Anyone"
    )
    locations = forms.ModelMultipleChoiceField(
        queryset=locations_active(), widget=forms.CheckboxSelectMultiple
    )
    weekdays = forms.TypedMultipleChoiceField(
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any day.",
    )
    day_parts = forms.MultipleChoiceField(
        choices=DayPart.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Parts of day",
        help_text="None ticked: any time.",
    )
    valid_until = forms.DateField(
        widget=DateInput, label="Waiting until", validators=[in_calendar_range]
    )
    note = forms.CharField(required=False, max_length=200)

    def __init__(self, *args: Any, online: bool = False, **kwargs: Any) -> None:
        """`online`: offer only services patients may book online (the portal)."""
        super().__init__(*args, **kwargs)
        services = services_online() if online else services_active()
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
        self.fields["practitioner"].queryset = practitioners_active()  # type: ignore[attr-defined]
        locations = list(locations_active())
        self.fields["locations"].queryset = locations_active()  # type: ignore[attr-defined]
        self.fields["locations"].initial = [location.pk for location in locations]
        self.fields["valid_until"].initial = timezone.localdate() + timedelta(days=WAITING_DAYS)

    def join(self, *, patient: Patient, actor: Any, now: datetime) -> WaitlistEntry | None:
        """Put the patient on the waitlist as the valid form asks; a refusal becomes an
        error on the form (and None)."""
        data = self.cleaned_data
        try:
            return waitlist.waitlist_add(
                wish=waitlist.Wish(
                    patient=patient,
                    service=data["service"],
                    practitioner=data["practitioner"],
                    locations=list(data["locations"]),
                    weekdays=data["weekdays"],
                    day_parts=data["day_parts"],
                    valid_until=data["valid_until"],
                    note=data["note"],
                ),
                actor=actor,
                now=now,
            )
        except SchedulingError as refused:
            self.add_error(refused.field if refused.field in self.fields else None, refused.message)
            return None
