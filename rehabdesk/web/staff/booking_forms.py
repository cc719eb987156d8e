"""Forms for booking by phone and for the appointment page: the shape of the input
only; the scheduling services decide what may be booked, moved or cancelled."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.selectors import locations_active, practitioners_active, services_active
from rehabdesk.core.bounds import moment_within_bounds
from rehabdesk.scheduling.choices import CancelledBy, DayPart
from rehabdesk.scheduling.services import MAX_WEEKS
from rehabdesk.web.forms import DateInput, in_calendar_range

ANY_PART = ""
PART_CHOICES = [(ANY_PART, "Any time of day"), *DayPart.choices]
SERIES_ROWS = 3


class TimeInput(forms.TimeInput):
    input_type = "time"


class FindTimesForm(forms.Form):
    """What the caller wants: the finder lists the next free times that fit."""

    service = forms.ModelChoiceField(queryset=services_active(), empty_label="Choose a service")
    location = forms.ModelChoiceField(
        queryset=locations_active(), required=False, empty_label="Any location"
    )
    practitioner = forms.ModelChoiceField(
        queryset=practitioners_active(), required=False, empty_label="Anyone"
    )
    part = forms.ChoiceField(choices=PART_CHOICES, required=False, label="Part of day")
    start = forms.DateField(
        required=False, label="From", widget=DateInput, validators=[in_calendar_range]
    )

    def __init__(self, *args: Any, with_service: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_service:
            del self.fields["service"]
        self.fields["start"].initial = timezone.localdate()
        # Querysets are re-evaluated per form, so a new service appears without a restart.
        for name, queryset in (
            ("service", services_active()),
            ("location", locations_active()),
            ("practitioner", practitioners_active()),
        ):
            if name in self.fields:
                self.fields[name].queryset = queryset  # type: ignore[attr-defined]


class PickedTimeForm(forms.Form):
    """A free time chosen from the finder, carried to the confirmation and booked.

    With `overlap` (the front desk, once told the patient already has a visit then): a
    box to book it over that visit on purpose, and the reason, which goes on file."""

    practitioner = forms.ModelChoiceField(queryset=practitioners_active(), widget=forms.HiddenInput)
    location = forms.ModelChoiceField(queryset=locations_active(), widget=forms.HiddenInput)
    start = forms.CharField(widget=forms.HiddenInput)
    service = forms.ModelChoiceField(
        queryset=services_active(), widget=forms.HiddenInput, required=False
    )
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)
    note = forms.CharField(
        required=False,
        max_length=500,
        label="Note for the front desk",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, overlap: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if overlap:
            self.fields["overlap"] = forms.BooleanField(
                required=False, label="Book anyway: these visits overlap on purpose"
            )
            self.fields["overlap_reason"] = forms.CharField(
                required=False,
                max_length=200,
                label="Why they overlap (kept with the appointment)",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("overlap") and not data.get("overlap_reason", "").strip():
            self.add_error("overlap_reason", "Say why the visits overlap.")
        return data

    def overlap_reason(self) -> str:
        """The reason to book over the patient's other visit, when the box is ticked."""
        data = self.cleaned_data
        return str(data.get("overlap_reason", "")).strip() if data.get("overlap") else ""

    def clean_start(self) -> datetime:
        text = self.cleaned_data["start"]
        try:
            start = datetime.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError("Choose a time from the list.") from None
        if start.tzinfo is None or not moment_within_bounds(start):
            raise forms.ValidationError("Choose a time from the list.")
        return start

    def clean_key(self) -> str | None:
        key: str = self.cleaned_data.get("key") or ""
        return key if 8 <= len(key) <= 80 else None


class CancelForm(forms.Form):
    by = forms.ChoiceField(
        choices=CancelledBy.choices,
        initial=CancelledBy.PATIENT,
        widget=forms.RadioSelect,
        label="Who is cancelling",
    )
    reason = forms.CharField(required=False, max_length=200, label="Reason (for the record)")
    waive_fee = forms.BooleanField(required=False, label="Waive the late-cancellation fee")

    def __init__(self, *args: Any, desk: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not desk:
            # Only the front desk cancels for the clinic or waives a fee.
            del self.fields["by"]
            del self.fields["waive_fee"]

    def terms(self) -> tuple[CancelledBy, bool]:
        data = self.cleaned_data
        return CancelledBy(data.get("by", CancelledBy.PATIENT)), bool(data.get("waive_fee"))


class NoShowForm(forms.Form):
    waive_fee = forms.BooleanField(required=False, label="Waive the no-show fee")


class SeriesForm(forms.Form):
    """A weekly pattern of up to three weekday-and-time pairs, for a number of weeks."""

    service = forms.ModelChoiceField(queryset=services_active(), empty_label="Choose a service")
    practitioner = forms.ModelChoiceField(
        queryset=practitioners_active(), empty_label="Choose a practitioner"
    )
    location = forms.ModelChoiceField(queryset=locations_active(), empty_label="Choose a location")
    first_day = forms.DateField(widget=DateInput, label="First day", validators=[in_calendar_range])
    weeks = forms.IntegerField(min_value=1, max_value=MAX_WEEKS, initial=6)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(1, SERIES_ROWS + 1):
            self.fields[f"weekday_{row}"] = forms.TypedChoiceField(
                choices=[("", "—"), *Weekday.choices],
                coerce=int,
                empty_value=None,
                required=row == 1,
                label=f"Weekday {row}",
            )
            self.fields[f"time_{row}"] = forms.TimeField(
                required=row == 1, widget=TimeInput, label=f"Time {row}"
            )
        self.fields["service"].queryset = services_active()  # type: ignore[attr-defined]
        self.fields["practitioner"].queryset = practitioners_active()  # type: ignore[attr-defined]
        self.fields["location"].queryset = locations_active()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in range(1, SERIES_ROWS + 1):
            if (data.get(f"weekday_{row}") is None) != (data.get(f"time_{row}") is None):
                self.add_error(f"time_{row}", "Give both a weekday and a time, or neither.")
        return data

    def pattern(self) -> list[tuple[int, Any]]:
        data = self.cleaned_data
        return [
            (data[f"weekday_{row}"], data[f"time_{row}"])
            for row in range(1, SERIES_ROWS + 1)
            if data.get(f"weekday_{row}") is not None and data.get(f"time_{row}") is not None
        ]

    def pattern_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"weekday_{row}"], self[f"time_{row}"]) for row in range(1, SERIES_ROWS + 1)]
