"""The treatment plan's forms: the plan itself (problems, when to reassess, discharge
criteria) with its goals, courses of visits and measures as rows, and the discharge.

Forms check the shape of input — a goal has a target date, a course's numbers are whole
and in range — and the plans services decide the rest (a plan longer than a year, a
service of another discipline). Rows left blank are ignored, so a practitioner fills in
as many goals, courses and measures as the plan has; clearing a row removes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, cast

from django import forms
from django.http import QueryDict

from rehabdesk.clinic.selectors import locations_active, practitioners_active, services_active
from rehabdesk.core.bounds import MAX_ID
from rehabdesk.outcomes.scoring import INSTRUMENT_CHOICES
from rehabdesk.plans.choices import DischargeReason, GoalOutcome
from rehabdesk.plans.models import MAX_PLAN_WEEKS
from rehabdesk.web.forms import DateInput, in_calendar_range

# The most rows of each kind a plan takes (a hostile form cannot ask for thousands).
MAX_GOALS = 10
MAX_COURSES = 6
MAX_MEASURES = 7
PROBLEMS_MAX = 4000
TEXT_MAX = 2000


class PlanForm(forms.Form):
    """The plan's own fields; `revision` is the one the page was written on."""

    problems = forms.CharField(
        label="The problems the plan addresses",
        help_text="One per line, as the assessment found them.",
        max_length=PROBLEMS_MAX,
        error_messages={"required": "Write at least one problem."},
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    starts_on = forms.DateField(label="Starts on", widget=DateInput, validators=[in_calendar_range])
    reassess_on = forms.DateField(
        label="Reassess on", required=False, widget=DateInput, validators=[in_calendar_range]
    )
    reassess_after_visits = forms.IntegerField(
        label="or after this many visits", required=False, min_value=1, max_value=100
    )
    discharge_criteria = forms.CharField(
        label="Discharge criteria",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    revision = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_ID
    )
    note = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID
    )

    def clean_problems(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["problems"].splitlines()]
        problems = [line for line in lines if line]
        if not problems:
            raise forms.ValidationError("Write at least one problem.")
        return problems

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reassess_on: date | None = data.get("reassess_on")
        starts_on: date | None = data.get("starts_on")
        if reassess_on is None and data.get("reassess_after_visits") is None:
            if "reassess_on" not in self.errors and "reassess_after_visits" not in self.errors:
                self.add_error(
                    "reassess_on", "Say when to reassess: a date, a number of visits, or both."
                )
        elif reassess_on and starts_on and reassess_on < starts_on:
            self.add_error("reassess_on", "Reassess on or after the day the plan starts.")
        return data


