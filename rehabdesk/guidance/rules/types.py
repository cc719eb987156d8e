"""The values of the guidance engine: plain, frozen, Django-free.

A rule set (loader.py reads it from a versioned file) holds the questions, the red-flag
rules, the contraindication (caution) rules, the recommendation weights, the limits, the
pathways and the treatments; the evaluator (evaluate.py) turns answers into Guidance.
docs/algorithms/guidance.md is the specification.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

Answer = str | int
Answers = Mapping[str, Answer]
# A compiled condition: the question codes whose answers made it true, or None when false.
Test = Callable[[Answers], "frozenset[str] | None"]


class Level(StrEnum):
    """What a person should do first, most urgent first."""

    EMERGENCY = "emergency"  # call 911 or go to emergency now
    DOCTOR_TODAY = "doctor_today"  # see a doctor today
    DOCTOR_FIRST = "doctor_first"  # see a physician before treatment
    BOOK = "book"

    @property
    def urgency(self) -> int:
        """Higher is more urgent (EMERGENCY 3 ... BOOK 0)."""
        return _LEVEL_URGENCY[self]


_LEVEL_URGENCY = {
    Level.EMERGENCY: 3,
    Level.DOCTOR_TODAY: 2,
    Level.DOCTOR_FIRST: 1,
    Level.BOOK: 0,
}


class CautionLevel(StrEnum):
    """How a contraindication limits treatment, strictest first."""

    DO_NOT_TREAT = "do_not_treat"  # not until resolved or medically cleared
    AVOID_AREA = "avoid_area"  # not over the area (or with this modality there)
    MODIFY = "modify"  # lighter pressure, other positioning, medical input
    NOTE = "note"  # for the practitioner to know and ask about

    @property
    def strictness(self) -> int:
        """Higher is stricter (DO_NOT_TREAT 3 ... NOTE 0)."""
        return _CAUTION_STRICTNESS[self]


_CAUTION_STRICTNESS = {
    CautionLevel.DO_NOT_TREAT: 3,
    CautionLevel.AVOID_AREA: 2,
    CautionLevel.MODIFY: 1,
    CautionLevel.NOTE: 0,
}


class Modality(StrEnum):
    MASSAGE = "massage"
    DEEP_PRESSURE = "deep_pressure"
    MANUAL_THERAPY = "manual_therapy"
    SPINAL_MANIPULATION = "spinal_manipulation"
    EXERCISE = "exercise"
    ELECTROTHERAPY = "electrotherapy"
    HEAT = "heat"
    NEEDLING = "needling"
    INTERNAL_PELVIC = "internal_pelvic"
    BRACING = "bracing"


# What a rule file may write as "hands_on": every modality that touches or enters the body.
HANDS_ON = frozenset(
    {
        Modality.MASSAGE,
        Modality.DEEP_PRESSURE,
        Modality.MANUAL_THERAPY,
        Modality.SPINAL_MANIPULATION,
        Modality.NEEDLING,
        Modality.INTERNAL_PELVIC,
        Modality.ELECTROTHERAPY,
    }
)


class Treatment(StrEnum):
    """What the guide may recommend."""

    PHYSIOTHERAPY = "physiotherapy"
    MASSAGE_THERAPY = "massage_therapy"
    PELVIC_HEALTH = "pelvic_health"
    ACUPUNCTURE = "acupuncture"  # offered as an add-on only
    BRACING = "bracing"


class QuestionKind(StrEnum):
    YES_NO = "yes_no"  # "yes" | "no" | "not_sure"
    CHOICE = "choice"  # one of the question's choice codes
    NUMBER = "number"  # an int from min to max


class ProblemKind(StrEnum):
    MISSING = "missing"  # a question that is asked was not answered
    INVALID = "invalid"  # an unknown question, or a value the question does not take
    CONTRADICTION = "contradiction"  # answers that cannot all be true


YES = "yes"
NO = "no"
NOT_SURE = "not_sure"
YES_NO_VALUES = (YES, NO, NOT_SURE)


@dataclass(frozen=True)
class Condition:
    """A condition of the rule file, compiled. `source` is what the file says (for the
    docs and for error messages), `codes` every question code it reads."""

    source: Mapping[str, object]
    codes: frozenset[str]
    test: Test = field(repr=False, compare=False)

    def __call__(self, answers: Answers) -> frozenset[str] | None:
        return self.test(answers)


@dataclass(frozen=True)
class Choice:
    code: str
    text: str


@dataclass(frozen=True)
class Question:
    code: str
    step: str
    kind: QuestionKind
    text: str
    help: str = ""
    choices: tuple[Choice, ...] = ()  # for yes/no too: yes, no, not sure
    min: int | None = None
    max: int | None = None
    # Asked only when this holds (None: always asked).
    shown_when: Condition | None = None

    def is_shown(self, answers: Answers) -> bool:
        return self.shown_when is None or self.shown_when(answers) is not None

    def __post_init__(self) -> None:
        # Read on every answer checked: a set, not a walk through the choices.
        values = frozenset(choice.code for choice in self.choices)
        object.__setattr__(self, "_values", values)

    def read(self, raw: str) -> Answer:
        """A form's text as this question's answer: a number question's digits become an
        int; anything else stays as given, for check_answers to judge."""
        text = raw.strip()
        if self.kind is QuestionKind.NUMBER and text.isascii() and text.isdigit():
            return int(text)
        return text

    def accepts(self, value: object) -> bool:
        """Whether `value` is an answer this question takes (bool is not a number)."""
        if self.kind is QuestionKind.NUMBER:
            if not isinstance(value, int) or isinstance(value, bool):
                return False
            low = self.min if self.min is not None else value
            high = self.max if self.max is not None else value
            return low <= value <= high
        return isinstance(value, str) and value in self._values  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Step:
    code: str
    title: str
    text: str = ""


@dataclass(frozen=True)
class RedFlagRule:
    rule: str
    level: Level
    condition: str  # what a clinician would call it, e.g. "Cauda equina syndrome"
    patient_text: str
    clinician_text: str
    when: Condition


@dataclass(frozen=True)
class CautionRule:
    rule: str
    level: CautionLevel
    modalities: frozenset[str]
    reason: str
    when: Condition
    # Temporary (a contagious illness): it postpones every treatment, so it changes when
    # to book, not which treatment fits; it takes no treatment off the list.
    temporary: bool = False


@dataclass(frozen=True)
class WeightRule:
    rule: str
    treatment: Treatment
    points: int
    text: str  # the reason the person reads
    when: Condition


@dataclass(frozen=True)
class LimitRule:
    """While it holds, only `treatments` may be recommended, each with only `services`
    (the ones in its list that are named here)."""

    rule: str
    treatments: frozenset[Treatment]
    services: tuple[str, ...]
    text: str
    when: Condition


@dataclass(frozen=True)
class Fallback:
    """What is recommended when nothing that scored may be offered (a do-not-treat
    caution or a limit took it away): this treatment, with only these of its services."""

    treatment: Treatment
    services: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class PathwayRule:
    code: str
    text: str
    when: Condition


@dataclass(frozen=True)
class ContradictionRule:
    rule: str
    message: str
    when: Condition


@dataclass(frozen=True)
class TreatmentSpec:
    code: Treatment
    name: str
    services: tuple[str, ...]  # the demo clinic's service slugs, in the order offered
    modalities: frozenset[str]
    # A do-not-treat caution on any of these takes the treatment off the list.
    essential: frozenset[str]
    add_on: bool = False


# --- What the evaluator returns -------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    code: str  # the question code (or the unknown code given)
    kind: ProblemKind
    message: str


@dataclass(frozen=True)
class Reason:
    code: str
    answer: Answer
    text: str


@dataclass(frozen=True)
class Recommendation:
    treatment: Treatment
    services: tuple[str, ...]
    score: int
    reasons: tuple[Reason, ...]
    add_on: bool = False


@dataclass(frozen=True)
class Caution:
    rule: str
    level: CautionLevel
    modalities: frozenset[str]
    reason: str
    codes: tuple[str, ...]
    temporary: bool = False


@dataclass(frozen=True)
class RedFlag:
    rule: str
    level: Level
    condition: str
    patient_text: str
    clinician_text: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Pathway:
    code: str
    text: str


@dataclass(frozen=True)
class Guidance:
    level: Level
    recommendations: tuple[Recommendation, ...]
    cautions: tuple[Caution, ...]
    red_flags: tuple[RedFlag, ...]
    pathways: tuple[Pathway, ...]
    ruleset_version: int

    @property
    def first(self) -> Recommendation | None:
        return self.recommendations[0] if self.recommendations else None

    def as_data(self) -> dict[str, object]:
        """Plain JSON-ready data (lists, sorted modalities), e.g. to store what a visitor
        was told beside the rule-set version."""
        return {
            "ruleset_version": self.ruleset_version,
            "level": str(self.level),
            "recommendations": [
                {
                    "treatment": str(r.treatment),
                    "services": list(r.services),
                    "score": r.score,
                    "add_on": r.add_on,
                    "reasons": [_reason_data(reason) for reason in r.reasons],
                }
                for r in self.recommendations
            ],
            "red_flags": [_red_flag_data(flag) for flag in self.red_flags],
            "cautions": [_caution_data(caution) for caution in self.cautions],
            "pathways": [{"code": p.code, "text": p.text} for p in self.pathways],
        }


@dataclass(frozen=True)
class Screen:
    red_flags: tuple[RedFlag, ...]
    cautions: tuple[Caution, ...]

    @property
    def level(self) -> Level:
        """The most urgent level among the red flags raised (BOOK when none)."""
        return max((flag.level for flag in self.red_flags), key=_urgency, default=Level.BOOK)


def _urgency(level: Level) -> int:
    return level.urgency


def _reason_data(reason: Reason) -> dict[str, object]:
    return {"code": reason.code, "answer": reason.answer, "text": reason.text}


def _red_flag_data(flag: RedFlag) -> dict[str, object]:
    return {
        "rule": flag.rule,
        "level": str(flag.level),
        "condition": flag.condition,
        "patient_text": flag.patient_text,
        "clinician_text": flag.clinician_text,
        "codes": list(flag.codes),
    }


def _caution_data(caution: Caution) -> dict[str, object]:
    return {
        "rule": caution.rule,
        "level": str(caution.level),
        "modalities": sorted(caution.modalities),
        "reason": caution.reason,
        "codes": list(caution.codes),
        "temporary": caution.temporary,
    }


@dataclass(frozen=True)
class RuleSet:
    """One published version of the rules, as its file says (loader.py reads it)."""

    version: int
    title: str
    published: str  # the ISO date it was published
    sha256: str  # of the file's bytes, to store beside what an answer was told
    steps: tuple[str, ...]
    step_texts: Mapping[str, Step]
    questions: tuple[Question, ...]
    red_flag_rules: tuple[RedFlagRule, ...]
    caution_rules: tuple[CautionRule, ...]
    weights: tuple[WeightRule, ...]
    limits: tuple[LimitRule, ...]
    pathways: tuple[PathwayRule, ...]
    contradictions: tuple[ContradictionRule, ...]
    treatments: tuple[TreatmentSpec, ...]
    fallback: Fallback
    # Modalities by service group slug, and overrides by service slug.
    group_modalities: Mapping[str, frozenset[str]]
    service_overrides: Mapping[str, frozenset[str]]
    # For a service in no group, or a group the file does not know: assume every
    # hands-on modality, so an alert is never missed for want of a mapping.
    default_modalities: frozenset[str]
    _by_code: Mapping[str, Question] = field(repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        if not self._by_code:
            object.__setattr__(self, "_by_code", {q.code: q for q in self.questions})
        order = {question.code: index for index, question in enumerate(self.questions)}
        object.__setattr__(self, "_order", order)

    def in_question_order(self, codes: Iterable[str]) -> tuple[str, ...]:
        """These question codes in the order the questions are asked."""
        return tuple(sorted(codes, key=self._order.__getitem__))  # type: ignore[attr-defined]

    def question(self, code: str) -> Question:
        """The question with this code (KeyError when the rule set has none)."""
        return self._by_code[code]

    def has_question(self, code: str) -> bool:
        return code in self._by_code

    def step_questions(self, step: str) -> tuple[Question, ...]:
        return tuple(question for question in self.questions if question.step == step)

    def treatment(self, code: str) -> TreatmentSpec:
        for spec in self.treatments:
            if spec.code == code:
                return spec
        raise KeyError(code)

    def service_modalities(self, group_slug: str | None, service_slug: str) -> frozenset[str]:
        """The modalities a service may use, by its slug when the file names it, else by
        its group's slug, else every hands-on modality (see default_modalities)."""
        if service_slug in self.service_overrides:
            return self.service_overrides[service_slug]
        if group_slug is not None and group_slug in self.group_modalities:
            return self.group_modalities[group_slug]
        return self.default_modalities
