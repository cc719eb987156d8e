"""The forms of consent pages, shared by the portal and the staff pages: reading a text
and agreeing to it (online, or signing on the clinic's tablet), a practitioner's note of
a verbal consent, the desk's record of a privacy consent. Rules are the services'; these
only read the request."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import QueryDict

from rehabdesk.consents.choices import ConsentChannel, SensitiveArea, TreatmentTopic
from rehabdesk.consents.errors import ConsentError


class AgreeForm(forms.Form):
    """The patient read a text version (`text`) and agrees; on the tablet they sign by
    typing their name; for sensitive areas they tick the areas."""

    text = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    areas = forms.MultipleChoiceField(
        choices=SensitiveArea.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Areas you agree to have treated today",
    )
    signed_name = forms.CharField(
        max_length=200,
        required=False,
        label="Type your full name to sign",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    agreed = forms.BooleanField(
        required=False, label="I have read this and I agree to this treatment"
    )

    def __init__(self, *args: Any, sign: bool, areas: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not sign:
            del self.fields["signed_name"]
        if not areas:
            del self.fields["areas"]

    def refuse(self, error: ConsentError, *, current_text_id: int) -> None:
        """Show the refusal; the page then shows (and asks agreement to) the version
        published now, should the one read have been replaced meanwhile."""
        self.add_error(error.field if error.field in self.fields else None, error.message)
        data = cast("QueryDict", self.data).copy()
        data["text"] = str(current_text_id)
        self.data = data


class VerbalForm(forms.Form):
    """A practitioner's record of the consent a patient gave in words."""

    topic = forms.ChoiceField(
        label="Consent to",
        choices=[
            (topic.value, topic.label)
            for topic in TreatmentTopic
            if topic != TreatmentTopic.SENSITIVE_AREAS
        ],
    )
    note = forms.CharField(
        label="Your note of what you went through with the patient",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def refuse(self, error: ConsentError) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)


class PrivacyAtDeskForm(forms.Form):
    notice = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    channel = forms.ChoiceField(
        label="How the patient agreed",
        choices=[
            (ConsentChannel.STAFF.value, "Read the notice on this screen and agreed"),
            (ConsentChannel.PAPER.value, "Signed the paper form"),
        ],
        widget=forms.RadioSelect,
    )

    def refuse(self, error: ConsentError) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)

    def show_notice(self, notice_id: int) -> None:
        """Ask agreement to this version next: the one published now."""
        data = cast("QueryDict", self.data).copy()
        data["notice"] = str(notice_id)
        self.data = data
