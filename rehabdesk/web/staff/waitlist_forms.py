"""Forms of the desk's waitlist page: which entries to list. The shape of input only;
scheduling.services decides what may be offered or removed."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from rehabdesk.clinic.models import Location
from rehabdesk.clinic.selectors import services_active

ALL = ""


class WaitlistFilterForm(forms.Form):
    """The waitlist at one location (or all), for one service (or all)."""

    location = forms.ChoiceField(label="Location", required=False)
    service = forms.ModelChoiceField(
        queryset=services_active(), required=False, empty_label="All services", label="Service"
    )

    def __init__(self, *args: Any, locations: list[Location], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["location"])
        field.choices = [(ALL, "All locations"), *((loc.slug, loc.name) for loc in locations)]
        self.fields["service"].queryset = services_active()  # type: ignore[attr-defined]
