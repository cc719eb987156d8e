"""Forms of the desk and hours pages: they check the shape of input; clinic.services
checks the rules (opening hours, overlaps, travel time)."""

from __future__ import annotations

from datetime import date, time
from typing import Any, cast

from django import forms

from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models import Location, TimeOff, WorkingHours
from rehabdesk.clinic.selectors import locations_active
from rehabdesk.clinic.services import TimeSpan
from rehabdesk.web.forms import in_calendar_range

BREAKS = (1, 2)


class LocationChoiceForm(forms.Form):
    location = forms.ChoiceField(label="Location")

    def __init__(self, *args: Any, locations: list[Location], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["location"])
        field.choices = [(loc.slug, loc.name) for loc in locations]


def _time() -> forms.TimeField:
    return forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))


def _optional_time(label: str) -> forms.TimeField:
    return forms.TimeField(
        required=False,
        label=label,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[in_calendar_range],
    )


class ShiftForm(forms.Form):
    """A weekly shift with up to two breaks. Field names are the model's, so a
    ClinicError's `field` lands next to its input."""

    shift_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    location = forms.ModelChoiceField(queryset=locations_active())
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    starts = _time()
    ends = _time()
    effective_from = _date(
        "Takes effect from",
        help_text="Today or later: the days before keep the hours they had.",
    )
    effective_until = _date(
        "Effective until", required=False, help_text="Last day these hours apply; empty: no end."
    )
    break_1_starts = _optional_time("Break 1 starts")
    break_1_ends = _optional_time("Break 1 ends")
    break_2_starts = _optional_time("Break 2 starts")
    break_2_ends = _optional_time("Break 2 ends")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts"].label = "Starts"
        self.fields["ends"].label = "Ends"

    @classmethod
    def for_shift(cls, shift: WorkingHours, *, today: date) -> ShiftForm:
        """The shift's values, to change from today on (or from its first day, later)."""
        initial: dict[str, Any] = {
            "shift_id": shift.pk,
            "location": shift.location_id,
            "weekday": shift.weekday,
            "starts": shift.starts,
            "ends": shift.ends,
            "effective_from": max(today, shift.effective_from),
            "effective_until": shift.effective_until,
        }
        for n, pause in zip(BREAKS, shift.breaks.all(), strict=False):
            initial[f"break_{n}_starts"] = pause.starts
            initial[f"break_{n}_ends"] = pause.ends
        return cls(initial=initial)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in BREAKS:
            starts, ends = data.get(f"break_{n}_starts"), data.get(f"break_{n}_ends")
            if (starts is None) != (ends is None):
                self.add_error(f"break_{n}_ends", "Give both the start and the end of the break.")
        return data

    def breaks(self) -> list[TimeSpan]:
        spans = []
        for n in BREAKS:
            starts: time | None = self.cleaned_data.get(f"break_{n}_starts")
            ends: time | None = self.cleaned_data.get(f"break_{n}_ends")
            if starts is not None and ends is not None:
                spans.append(TimeSpan(starts, ends))
        return spans

    def fill(self, shift: WorkingHours) -> WorkingHours:
        """Copy the form onto a new or stored shift (not saved)."""
        for name in ("location", "weekday", "starts", "ends", "effective_from", "effective_until"):
            setattr(shift, name, self.cleaned_data[name])
        return shift


class EndShiftForm(forms.Form):
    """Remove a shift from a day on (the days before keep it)."""

    shift_id = forms.IntegerField(widget=forms.HiddenInput)
    from_day = _date("Remove from", help_text="Today or later: the days before keep this shift.")

    @classmethod
    def for_shift(cls, shift: WorkingHours, *, today: date) -> EndShiftForm:
        return cls(initial={"shift_id": shift.pk, "from_day": max(today, shift.effective_from)})


class TimeOffForm(forms.ModelForm):
    class Meta:
        model = TimeOff
        fields = ["starts_at", "ends_at", "reason"]
        labels = {"starts_at": "Away from", "ends_at": "Back at", "reason": "Reason (staff only)"}
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        help_texts = {"reason": ""}
