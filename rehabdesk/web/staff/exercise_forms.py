"""The forms of the practitioner's program editor (exercise_views.py): the program's
frequency, dates and notes, and one row per chosen exercise with its dosage. The
editor is one form posted to itself: "Search" and "Add" re-show it with what was typed,
"Save" asks the service. Bounds are the service's (exercises/services.py); here they
only shape the inputs."""

from __future__ import annotations

from typing import Any

from django import forms

from rehabdesk.exercises import services
from rehabdesk.exercises.choices import BodyRegion
from rehabdesk.exercises.models import Exercise

SESSION_CHOICES = [(n, f"{n} a day") for n in range(1, services.SESSIONS_PER_DAY[1] + 1)]
DAY_CHOICES = [(n, f"{n} day{'s' if n > 1 else ''} a week") for n in range(1, 8)]
NUMBER = {"inputmode": "numeric"}


class ProgramForm(forms.Form):
    sessions_per_day = forms.TypedChoiceField(
        label="Sessions a day", choices=SESSION_CHOICES, coerce=int, initial=1
    )
    days_per_week = forms.TypedChoiceField(
        label="Days a week", choices=DAY_CHOICES, coerce=int, initial=7
    )
    starts_on = forms.DateField(label="Starts on", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label="Ends on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for a program that runs until you stop it.",
    )
    notes = forms.CharField(
        label="Notes for the patient",
        required=False,
        max_length=services.NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, changing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if changing:
            # A program in force keeps its start: its past sessions count from it.
            del self.fields["starts_on"]


class ItemForm(forms.Form):
    """One chosen exercise: which, and its dosage (the library's defaults to start)."""

    exercise = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    sets = forms.IntegerField(
        label="Sets",
        min_value=services.SETS[0],
        max_value=services.SETS[1],
        widget=forms.NumberInput(attrs=NUMBER),
    )
    reps = forms.IntegerField(
        label="Reps",
        required=False,
        min_value=services.REPS[0],
        max_value=services.REPS[1],
        widget=forms.NumberInput(attrs=NUMBER),
    )
    hold_seconds = forms.IntegerField(
        label="Hold (s)",
        required=False,
        min_value=services.HOLD_SECONDS[0],
        max_value=services.HOLD_SECONDS[1],
        widget=forms.NumberInput(attrs=NUMBER),
    )
    notes = forms.CharField(label="Notes", required=False, max_length=services.ITEM_NOTES_MAX)


ItemFormSet = forms.formset_factory(
    ItemForm, extra=0, max_num=services.ITEMS_MAX, validate_max=True, absolute_max=50
)


class LibrarySearchForm(forms.Form):
    region = forms.ChoiceField(
        label="Body region",
        required=False,
        choices=[("", "All regions"), *BodyRegion.choices],
    )
    q = forms.CharField(label="Search the library", required=False, max_length=60)


def item_row(exercise: Exercise) -> dict[str, object]:
    """A new row for `exercise`, its dosage the library's defaults."""
    return {
        "exercise": exercise.pk,
        "sets": exercise.default_sets,
        "reps": exercise.default_reps,
        "hold_seconds": exercise.default_hold_seconds,
        "notes": "",
    }


def rows_posted(data: Any, prefix: str = "form") -> list[dict[str, Any]]:
    """The rows as typed (valid or not), to show again after "Search" or "Add"."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", "0")), services.ITEMS_MAX + 1)
    except ValueError:
        total = 0
    fields = ("exercise", "sets", "reps", "hold_seconds", "notes")
    return [
        {name: str(data.get(f"{prefix}-{i}-{name}", ""))[:400] for name in fields}
        for i in range(max(total, 0))
    ]
