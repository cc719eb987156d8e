"""The condition language of the rule files, compiled once into closures.

A condition is a TOML table that is exactly one of:

    { answer = "code", equals = "yes" }          the answer is this value
    { answer = "code", in = ["a", "b"] }         the answer is one of these
    { answer = "code", lt = 6 }                  a number answer compared (lt, lte, gt, gte)
    { answer = "code", answered = true }         the question was (or was not) answered
    { all = [ ...conditions ] }                  every one holds
    { any = [ ...conditions ] }                  at least one holds
    { at_least = 2, of = [ ...conditions ] }     at least n of them hold
    { not = condition }                          it does not hold

An unanswered question makes every test on it false except `answered = false`. A true
condition gives the question codes whose answers made it true (so a result can show
them); a false one gives None.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rehabdesk.guidance.rules.errors import RuleSetInvalid
from rehabdesk.guidance.rules.types import Answer, Answers, Condition, Question, QuestionKind, Test

_NONE: frozenset[str] = frozenset()
_COMPARISONS: dict[str, Callable[[int, int], bool]] = {
    "lt": lambda value, bound: value < bound,
    "lte": lambda value, bound: value <= bound,
    "gt": lambda value, bound: value > bound,
    "gte": lambda value, bound: value >= bound,
}
_LEAF_TESTS = {"equals", "in", "answered", *_COMPARISONS}


def compile_condition(source: object, questions: Mapping[str, Question], where: str) -> Condition:
    """The condition `source` (a table of the rule file), checked against the questions.
    `where` names the rule for error messages."""
    if not isinstance(source, Mapping):
        raise RuleSetInvalid(f"{where}: a condition must be a table, not {source!r}")
    test, codes = _compile(source, questions, where)
    return Condition(source=source, codes=frozenset(codes), test=test)


def _compile(
    source: Mapping[str, object], questions: Mapping[str, Question], where: str
) -> tuple[Test, set[str]]:
    keys = set(source)
    if "answer" in keys:
        return _leaf(source, questions, where)
    if keys == {"all"} or keys == {"any"}:
        (key,) = keys
        parts = [
            _compile(_table(part, where), questions, where) for part in _list(source[key], where)
        ]
        tests = [test for test, _ in parts]
        codes = set().union(*(part_codes for _, part_codes in parts))
        return (_all(tests) if key == "all" else _any(tests)), codes
    if keys == {"at_least", "of"}:
        count = source["at_least"]
        parts = [
            _compile(_table(part, where), questions, where) for part in _list(source["of"], where)
        ]
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= len(parts):
            raise RuleSetInvalid(f"{where}: at_least must be from 1 to {len(parts)}")
        codes = set().union(*(part_codes for _, part_codes in parts))
        return _at_least(count, [test for test, _ in parts]), codes
    if keys == {"not"}:
        inner, codes = _compile(_table(source["not"], where), questions, where)
        return _not(inner), codes
    raise RuleSetInvalid(f"{where}: not a condition: {dict(source)!r}")


def _leaf(
    source: Mapping[str, object], questions: Mapping[str, Question], where: str
) -> tuple[Test, set[str]]:
    code = source["answer"]
    tests = set(source) - {"answer"}
    if not isinstance(code, str) or code not in questions:
        raise RuleSetInvalid(f"{where}: no question has the code {code!r}")
    if len(tests) != 1 or not tests <= _LEAF_TESTS:
        raise RuleSetInvalid(
            f"{where}: a test on {code} needs exactly one of {sorted(_LEAF_TESTS)}"
        )
    question = questions[code]
    (name,) = tests
    bound = source[name]
    if name == "answered":
        if not isinstance(bound, bool):
            raise RuleSetInvalid(f"{where}: answered takes true or false")
        return _answered(code, bound), {code}
    if name in _COMPARISONS:
        if question.kind is not QuestionKind.NUMBER or not _is_int(bound):
            raise RuleSetInvalid(f"{where}: {name} compares a number question with a number")
        assert isinstance(bound, int)
        return _compare(code, _COMPARISONS[name], bound), {code}
    values = _list(bound, where) if name == "in" else [bound]
    for value in values:
        if not question.accepts(value):
            raise RuleSetInvalid(f"{where}: {code} never takes the answer {value!r}")
    return _member(code, frozenset(values)), {code}  # type: ignore[arg-type]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _table(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise RuleSetInvalid(f"{where}: a condition must be a table, not {value!r}")
    return value


def _list(value: object, where: str) -> Sequence[object]:
    if not isinstance(value, list) or not value:
        raise RuleSetInvalid(f"{where}: expected a non-empty list, not {value!r}")
    return value


# The closures. Each returns the codes that made it true, or None.


def _member(code: str, values: frozenset[Answer]) -> Test:
    codes = frozenset({code})

    def test(answers: Answers) -> frozenset[str] | None:
        value = answers.get(code)
        # bool is an int: True must never pass for 1; a list or None is never an answer.
        if not isinstance(value, str | int) or isinstance(value, bool) or value not in values:
            return None
        return codes

    return test


def _compare(code: str, compare: Callable[[int, int], bool], bound: int) -> Test:
    codes = frozenset({code})

    def test(answers: Answers) -> frozenset[str] | None:
        value = answers.get(code)
        if not _is_int(value):
            return None
        assert isinstance(value, int)
        return codes if compare(value, bound) else None

    return test


def _answered(code: str, wanted: bool) -> Test:
    codes = frozenset({code}) if wanted else _NONE

    def test(answers: Answers) -> frozenset[str] | None:
        return codes if (code in answers) == wanted else None

    return test


def _all(tests: Sequence[Test]) -> Test:
    def test(answers: Answers) -> frozenset[str] | None:
        matched: frozenset[str] = _NONE
        for part in tests:
            codes = part(answers)
            if codes is None:
                return None
            matched |= codes
        return matched

    return test


def _any(tests: Sequence[Test]) -> Test:
    def test(answers: Answers) -> frozenset[str] | None:
        matched: frozenset[str] | None = None
        for part in tests:
            codes = part(answers)
            if codes is not None:
                matched = codes if matched is None else matched | codes
        return matched

    return test


def _at_least(count: int, tests: Sequence[Test]) -> Test:
    def test(answers: Answers) -> frozenset[str] | None:
        held = [codes for part in tests if (codes := part(answers)) is not None]
        if len(held) < count:
            return None
        return frozenset().union(*held)

    return test


def _not(inner: Test) -> Test:
    def test(answers: Answers) -> frozenset[str] | None:
        return _NONE if inner(answers) is None else None

    return test
