"""The day a staff page shows (?day=YYYY-MM-DD): a date in the calendar's range, or a
form error and today."""

from __future__ import annotations

from datetime import date

from django import forms

from rehabdesk.web.forms import DateInput, in_calendar_range


class DayForm(forms.Form):
    day = forms.DateField(
        label="Day", required=False, widget=DateInput, validators=[in_calendar_range]
    )

    def day_or(self, today: date) -> date:
        """The day asked for, when it reads; else `today`."""
        if self.is_bound and self.is_valid() and self.cleaned_data["day"] is not None:
            return self.cleaned_data["day"]
        return today
