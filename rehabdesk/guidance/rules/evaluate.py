"""From answers to guidance: check the answers, then the red flags (the level), the
cautions, the pathways and, only when the level is BOOK, the recommendations.

docs/algorithms/guidance.md is the specification; every rule comes from the rule file.
Pure and deterministic: the same rule set and answers always give the same Guidance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rehabdesk.guidance.rules.errors import AnswersIncomplete
from rehabdesk.guidance.rules.types import (
    Answer,
    Answers,
    Caution,
    CautionLevel,
    Guidance,
    Level,
    LimitRule,
    Pathway,
    Problem,
    ProblemKind,
    Question,
    QuestionKind,
    Reason,
    Recommendation,
    RedFlag,
    RuleSet,
    Screen,
    Treatment,
    TreatmentSpec,
)

INVALID = ProblemKind.INVALID


def check_answers(
    ruleset: RuleSet, answers: Answers, *, steps: Iterable[str] | None = None
) -> tuple[Problem, ...]:
    """What is wrong with the answers, in the order of the questions (unknown codes
    last): a code no question has or a value its question does not take (invalid), a
    question asked in `steps` (default: every step) left unanswered (missing), a
    question answered that is not asked or answers that cannot all be true
    (contradiction). Empty when the answers can be evaluated."""
    wanted = _steps(ruleset, steps)
    problems: list[Problem] = []
    readable: dict[str, Answer] = {}
    for question in ruleset.questions:
        problem = _question_problem(question, answers, wanted)
        if problem is not None:
            problems.append(problem)
        if question.code in answers and (problem is None or problem.kind is not INVALID):
            readable[question.code] = answers[question.code]
    problems += _contradictions(ruleset, readable)
    problems += [
        Problem(code, INVALID, f"Rule set {ruleset.version} asks no question {code}.")
        for code in sorted(code for code in answers if not ruleset.has_question(code))
    ]
    return tuple(problems)


def evaluate(ruleset: RuleSet, answers: Answers) -> Guidance:
    """The guidance for complete, consistent answers (AnswersIncomplete otherwise)."""
    problems = check_answers(ruleset, answers)
    if problems:
        raise AnswersIncomplete(problems)
    red_flags = _red_flags(ruleset, answers)
    level = _level(red_flags)
    cautions = _cautions(ruleset, answers)
    pathways = tuple(
        Pathway(rule.code, rule.text)
        for rule in ruleset.pathways
        if rule.when.test(answers) is not None
    )
    recommendations = _recommendations(ruleset, answers, cautions) if level is Level.BOOK else ()
    return Guidance(
        level=level,
        recommendations=recommendations,
        cautions=cautions,
        red_flags=red_flags,
        pathways=pathways,
        ruleset_version=ruleset.version,
    )


def screen(ruleset: RuleSet, answers: Answers) -> Screen:
    """The red flags and cautions of whatever is answered, for intake and alerts. An
    unanswered question is no information; an answer the rule set cannot read (a code it
    does not ask, as an intake form has, or a value its question does not take) is
    ignored. Never raises for the answers."""
    readable = {code: value for code, value in answers.items() if _accepted(ruleset, code, value)}
    return Screen(red_flags=_red_flags(ruleset, readable), cautions=_cautions(ruleset, readable))


# --- Checking -------------------------------------------------------------------------


def _steps(ruleset: RuleSet, steps: Iterable[str] | None) -> frozenset[str]:
    if steps is None:
        return frozenset(ruleset.steps)
    wanted = frozenset((steps,) if isinstance(steps, str) else steps)
    unknown = wanted - set(ruleset.steps)
    if unknown:
        raise ValueError(f"rule set {ruleset.version} has no step {sorted(unknown)}")
    return wanted


def _question_problem(
    question: Question, answers: Answers, steps: frozenset[str]
) -> Problem | None:
    code = question.code
    if code not in answers:
        if question.step in steps and question.is_shown(answers):
            return Problem(code, ProblemKind.MISSING, f"Please answer: {question.text}")
        return None
    if not question.accepts(answers[code]):
        return Problem(code, INVALID, _invalid_message(question))
    if not question.is_shown(answers):
        return Problem(
            code,
            ProblemKind.CONTRADICTION,
            f"This question is asked only after another answer: {question.text}",
        )
    return None


def _invalid_message(question: Question) -> str:
    if question.kind is QuestionKind.NUMBER:
        return f"Please give a whole number from {question.min} to {question.max}."
    return "Please choose one of the answers given."


def _accepted(ruleset: RuleSet, code: str, value: object) -> bool:
    return ruleset.has_question(code) and ruleset.question(code).accepts(value)


def _contradictions(ruleset: RuleSet, answers: Answers) -> list[Problem]:
    problems = []
    for rule in ruleset.contradictions:
        codes = rule.when.test(answers)
        if codes is not None:
            problems += [
                Problem(code, ProblemKind.CONTRADICTION, rule.message)
                for code in ruleset.in_question_order(codes)
            ]
    return problems


# --- Red flags, cautions --------------------------------------------------------------


def _red_flags(ruleset: RuleSet, answers: Answers) -> tuple[RedFlag, ...]:
    raised = []
    for rule in ruleset.red_flag_rules:
        codes = rule.when.test(answers)
        if codes is not None:
            raised.append(
                RedFlag(
                    rule=rule.rule,
                    level=rule.level,
                    condition=rule.condition,
                    patient_text=rule.patient_text,
                    clinician_text=rule.clinician_text,
                    codes=_in_question_order(ruleset, codes),
                )
            )
    # Most urgent first; the file's order among equals (sorted() is stable).
    return tuple(sorted(raised, key=lambda flag: -flag.level.urgency))


def _level(red_flags: Sequence[RedFlag]) -> Level:
    return red_flags[0].level if red_flags else Level.BOOK


def _cautions(ruleset: RuleSet, answers: Answers) -> tuple[Caution, ...]:
    raised = []
    for rule in ruleset.caution_rules:
        codes = rule.when.test(answers)
        if codes is not None:
            raised.append(
                Caution(
                    rule=rule.rule,
                    level=rule.level,
                    modalities=rule.modalities,
                    reason=rule.reason,
                    codes=_in_question_order(ruleset, codes),
                    temporary=rule.temporary,
                )
            )
    return tuple(sorted(raised, key=lambda caution: -caution.level.strictness))


def _in_question_order(ruleset: RuleSet, codes: frozenset[str]) -> tuple[str, ...]:
    return ruleset.in_question_order(codes)


# --- Recommendations ------------------------------------------------------------------


def _recommendations(
    ruleset: RuleSet, answers: Answers, cautions: Sequence[Caution]
) -> tuple[Recommendation, ...]:
    scores: dict[Treatment, int] = {}
    reasons: dict[Treatment, list[Reason]] = {}
    for weight in ruleset.weights:
        codes = weight.when.test(answers)
        if codes is not None:
            scores[weight.treatment] = scores.get(weight.treatment, 0) + weight.points
            reasons.setdefault(weight.treatment, []).extend(
                _reasons(ruleset, answers, codes, weight.text)
            )
    stops = [c for c in cautions if c.level is CautionLevel.DO_NOT_TREAT]
    forbidden = frozenset().union(*(c.modalities for c in stops if not c.temporary))
    # A temporary stop (a contagious illness) says when to book, beside every treatment.
    wait_reasons = [
        Reason(code, answers[code], caution.reason)
        for caution in stops
        if caution.temporary
        for code in caution.codes
    ]
    limits = [
        (limit, codes)
        for limit in ruleset.limits
        if (codes := limit.when.test(answers)) is not None
    ]
    limit_reasons = wait_reasons + [
        reason
        for limit, codes in limits
        for reason in _reasons(ruleset, answers, codes, limit.text)
    ]
    offered = [
        spec
        for spec in ruleset.treatments
        if not (spec.essential & forbidden) and _services(spec, limits)
    ]
    main = [spec for spec in offered if not spec.add_on and scores.get(spec.code, 0) > 0]
    main.sort(key=lambda spec: -scores.get(spec.code, 0))  # stable: the file's order breaks ties
    add_ons = [spec for spec in offered if spec.add_on and scores.get(spec.code, 0) > 0]
    recommendations = [
        Recommendation(
            treatment=spec.code,
            services=_services(spec, limits),
            score=scores.get(spec.code, 0),
            reasons=_unique(reasons.get(spec.code, []) + limit_reasons),
            add_on=spec.add_on,
        )
        for spec in main + add_ons
    ]
    if not main:
        taken = [spec for spec in ruleset.treatments if scores.get(spec.code, 0) > 0]
        fallback = _fallback(ruleset, answers, offered, limits, stops, taken, limit_reasons)
        recommendations[:0] = fallback
    return tuple(recommendations)


def _fallback(
    ruleset: RuleSet,
    answers: Answers,
    offered: Sequence[TreatmentSpec],
    limits: Sequence[tuple[LimitRule, frozenset[str]]],
    stops: Sequence[Caution],
    taken: Sequence[TreatmentSpec],
    limit_reasons: Sequence[Reason],
) -> list[Recommendation]:
    """Nothing that scored may be offered (a limit or a do-not-treat caution took it
    away): the file's fallback (in v1 a physiotherapy assessment: physiotherapists assess,
    screen and choose what is safe), or else the first main treatment still offered."""
    rule = ruleset.fallback
    candidates = [spec for spec in offered if not spec.add_on]
    if not candidates:
        return []
    spec = next((s for s in candidates if s.code == rule.treatment), candidates[0])
    services = _services(spec, limits)
    if spec.code == rule.treatment and rule.services:
        services = tuple(slug for slug in services if slug in rule.services) or services
    # Why: the answers behind each do-not-treat caution that took a scored treatment away.
    stopped = [
        reason
        for caution in stops
        if not caution.temporary and any(s.essential & caution.modalities for s in taken)
        for reason in _reasons(ruleset, answers, frozenset(caution.codes), rule.text)
    ]
    return [
        Recommendation(
            treatment=spec.code,
            services=services,
            score=0,
            reasons=_unique([*stopped, *limit_reasons]),
        )
    ]


def _services(
    spec: TreatmentSpec, limits: Sequence[tuple[LimitRule, frozenset[str]]]
) -> tuple[str, ...]:
    """The treatment's services that every limit in force allows (none: not offered)."""
    services = spec.services
    for limit, _codes in limits:
        if spec.code not in limit.treatments:
            return ()
        if limit.services:
            services = tuple(slug for slug in services if slug in limit.services)
    return services


def _reasons(ruleset: RuleSet, answers: Answers, codes: frozenset[str], text: str) -> list[Reason]:
    return [Reason(code, answers[code], text) for code in _in_question_order(ruleset, codes)]


def _unique(reasons: Sequence[Reason]) -> tuple[Reason, ...]:
    return tuple(dict.fromkeys(reasons))
