"""The guide's result page as data for its template: read from the stored result (so
the visitor sees what was told, whatever rule set is current), with the online
services each suggestion may be booked as. The rule set of the result's version is
read only for the words of its questions and answers ("you said …")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from rehabdesk.clinic.choices import PatientEligibility
from rehabdesk.clinic.selectors import services_online
from rehabdesk.guidance.choices import GuideLevel
from rehabdesk.guidance.errors import GuidanceError
from rehabdesk.guidance.models import GuideResult
from rehabdesk.guidance.rules import QuestionKind, RuleSet
from rehabdesk.guidance.told import ruleset_for

TREATMENTS = {
    "physiotherapy": "Physiotherapy",
    "massage_therapy": "Massage therapy",
    "pelvic_health": "Pelvic health physiotherapy",
    "acupuncture": "Acupuncture, alongside your treatment",
    "bracing": "A custom brace",
}
SERVICES_SHOWN = 2  # "Book" buttons per suggestion
# The rule file cites its sources for clinicians ("[S49]"); a visitor reads the advice.
CITATION = re.compile(r"\s*\[S\d+[a-z]?\]")


def _plain_words(text: str) -> str:
    return CITATION.sub("", text).strip()


def _unique(texts: Iterable[str]) -> list[str]:
    """Texts as a visitor reads them: without citations, each once, in order."""
    return list(dict.fromkeys(filter(None, map(_plain_words, texts))))


def _ruleset(version: int) -> RuleSet | None:
    try:
        return ruleset_for(version)
    except GuidanceError:
        return None


def _said(ruleset: RuleSet | None, code: str, answer: object) -> str:
    """What the visitor said, in their words: “Back or neck pain”, yes to “…”."""
    if ruleset is None or not ruleset.has_question(code):
        return ""
    question = ruleset.question(code)
    if question.kind == QuestionKind.NUMBER:
        return f"“{answer}” to “{question.text}”"
    chosen = next((c.text for c in question.choices if c.code == answer), str(answer))
    if question.kind == QuestionKind.YES_NO:
        return f"{chosen.lower()} to “{question.text}”"
    return f"“{chosen}”"


def book_url(slug: str) -> str:
    """Online booking's first step with the service chosen (still asking whether the
    visitor has been here before)."""
    return f"{reverse('book-start')}?{urlencode({'service': slug})}"


def _reasons(ruleset: RuleSet | None, reasons: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Each reason's text once, with every answer that drove it ("“A recent injury”
    and 3 to “How many weeks ago did it start?”")."""
    said_for: dict[str, list[str]] = {}
    for reason in reasons:
        text = _plain_words(str(reason.get("text", "")))
        if text:
            said = _said(ruleset, str(reason.get("code", "")), reason.get("answer"))
            said_for.setdefault(text, [])
            if said and said not in said_for[text]:
                said_for[text].append(said)
    return [{"text": text, "said": " and ".join(said)} for text, said in said_for.items()]


def _suggestions(told: dict[str, Any], ruleset: RuleSet | None) -> list[dict[str, Any]]:
    recommendations = told.get("recommendations") or []
    slugs = {slug for rec in recommendations for slug in rec.get("services") or []}
    # Names and slugs only: the prices' tax rates services_online() fetches are not shown.
    offered = services_online().filter(slug__in=slugs).prefetch_related(None)
    online = {service.slug: service for service in offered}
    suggestions = []
    for rec in recommendations:
        services = [online[slug] for slug in rec.get("services") or [] if slug in online]
        treatment = str(rec.get("treatment", ""))
        suggestions.append(
            {
                "treatment": TREATMENTS.get(treatment, treatment.replace("_", " ").capitalize()),
                "add_on": bool(rec.get("add_on")),
                "reasons": _reasons(ruleset, rec.get("reasons") or []),
                "services": [
                    {
                        "name": service.name,
                        "url": book_url(service.slug),
                        "returning_only": service.patient_eligibility
                        == PatientEligibility.EXISTING_ONLY,
                    }
                    for service in services[:SERVICES_SHOWN]
                ],
            }
        )
    return suggestions


def result_context(result: GuideResult) -> dict[str, Any]:
    told: dict[str, Any] = result.result
    level = told.get("level", result.level)
    ruleset = _ruleset(result.ruleset_version)
    said = [
        _said(ruleset, code, result.answers.get(code))
        for flag in told.get("red_flags") or []
        for code in flag.get("codes") or []
    ]
    return {
        "level": level,
        "levels": GuideLevel,
        # Why a doctor first: what they said, never the condition a clinician would name.
        "red_flags_said": _unique(said),
        # What to do, from the flags that set the level (a lesser one would contradict it).
        "red_flags_text": _unique(
            flag.get("patient_text", "")
            for flag in told.get("red_flags") or []
            if flag.get("level") == level
        ),
        "suggestions": _suggestions(told, ruleset) if level == GuideLevel.BOOK else [],
        "cautions": _unique(caution.get("reason", "") for caution in told.get("cautions") or []),
        "pathways": _unique(pathway.get("text", "") for pathway in told.get("pathways") or []),
        "version": result.ruleset_version,
    }
