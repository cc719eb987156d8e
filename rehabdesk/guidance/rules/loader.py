"""Reading the versioned rule files (rehabdesk/guidance/rulesets/v<N>.toml).

Each file is read once per process and checked whole when it is read: a question code a
rule names must exist, a value must be one its question takes, a level, modality or
treatment must be one the engine knows. A fault is RuleSetInvalid at loading, never a
surprise at a visitor's answer.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
import tomllib
from collections.abc import Mapping, Sequence
from enum import StrEnum
from importlib import resources
from typing import Any, TypeGuard, TypeVar

from rehabdesk.guidance.rules.conditions import compile_condition
from rehabdesk.guidance.rules.errors import RuleSetInvalid, UnknownRuleSet
from rehabdesk.guidance.rules.types import (
    HANDS_ON,
    YES_NO_VALUES,
    CautionLevel,
    CautionRule,
    Choice,
    Condition,
    ContradictionRule,
    Fallback,
    Level,
    LimitRule,
    Modality,
    PathwayRule,
    Question,
    QuestionKind,
    RedFlagRule,
    RuleSet,
    Step,
    Treatment,
    TreatmentSpec,
    WeightRule,
)

PACKAGE = "rehabdesk.guidance"
DIRECTORY = "rulesets"
_FILE_NAME = re.compile(r"^v([1-9][0-9]*)\.toml$")
_YES_NO_TEXTS = {"yes": "Yes", "no": "No", "not_sure": "Not sure"}
HANDS_ON_WORD = "hands_on"
E = TypeVar("E", bound=StrEnum)


def available_versions() -> tuple[int, ...]:
    """Every version with a file in the package, oldest first."""
    folder = resources.files(PACKAGE).joinpath(DIRECTORY)
    found = (_FILE_NAME.match(entry.name) for entry in folder.iterdir())
    return tuple(sorted(int(match.group(1)) for match in found if match))


def ruleset_bytes(version: int) -> bytes:
    if isinstance(version, bool) or not isinstance(version, int):
        raise UnknownRuleSet(version)
    if version not in available_versions():
        raise UnknownRuleSet(version)
    return resources.files(PACKAGE).joinpath(DIRECTORY, f"v{version}.toml").read_bytes()


def load_ruleset(version: int | None = None) -> RuleSet:
    """The rule set of this version (None: the latest). UnknownRuleSet when none has it."""
    if version is None:
        versions = available_versions()
        if not versions:
            raise UnknownRuleSet(None)
        version = versions[-1]
    return _load(version) if _is_whole(version) else _refuse(version)


def _is_whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _refuse(version: object) -> RuleSet:
    raise UnknownRuleSet(version)


@functools.cache
def _load(version: int) -> RuleSet:
    content = ruleset_bytes(version)
    ruleset = parse_ruleset(content)
    if ruleset.version != version:
        raise RuleSetInvalid(f"v{version}.toml says it is version {ruleset.version}")
    return ruleset


def parse_ruleset(content: bytes) -> RuleSet:
    """A rule set from the bytes of a rule file, checked whole."""
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RuleSetInvalid(f"unreadable rule file: {error}") from None
    return _Reader(data, hashlib.sha256(content).hexdigest()).ruleset()


class _Reader:
    def __init__(self, data: Mapping[str, Any], digest: str) -> None:
        self.data = data
        self.digest = digest
        self.questions: dict[str, Question] = {}

    def ruleset(self) -> RuleSet:
        version = self.data.get("version")
        if not _is_whole(version) or version < 1:
            raise RuleSetInvalid("version must be a whole number from 1")
        steps = tuple(self._step(row) for row in self._rows("steps"))
        step_codes = tuple(step.code for step in steps)
        _unique(step_codes, "step")
        for row in self._rows("questions"):
            question = self._question(row, step_codes)
            if question.code in self.questions:
                raise RuleSetInvalid(f"question {question.code} is listed twice")
            self.questions[question.code] = question
        self._compile_shown_when()
        treatments = tuple(self._treatment(row) for row in self._rows("treatments"))
        _unique([spec.code for spec in treatments], "treatment")
        known_services = {slug for spec in treatments for slug in spec.services}
        red_flags = tuple(self._red_flag(row) for row in self._rows("red_flags"))
        cautions = tuple(self._caution(row) for row in self._rows("cautions"))
        weights = tuple(self._weight(row, treatments) for row in self._rows("weights"))
        limits = tuple(self._limit(row, known_services) for row in self._rows("limits"))
        pathways = tuple(self._pathway(row) for row in self._rows("pathways"))
        contradictions = tuple(
            self._contradiction(row) for row in self._rows("contradictions", True)
        )
        for rules, name in ((red_flags, "red flag"), (cautions, "caution"), (weights, "weight")):
            _unique([rule.rule for rule in rules], name)
        _unique([rule.rule for rule in limits], "limit")
        _unique([rule.code for rule in pathways], "pathway")
        defaults = self._table("defaults")
        return RuleSet(
            version=version,
            title=self._text(self.data, "title", "the rule set"),
            published=self._text(self.data, "published", "the rule set"),
            sha256=self.digest,
            steps=step_codes,
            step_texts={step.code: step for step in steps},
            questions=tuple(self.questions.values()),
            red_flag_rules=red_flags,
            caution_rules=cautions,
            weights=weights,
            limits=limits,
            pathways=pathways,
            contradictions=contradictions,
            treatments=treatments,
            fallback=self._fallback(treatments),
            group_modalities=self._modality_table("service_groups"),
            service_overrides=self._modality_table("service_overrides"),
            default_modalities=self._modalities(defaults.get("modalities"), "defaults"),
            _by_code=dict(self.questions),
        )

    # Sections

    def _step(self, row: Mapping[str, Any]) -> Step:
        code = self._text(row, "code", "a step")
        return Step(code=code, title=self._text(row, "title", code), text=row.get("text", ""))

    def _question(self, row: Mapping[str, Any], steps: Sequence[str]) -> Question:
        code = self._text(row, "code", "a question")
        step = self._text(row, "step", code)
        if step not in steps:
            raise RuleSetInvalid(f"question {code}: no step {step!r}")
        kind = _enum(QuestionKind, row.get("kind"), f"question {code}: kind")
        low, high = row.get("min"), row.get("max")
        if kind is QuestionKind.NUMBER:
            if not (_is_whole(low) and _is_whole(high) and low <= high):
                raise RuleSetInvalid(f"question {code}: a number needs whole min <= max")
        elif low is not None or high is not None:
            raise RuleSetInvalid(f"question {code}: only a number has min and max")
        return Question(
            code=code,
            step=step,
            kind=kind,
            text=self._text(row, "text", code),
            help=row.get("help", ""),
            choices=self._choices(row, code, kind),
            min=low,
            max=high,
        )

    def _choices(self, row: Mapping[str, Any], code: str, kind: QuestionKind) -> tuple[Choice, ...]:
        if kind is QuestionKind.YES_NO:
            if "choices" in row:
                raise RuleSetInvalid(f"question {code}: yes/no questions have fixed choices")
            return tuple(Choice(value, _YES_NO_TEXTS[value]) for value in YES_NO_VALUES)
        if kind is QuestionKind.NUMBER:
            return ()
        rows = row.get("choices")
        if not isinstance(rows, list) or not rows:
            raise RuleSetInvalid(f"question {code}: a choice question lists its choices")
        choices = tuple(
            Choice(self._text(choice, "code", code), self._text(choice, "text", code))
            for choice in rows
        )
        _unique([choice.code for choice in choices], f"choice of {code}")
        return choices

    def _compile_shown_when(self) -> None:
        for row in self._rows("questions"):
            if "shown_when" in row:
                code = row["code"]
                shown = self._condition(row["shown_when"], f"question {code}: shown_when")
                question = self.questions[code]
                self.questions[code] = dataclasses.replace(question, shown_when=shown)

    def _treatment(self, row: Mapping[str, Any]) -> TreatmentSpec:
        code = _enum(Treatment, row.get("code"), "treatment code")
        services = row.get("services")
        if (
            not isinstance(services, list)
            or not services
            or not all(isinstance(slug, str) and slug for slug in services)
        ):
            raise RuleSetInvalid(f"treatment {code}: services is a list of service slugs")
        modalities = self._modalities(row.get("modalities"), f"treatment {code}")
        essential = self._modalities(row.get("essential", []), f"treatment {code}", empty=True)
        add_on = row.get("add_on", False)
        if not isinstance(add_on, bool):
            raise RuleSetInvalid(f"treatment {code}: add_on is true or false")
        return TreatmentSpec(
            code=code,
            name=self._text(row, "name", code),
            services=tuple(services),
            modalities=modalities,
            essential=essential,
            add_on=add_on,
        )

    def _red_flag(self, row: Mapping[str, Any]) -> RedFlagRule:
        rule = self._text(row, "rule", "a red flag")
        level = _enum(Level, row.get("level"), f"red flag {rule}: level")
        if level is Level.BOOK:
            raise RuleSetInvalid(f"red flag {rule}: a red flag never says book")
        return RedFlagRule(
            rule=rule,
            level=level,
            condition=self._text(row, "condition", rule),
            patient_text=self._text(row, "patient_text", rule),
            clinician_text=self._text(row, "clinician_text", rule),
            when=self._condition(row.get("when"), f"red flag {rule}"),
        )

    def _caution(self, row: Mapping[str, Any]) -> CautionRule:
        rule = self._text(row, "rule", "a caution")
        level = _enum(CautionLevel, row.get("level"), f"caution {rule}: level")
        temporary = row.get("temporary", False)
        if not isinstance(temporary, bool):
            raise RuleSetInvalid(f"caution {rule}: temporary is true or false")
        return CautionRule(
            rule=rule,
            level=level,
            modalities=self._modalities(
                row.get("modalities"), f"caution {rule}", empty=level is CautionLevel.NOTE
            ),
            reason=self._text(row, "reason", rule),
            when=self._condition(row.get("when"), f"caution {rule}"),
            temporary=temporary,
        )

    def _weight(self, row: Mapping[str, Any], treatments: Sequence[TreatmentSpec]) -> WeightRule:
        rule = self._text(row, "rule", "a weight")
        treatment = _enum(Treatment, row.get("treatment"), f"weight {rule}: treatment")
        if treatment not in {spec.code for spec in treatments}:
            raise RuleSetInvalid(f"weight {rule}: no treatment {treatment} in this file")
        points = row.get("points")
        if not _is_whole(points) or points < 1:
            raise RuleSetInvalid(f"weight {rule}: points is a whole number from 1")
        return WeightRule(
            rule=rule,
            treatment=treatment,
            points=points,
            text=self._text(row, "text", rule),
            when=self._condition(row.get("when"), f"weight {rule}"),
        )

    def _limit(self, row: Mapping[str, Any], known_services: set[str]) -> LimitRule:
        rule = self._text(row, "rule", "a limit")
        names = row.get("treatments")
        if not isinstance(names, list) or not names:
            raise RuleSetInvalid(f"limit {rule}: treatments is a non-empty list")
        services = row.get("services", [])
        unknown = [slug for slug in services if slug not in known_services]
        if not isinstance(services, list) or unknown:
            raise RuleSetInvalid(f"limit {rule}: services not offered by any treatment: {unknown}")
        return LimitRule(
            rule=rule,
            treatments=frozenset(_enum(Treatment, name, f"limit {rule}") for name in names),
            services=tuple(services),
            text=self._text(row, "text", rule),
            when=self._condition(row.get("when"), f"limit {rule}"),
        )

    def _fallback(self, treatments: Sequence[TreatmentSpec]) -> Fallback:
        row = self._table("fallback")
        code = _enum(Treatment, row.get("treatment"), "fallback: treatment")
        spec = next((spec for spec in treatments if spec.code == code), None)
        if spec is None or spec.add_on:
            raise RuleSetInvalid(f"fallback: {code} is not a main treatment of this file")
        services = row.get("services", [])
        if not isinstance(services, list) or not set(services) <= set(spec.services):
            raise RuleSetInvalid(f"fallback: services must be services of {code}")
        return Fallback(
            treatment=code, services=tuple(services), text=self._text(row, "text", "fallback")
        )

    def _pathway(self, row: Mapping[str, Any]) -> PathwayRule:
        code = self._text(row, "code", "a pathway")
        return PathwayRule(
            code=code,
            text=self._text(row, "text", code),
            when=self._condition(row.get("when"), f"pathway {code}"),
        )

    def _contradiction(self, row: Mapping[str, Any]) -> ContradictionRule:
        rule = self._text(row, "rule", "a contradiction")
        return ContradictionRule(
            rule=rule,
            message=self._text(row, "message", rule),
            when=self._condition(row.get("when"), f"contradiction {rule}"),
        )

    # Pieces

    def _condition(self, source: object, where: str) -> Condition:
        if source is None:
            raise RuleSetInvalid(f"{where}: no condition (when)")
        return compile_condition(source, self.questions, where)

    def _modalities(self, value: object, where: str, *, empty: bool = False) -> frozenset[str]:
        if not isinstance(value, list) or (not value and not empty):
            raise RuleSetInvalid(f"{where}: modalities is a list of modalities")
        modalities: set[str] = set()
        for name in value:
            if name == HANDS_ON_WORD:
                modalities |= HANDS_ON
            else:
                modalities.add(_enum(Modality, name, f"{where}: modality"))
        return frozenset(str(modality) for modality in modalities)

    def _modality_table(self, name: str) -> Mapping[str, frozenset[str]]:
        return {
            slug: self._modalities(value, f"{name}.{slug}")
            for slug, value in self._table(name).items()
        }

    def _rows(self, name: str, optional: bool = False) -> list[Mapping[str, Any]]:
        rows = self.data.get(name, [] if optional else None)
        if not isinstance(rows, list) or (not rows and not optional):
            raise RuleSetInvalid(f"the rule file needs [[{name}]]")
        if not all(isinstance(row, Mapping) for row in rows):
            raise RuleSetInvalid(f"every [[{name}]] is a table")
        return rows

    def _table(self, name: str) -> Mapping[str, Any]:
        table = self.data.get(name)
        if not isinstance(table, Mapping):
            raise RuleSetInvalid(f"the rule file needs [{name}]")
        return table

    @staticmethod
    def _text(row: Mapping[str, Any], key: str, where: str) -> str:
        value = row.get(key)
        if not isinstance(value, str) or not value.strip():
            raise RuleSetInvalid(f"{where}: {key} must be a non-empty text")
        return value


def _enum(kind: type[E], value: object, where: str) -> E:
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return kind(value)
    except ValueError:
        names = [str(member) for member in kind]
        raise RuleSetInvalid(f"{where}: {value!r} is not one of {names}") from None


def _unique(values: Sequence[object], name: str) -> None:
    seen: set[object] = set()
    for value in values:
        if value in seen:
            raise RuleSetInvalid(f"{name} {value} is listed twice")
        seen.add(value)
