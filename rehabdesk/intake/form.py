"""The intake form as data: versions kept as files (forms/v<N>.toml), read with tomllib,
and the checks each kind of answer gets.

A published version never changes (tests/test_form_versions.py pins each file's
SHA-256); a change is a new file, and every `IntakeResponse` keeps the version it was
filled in under, so its answers are always read against the questions that were asked.
The red-flag and safety-screen questions carry the codes of the guidance rule set, so
safety's `alerts_from_answers` reads intake answers as they are.

Plain Python (no Django): the services and the pages ask it; `today` is passed in.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources

from rehabdesk.intake.errors import IntakeError, IntakeErrorCode


class Kind(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    YES_NO = "yes_no"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    NUMBER = "number"
    DATE = "date"
    EMAIL = "email"
    PHONE = "phone"


YES_NO = (("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure"))
LIMITS = {Kind.SHORT_TEXT: 200, Kind.LONG_TEXT: 2000, Kind.EMAIL: 254, Kind.PHONE: 30}
EARLIEST = date(1900, 1, 1)
FUTURE_DAYS = 366
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9 ().\-]+(?:\s*(?:x|ext\.?)\s*[0-9]{1,6})?", re.IGNORECASE)

Answer = str | int | list[str]


@dataclass(frozen=True)
class Question:
    code: str
    kind: Kind
    text: str
    required: bool
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    when: str = ""  # dates: "past" or "future"
    exclusive: str = ""  # multi_choice: the choice that excludes the others ("none")
    shown_when: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def label(self, value: str) -> str:
        return dict(self.choices).get(value, value)

    def shown(self, answers: Mapping[str, object]) -> bool:
        """Asked, given the answers so far: every condition is answered and met."""
        return all(answers.get(code) in allowed for code, allowed in self.shown_when.items())

    def ruled_out(self, answers: Mapping[str, object]) -> bool:
        """Its condition was answered, and not met (not merely left unanswered)."""
        return any(
            code in answers and answers[code] not in allowed
            for code, allowed in self.shown_when.items()
        )


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    intro: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class IntakeForm:
    version: int
    title: str
    sections: tuple[Section, ...]

    def section(self, code: str) -> Section | None:
        return next((section for section in self.sections if section.code == code), None)

    def question(self, code: str) -> Question | None:
        return next((q for s in self.sections for q in s.questions if q.code == code), None)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(q.code for s in self.sections for q in s.questions)

    def nothing_to_report(self, code: str) -> dict[str, object]:
        """A section's questions asked of everyone, each answered "no" (the warning
        signs, the safety screen): the demo's and the tests' starting point."""
        section = self.section(code)
        if section is None:
            raise LookupError(f"Intake form v{self.version} has no section {code}.")
        return {question.code: "no" for question in section.questions if not question.shown_when}


@dataclass(frozen=True)
class Problem:
    """One answer that cannot be kept, said for the person filling the form in."""

    code: str
    message: str


class UnknownForm(LookupError):
    pass


def published_versions() -> tuple[int, ...]:
    folder = resources.files("rehabdesk.intake") / "forms"
    names = [entry.name for entry in folder.iterdir() if entry.name.endswith(".toml")]
    return tuple(sorted(int(name[1:-5]) for name in names if re.fullmatch(r"v\d+\.toml", name)))


@cache
def load_form(version: int | None = None) -> IntakeForm:
    """A published version of the form (None: the latest). Unknown: UnknownForm."""
    versions = published_versions()
    if version is None:
        version = versions[-1]
    if version not in versions:
        raise UnknownForm(f"No intake form version {version}.")
    text = (resources.files("rehabdesk.intake") / "forms" / f"v{version}.toml").read_text("utf-8")
    data = tomllib.loads(text)
    if data["version"] != version:
        raise UnknownForm(f"forms/v{version}.toml says it is version {data['version']}.")
    return IntakeForm(
        version=version,
        title=data["title"],
        sections=tuple(_section(raw) for raw in data["sections"]),
    )


def _section(raw: Mapping[str, object]) -> Section:
    questions = raw["questions"]
    assert isinstance(questions, list)
    return Section(
        code=str(raw["code"]),
        title=str(raw["title"]),
        intro=str(raw.get("intro", "")),
        questions=tuple(_question(q) for q in questions),
    )


def _question(raw: Mapping[str, object]) -> Question:
    kind = Kind(str(raw["kind"]))
    choices_raw = raw.get("choices", [])
    assert isinstance(choices_raw, list)
    choices = YES_NO if kind == Kind.YES_NO else tuple((str(c), str(t)) for c, t in choices_raw)
    shown = raw.get("shown_when", {})
    assert isinstance(shown, dict)
    minimum, maximum = raw.get("min"), raw.get("max")
    return Question(
        code=str(raw["code"]),
        kind=kind,
        text=str(raw["text"]),
        required=bool(raw.get("required", False)),
        help=str(raw.get("help", "")),
        choices=choices,
        minimum=minimum if isinstance(minimum, int) else None,
        maximum=maximum if isinstance(maximum, int) else None,
        when=str(raw.get("when", "")),
        exclusive=str(raw.get("exclusive", "")),
        shown_when={str(code): frozenset(map(str, values)) for code, values in shown.items()},
    )


# --- Checking answers -----------------------------------------------------------------


def clean_section(
    form: IntakeForm,
    section: Section,
    raw: Mapping[str, object],
    *,
    earlier: Mapping[str, Answer],
    today: date,
    partial: bool,
) -> dict[str, Answer]:
    """The section's answers as they are kept, from what was sent (text, or a list of
    texts for multiple choice). Every problem at once, as an IntakeError carrying them
    (nothing is kept then); blank answers are left out. `partial`: a draft saved to
    finish later may leave required questions blank."""
    cleaned: dict[str, Answer] = {}
    problems: list[Problem] = []
    refused: set[str] = set()
    unknown = set(raw) - {q.code for q in section.questions}
    if unknown:
        problems.append(Problem(sorted(unknown)[0], "This question is not on this page."))
    for question in section.questions:
        try:
            value = clean_answer(question, raw.get(question.code), today=today)
        except ValueError as problem:
            problems.append(Problem(question.code, str(problem)))
            refused.add(question.code)
            continue
        if value is not None:
            cleaned[question.code] = value
    merged = {**earlier, **cleaned}
    for question in section.questions:
        if question.code in cleaned and question.ruled_out(merged):
            if cleaned[question.code] != "no":
                problems.append(Problem(question.code, _contradiction(form, question)))
            del cleaned[question.code]
        elif (
            not partial
            and question.required
            and question.shown(merged)
            and question.code not in cleaned
            and question.code not in refused
        ):
            problems.append(Problem(question.code, "Please answer this question."))
    if problems:
        raise IntakeError(
            IntakeErrorCode.INVALID_ANSWERS,
            "Some answers need another look.",
            field=problems[0].code,
            problems=problems,
        )
    return cleaned


def missing(form: IntakeForm, answers: Mapping[str, Answer]) -> dict[str, list[str]]:
    """The required questions still unanswered, by section (sections complete: absent)."""
    gaps: dict[str, list[str]] = {}
    for section in form.sections:
        codes = [
            q.code
            for q in section.questions
            if q.required and q.shown(answers) and q.code not in answers
        ]
        if codes:
            gaps[section.code] = codes
    return gaps


def clean_answer(question: Question, raw: object, *, today: date) -> Answer | None:
    """One answer as it is kept, None for blank; ValueError with the reason otherwise."""
    if question.kind == Kind.MULTI_CHOICE:
        return _multi(question, raw)
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else ""
    if raw is None:
        return None
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise ValueError("This answer could not be read.")
    text = str(raw).strip()
    if not text:
        return None
    if _CONTROL.search(text):
        raise ValueError("Please use ordinary letters, numbers and punctuation.")
    limit = LIMITS.get(question.kind)
    if limit is not None and len(text) > limit:
        raise ValueError(f"Please keep this under {limit} characters.")
    match question.kind:
        case Kind.YES_NO | Kind.CHOICE:
            if text not in dict(question.choices):
                raise ValueError("Please choose one of the answers offered.")
            return text
        case Kind.NUMBER:
            return _number(question, text)
        case Kind.DATE:
            return _date(question, text, today)
        case Kind.EMAIL:
            if not _EMAIL.fullmatch(text):
                raise ValueError("Please enter an e-mail address like name@example.com.")
            return text.lower()
        case Kind.PHONE:
            digits = re.sub(r"\D", "", text)
            if not _PHONE.fullmatch(text) or not 7 <= len(digits) <= 20:
                raise ValueError("Please enter a phone number, like 905-555-0123.")
            return " ".join(text.split())
    return text


def _multi(question: Question, raw: object) -> list[str] | None:
    values = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list | tuple) else []
    if raw is not None and not isinstance(raw, str | list | tuple):
        raise ValueError("This answer could not be read.")
    if not all(isinstance(value, str) for value in values):
        raise ValueError("This answer could not be read.")
    chosen = [value.strip() for value in values if value.strip()]
    known = [code for code, _ in question.choices]
    if any(value not in known for value in chosen):
        raise ValueError("Please choose among the answers offered.")
    if question.exclusive in chosen and len(set(chosen)) > 1:
        label = question.label(question.exclusive)
        raise ValueError(f'"{label}" cannot go with other answers: please choose one or the other.')
    # Kept in the form's order, once each, whatever order the browser sent.
    return [code for code in known if code in chosen] or None


def _number(question: Question, text: str) -> int:
    if not re.fullmatch(r"-?[0-9]{1,6}", text):
        raise ValueError("Please enter a whole number.")
    number = int(text)
    low, high = question.minimum, question.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValueError(f"Please enter a number from {low} to {high}.")
    return number


def _date(question: Question, text: str, today: date) -> str:
    try:
        day = date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError("Please enter a date as year-month-day, like 2026-03-31.")
    if question.when == "past" and not EARLIEST <= day <= today:
        raise ValueError("Please enter a date that is not in the future.")
    if question.when == "future" and not today <= day <= today + timedelta(days=FUTURE_DAYS):
        raise ValueError("Please enter a date within the coming year.")
    if not EARLIEST <= day <= today + timedelta(days=FUTURE_DAYS):
        raise ValueError("Please check the year of this date.")
    return day.isoformat()


def _contradiction(form: IntakeForm, question: Question) -> str:
    conditions = [form.question(code) for code in question.shown_when]
    said = ", ".join(f'"{q.text}"' for q in conditions if q is not None)
    return f"This does not fit your answer to {said}: please check both."


def answers_shown(form: IntakeForm, answers: Mapping[str, Answer]) -> list[AnsweredSection]:
    """Each section's questions with their answers, in words, for reading back."""
    shown = []
    for section in form.sections:
        rows = [
            (question, _words(question, answers.get(question.code)))
            for question in section.questions
            if question.shown(answers) or question.code in answers
        ]
        shown.append(AnsweredSection(section, tuple(rows)))
    return shown


@dataclass(frozen=True)
class AnsweredSection:
    section: Section
    rows: tuple[tuple[Question, str], ...]


def _words(question: Question, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(question.label(str(item)) for item in value)
    if question.choices:
        return question.label(str(value))
    return str(value)


def as_sequence(value: object) -> Sequence[str]:
    """An answer as the list of values a form shows checked or filled."""
    if value is None:
        return ()
    if isinstance(value, list):
        return [str(item) for item in value]
    return (str(value),)
