"""The guide's forms, built from the rule set: one step's questions (yes / no / not
sure, a choice, a number), each with its plain-language text and help. The shape of
the input only; whether the answers are complete and fit together is the rules'
(check_answers), read back onto the questions as errors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from rehabdesk.guidance.rules import Problem, Question, QuestionKind, RuleSet

ANSWER_NEEDED = "Please answer this question."
WHOLE_NUMBER = "Please enter a whole number."
YES_NO_SHAPE = ("yes", "no", "not_sure")  # three answers fit side by side on a phone
DOES_NOT_APPLY = ("", "Does not apply to me")


def _only_when(question: Question, ruleset: RuleSet) -> str:
    """When a conditional question applies, in the visitor's words: "Only if you
    answered “Yes” to “Are you pregnant?”" (the rule file's condition names them)."""
    source = question.shown_when.source if question.shown_when is not None else {}
    code, value = source.get("answer"), source.get("equals")
    if not isinstance(code, str) or not ruleset.has_question(code):
        return ""
    other = ruleset.question(code)
    said = next((choice.text for choice in other.choices if choice.code == value), value)
    return f"Only if you answered “{said}” to “{other.text}”"


def _field(question: Question, ruleset: RuleSet) -> forms.Field:
    """A question's field. One asked only after another's answer (pregnancy_high_risk
    after pregnant) may be left blank here: the rules say when it is needed."""
    errors = {"required": ANSWER_NEEDED, "invalid_choice": ANSWER_NEEDED}
    common: dict[str, Any] = {
        "label": question.text,
        "help_text": question.help
        or (_only_when(question, ruleset) if question.shown_when is not None else ""),
        "required": question.shown_when is None,
    }
    if question.kind == QuestionKind.NUMBER:
        return forms.IntegerField(
            min_value=question.min,
            max_value=question.max,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            error_messages={**errors, "invalid": WHOLE_NUMBER},
            **common,
        )
    choices = [(choice.code, choice.text) for choice in question.choices]
    if question.shown_when is not None:
        # Without JavaScript the question is always on the page: a radio button cannot
        # be unticked, so "does not apply" is an answer of its own (sent as blank).
        choices = [(DOES_NOT_APPLY[0], DOES_NOT_APPLY[1]), *choices]
    return forms.ChoiceField(
        choices=choices,
        widget=forms.RadioSelect,
        error_messages=errors,
        **common,
    )


def _answer(code: str, value: str, text: str, *, checked: bool, invalid: bool) -> SafeString:
    """One answer: its radio button inside its label, the whole label a tap target."""
    return format_html(
        '<label class="guide-answer" for="q-{0}-{1}"><input type="radio" name="{0}" '
        'id="q-{0}-{1}" value="{2}"{3}{4}> <span>{5}</span></label>',
        code,
        value or "none",
        value,
        mark_safe(" checked") if checked else "",  # noqa: S308 - a constant
        mark_safe(' aria-invalid="true"') if invalid else "",  # noqa: S308 - a constant
        text,
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
        super().__init__(data, initial=dict(initial or {}), auto_id="q-%s")
        self.step = step
        self.ruleset = ruleset
        for question in ruleset.step_questions(step):
            self.fields[question.code] = _field(question, ruleset)

    def shown(self) -> list[dict[str, Any]]:
        """The questions as the step's template writes them out: each answer chosen
        so far marked, each error beside its question. Plain data, not widgets: a
        step has up to 40 radio buttons, and Django's widget templates would take
        most of the page's time."""
        questions = []
        for code, field in self.fields.items():
            said = self.data.get(code) if self.is_bound else self.initial.get(code)
            said = "" if said is None else str(said)
            errors = list(self.errors.get(code, [])) if self.is_bound else []
            choices = [
                _answer(code, value, text, checked=said == value, invalid=bool(errors))
                for value, text in getattr(field, "choices", ())
            ]
            questions.append(
                {
                    "code": code,
                    "text": field.label,
                    "help": field.help_text,
                    "choices": choices,
                    "stacked": len(choices) != len(YES_NO_SHAPE),
                    "value": said,
                    "min": getattr(field, "min_value", None),
                    "max": getattr(field, "max_value", None),
                    "errors": errors,
                }
            )
        return questions

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
            if problem.code not in self.fields:
                others.append(problem)
            elif problem.code not in self.errors:
                missing = problem.kind == "missing"
                self.add_error(problem.code, ANSWER_NEEDED if missing else problem.message)
        return others
