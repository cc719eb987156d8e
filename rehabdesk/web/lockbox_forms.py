"""The lockbox's forms, for the portal and the desk: a directive (what, from whom), an
opening (why), the privacy officer's review (the finding, a note). Each refusal of the
consents services is shown on its field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from django import forms
from django.utils import timezone

from rehabdesk.clinic.models import Practitioner
from rehabdesk.consents.choices import (
    ConsentChannel,
    DirectiveMode,
    DirectiveScope,
    OverrideKind,
    OverrideReview,
)
from rehabdesk.consents.errors import ConsentError
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.models import Appointment


class ServiceErrors(forms.Form):
    def refuse(self, error: ConsentError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)


def visit_label(visit: Appointment) -> str:
    start = timezone.localtime(visit.start, visit.location.zone)
    who = visit.practitioner.display_name
    return f"{start:%b} {start.day}, {start:%Y} — {visit.service.name} with {who}"


class DirectiveForm(ServiceErrors):
    """What to withhold, and from whom. `patients`: whom the signed-in user may set it
    for (a choice when more than one); `visits`: each patient's past visits."""

    patient = forms.TypedChoiceField(label="Whose record", coerce=int)
    scope = forms.ChoiceField(
        label="What to withhold",
        choices=DirectiveScope.choices,
        widget=forms.RadioSelect,
        initial=DirectiveScope.RECORD,
    )
    visit = forms.TypedChoiceField(
        label="Which visit (if you withhold one visit)",
        coerce=int,
        required=False,
        empty_value=None,
    )
    mode = forms.ChoiceField(
        label="From whom",
        choices=DirectiveMode.choices,
        widget=forms.RadioSelect,
        initial=DirectiveMode.FROM_NAMED,
    )
    practitioners = forms.TypedMultipleChoiceField(
        label="The practitioners",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: object,
        patients: Sequence[Patient],
        visits: dict[int, list[Appointment]],
        practitioners: Sequence[Practitioner],
        channel: bool = False,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["patient"]).choices = [
            (p.pk, p.full_name) for p in patients
        ]
        if len(patients) == 1:
            self.fields["patient"].initial = patients[0].pk
            self.fields["patient"].widget = forms.HiddenInput()
        many = len(patients) > 1
        cast(forms.ChoiceField, self.fields["visit"]).choices = [("", "—")] + [
            (v.pk, f"{p.first_name}: {visit_label(v)}" if many else visit_label(v))
            for p in patients
            for v in visits.get(p.pk, [])
        ]
        cast(forms.ChoiceField, self.fields["practitioners"]).choices = [
            (p.pk, p.display_name) for p in practitioners
        ]
        if channel:
            self.fields["channel"] = forms.ChoiceField(
                label="How the patient gave it",
                choices=[
                    (ConsentChannel.STAFF, "In person, at the desk"),
                    (ConsentChannel.PAPER, "Signed on paper"),
                ],
                widget=forms.RadioSelect,
            )


class OpeningForm(ServiceErrors):
    kind = forms.ChoiceField(label="How", choices=OverrideKind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Why you need it now",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The privacy officer reads it, and the patient can.",
    )

    def __init__(self, *args: object, kinds: Sequence[OverrideKind], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["kind"]).choices = [(k.value, k.label) for k in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0].value
            self.fields["kind"].widget = forms.HiddenInput()


class EmergencyLookupForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=80)
    last_name = forms.CharField(label="Last name", max_length=80)
    born_on = forms.DateField(label="Date of birth", widget=forms.DateInput(attrs={"type": "date"}))


class ReviewForm(ServiceErrors):
    review = forms.ChoiceField(
        label="Finding", choices=OverrideReview.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label="Note", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