class GoalForm(forms.Form):
    text = forms.CharField(label="Goal", max_length=300)
    instrument = forms.ChoiceField(
        label="Measured by", required=False, choices=[("", "No measure"), *INSTRUMENT_CHOICES]
    )
    target = forms.DecimalField(
        label="Target score", required=False, max_digits=7, decimal_places=2
    )
    target_on = forms.DateField(
        label="Target date", required=False, widget=DateInput, validators=[in_calendar_range]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("target_on") and "target_on" not in self.errors:
            self.add_error("target_on", "Give the goal a target date.")
        if data.get("target") is not None and not data.get("instrument"):
            self.add_error("instrument", "Choose the measure the target score is on.")
        return data


class CourseForm(forms.Form):
    """N visits every M weeks for W weeks, with this service, practitioner and place;
    `id` the course it changes (a plan's bookings stay with their course)."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID)

    service = forms.ModelChoiceField(queryset=services_active(), empty_label="Choose a service")
    practitioner = forms.ModelChoiceField(
        queryset=practitioners_active(), empty_label="Choose a practitioner"
    )
    location = forms.ModelChoiceField(queryset=locations_active(), empty_label="Choose a location")
    visits = forms.IntegerField(label="Visits", min_value=1, max_value=7, initial=2)
    every_weeks = forms.IntegerField(label="every … weeks", min_value=1, max_value=8, initial=1)
    weeks = forms.IntegerField(
        label="for … weeks",
        min_value=1,
        initial=6,
        error_messages={"max_value": "A plan runs a year at most (52 weeks)."},
        max_value=MAX_PLAN_WEEKS,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Re-read per form, so a service added today is offered without a restart.
        self.fields["service"].queryset = services_active()  # type: ignore[attr-defined]
        self.fields["practitioner"].queryset = practitioners_active()  # type: ignore[attr-defined]
        self.fields["location"].queryset = locations_active()  # type: ignore[attr-defined]

    def has_changed(self) -> bool:
        # The numbers come filled in on a blank row: a row is used once it names
        # something (a service, a practitioner or a place).
        return any(self[name].data for name in ("service", "practitioner", "location"))


class MeasureForm(forms.Form):
    instrument = forms.ChoiceField(
        label="Measure", choices=[("", "Choose a measure"), *INSTRUMENT_CHOICES]
    )
    at_start = forms.BooleanField(label="At the start", required=False, initial=True)
    every_visits = forms.IntegerField(
        label="Every … visits", required=False, min_value=1, max_value=50
    )
    at_discharge = forms.BooleanField(label="At discharge", required=False, initial=True)

    def has_changed(self) -> bool:
        return bool(self["instrument"].data)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("at_start") or data.get("every_visits") or data.get("at_discharge")):
            self.add_error(
                "every_visits",
                "Say when to ask it: at the start, every few visits or at discharge.",
            )
        return data


class RowsFormSet(forms.BaseFormSet):
    """Rows of which any may be left blank (and is then ignored), however the page was
    filled in: a row cleared on an edit is a row removed."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "empty_permitted": True}

    def rows(self) -> list[dict[str, Any]]:
        """The cleaned rows that were filled in, in order."""
        return [
            form.cleaned_data for form in self.forms if form.has_changed() and form.cleaned_data
        ]


def _rows(form: type[forms.Form], most: int) -> type[RowsFormSet]:
    return cast(
        type[RowsFormSet],
        forms.formset_factory(
            form,
            formset=RowsFormSet,
            extra=0,
            max_num=most,
            absolute_max=most,
            validate_max=True,
        ),
    )


GoalRows = _rows(GoalForm, MAX_GOALS)
CourseRows = _rows(CourseForm, MAX_COURSES)
MeasureRows = _rows(MeasureForm, MAX_MEASURES)
# Blank rows the page offers below the filled ones.
BLANK = {"goals": 2, "courses": 1, "measures": 1}
MORE = "more"  # the button asking for blank rows again, nothing saved


class PlanForms:
    """The plan form and its three kinds of rows, as one page holds them: unbound (a
    new plan, or the plan to edit, with blank rows below), or bound to what was posted.
    Posted with "More rows", the page comes back as typed with its blank rows again
    below the filled ones, nothing checked and nothing saved."""

    plan: PlanForm
    goals: RowsFormSet
    courses: RowsFormSet
    measures: RowsFormSet

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        initial: Mapping[str, Any] | None = None,
        goals: Sequence[Mapping[str, Any]] = (),
        courses: Sequence[Mapping[str, Any]] = (),
        measures: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        self.more = data is not None and MORE in data
        if data is not None and self.more:
            posted = PlanForms(_without(data, MORE))
            initial = _values(posted.plan)
            goals, courses, measures = (
                [_values(form) for form in rows.forms if form.has_changed()]
                for rows in (posted.goals, posted.courses, posted.measures)
            )
            data = None
        self.plan = PlanForm(data, initial=dict(initial) if initial else None)
        self.goals = _formset(GoalRows, data, "goals", goals, BLANK["goals"])
        self.courses = _formset(CourseRows, data, "courses", courses, BLANK["courses"])
        self.measures = _formset(MeasureRows, data, "measures", measures, BLANK["measures"])

    def is_valid(self) -> bool:
        if self.more:
            return False
        # Every part checked, not just up to the first with errors: the page marks all.
        checked = [f.is_valid() for f in (self.plan, self.goals, self.courses, self.measures)]
        valid = all(checked)
        if valid and not self.goals.rows():
            self.plan.add_error(None, "Write at least one goal.")
            return False
        if valid and not self.courses.rows():
            self.plan.add_error(None, "Plan at least one course of visits.")
            return False
        return valid

    @property
    def error_count(self) -> int:
        if not self.plan.is_bound:
            return 0
        count = len(self.plan.errors)
        for rows in (self.goals, self.courses, self.measures):
            count += sum(len(errors) for errors in rows.errors) + len(rows.non_form_errors())
        return count


def _formset(
    kind: type[RowsFormSet],
    data: QueryDict | None,
    prefix: str,
    initial: Sequence[Mapping[str, Any]],
    blank: int,
) -> RowsFormSet:
    if data is not None:
        return kind(data, prefix=prefix)
    rows = kind(prefix=prefix, initial=list(initial))
    rows.extra = blank  # below the filled rows, within the formset's maximum
    return rows


def _values(form: forms.Form) -> dict[str, Any]:
    """A bound form's values as typed, to show again unchecked."""
    return {name: form[name].value() for name in form.fields}


def _without(data: QueryDict, key: str) -> QueryDict:
    rest = data.copy()
    rest.pop(key, None)
    return rest


class DischargeForm(forms.Form):
    """Why the plan ends, how each goal went, and the summary."""

    reason = forms.ChoiceField(
        label="Why the plan ends", choices=DischargeReason.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label="Discharge summary",
        max_length=TEXT_MAX * 2,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The care given, where the patient is now, and advice for after.",
    )

    def __init__(self, *args: Any, goals: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goal_ids = [goal.pk for goal in goals]
        for goal in goals:
            self.fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                label=goal.text, choices=GoalOutcome.choices, widget=forms.RadioSelect
            )

    def goal_fields(self) -> list[forms.BoundField]:
        return [self[f"goal_{pk}"] for pk in self.goal_ids]

    def outcomes(self) -> dict[int, GoalOutcome]:
        return {pk: GoalOutcome(self.cleaned_data[f"goal_{pk}"]) for pk in self.goal_ids}
