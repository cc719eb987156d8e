"""The guide's forms, built from the rule set: one step's questions (yes / no / not
sure, a choice, a number), each with its plain-language text and help. The shape of
the input only; whether the answers are complete and fit together is the rules'
(check_answers), read back onto the questions as errors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms

from rehabdesk.guidance.rules import Problem, RuleSet

YES_NO = (("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure"))
ANSWER_NEEDED = "Please answer this question."
NUMBER_KINDS = {"number", "int", "integer"}
CHOICE_KINDS = {"choice", "choices", "single_choice", "one_of"}


def _choices(question: Any) -> list[tuple[str, str]]:
    """A choice question's (code, text) pairs, in the rule set's order."""
    pairs = []
    for choice in question.choices or ():
        if isinstance(choice, (tuple, list)):
            pairs.append((str(choice[0]), str(choice[1])))
        else:
            code = getattr(choice, "code", choice)
            pairs.append((str(code), str(getattr(choice, "text", getattr(choice, "label", code)))))
    return pairs


def _bound(question: Any, *names: str) -> int | None:
    for name in names:
        value = getattr(question, name, None)
        if value is not None:
            return int(value)
    return None


def conditional(question: Any) -> bool:
    """A question asked only after another's answer (pregnancy_high_risk after pregnant)."""
    return bool(getattr(question, "shown_when", None))


def _field(question: Any) -> forms.Field:
    required = not conditional(question)
    errors = {"required": ANSWER_NEEDED, "invalid_choice": ANSWER_NEEDED}
    common: dict[str, Any] = {
        "label": question.text,
        "help_text": question.help or "",
        "required": required,
    }
    if question.kind in NUMBER_KINDS:
        return forms.IntegerField(
            min_value=_bound(question, "min", "minimum", "min_value"),
            max_value=_bound(question, "max", "maximum", "max_value"),
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            error_messages={**errors, "invalid": "Please enter a whole number."},
            **common,
        )
    choices = _choices(question) if question.kind in CHOICE_KINDS else list(YES_NO)
    return forms.ChoiceField(
        choices=choices, widget=forms.RadioSelect, error_messages=errors, **common
    )


class StepForm(forms.Form):
    """One step of the guide: its questions, in the rule set's order."""

    def __init__(
        self,
        ruleset: RuleSet,
        step: str,
        data: Mapping[str, Any] | None = None,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial, auto_id="q-%s")
        self.step = step
        self.codes: list[str] = []
        for question in ruleset.questions:
            if question.step == step:
                self.fields[question.code] = _field(question)
                self.fields[question.code].conditional = conditional(question)  # type: ignore[attr-defined]
                self.codes.append(question.code)

    def answers(self) -> dict[str, str | int]:
        """What the visitor answered on this step (a question left blank is left out)."""
        return {
            code: value
            for code, value in self.cleaned_data.items()
            if value is not None and value != ""
        }

    def add_problems(self, problems: Iterable[Problem]) -> list[Problem]:
        """The rules' problems with this step's questions, as their errors; the others
        (a question of an earlier step) are given back."""
        others = []
        for problem in problems:
            if problem.code in self.fields and problem.code not in self.errors:
                missing = problem.kind == "missing"
                self.add_error(problem.code, ANSWER_NEEDED if missing else problem.message)
            elif problem.code not in self.fields:
                others.append(problem)
        return others
