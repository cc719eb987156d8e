"""The guide's result page as data for its template: read from the stored result (so
the visitor sees what was told, whatever rule set is current), with the online
services each suggestion may be booked as."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from rehabdesk.clinic.selectors import services_online
from rehabdesk.guidance.choices import GuideLevel
from rehabdesk.guidance.errors import GuidanceError
from rehabdesk.guidance.models import GuideResult
from rehabdesk.guidance.told import ruleset_for

TREATMENTS = {
    "physiotherapy": "Physiotherapy",
    "massage_therapy": "Massage therapy",
    "pelvic_health": "Pelvic health physiotherapy",
    "acupuncture": "Acupuncture, alongside your treatment",
    "bracing": "A custom brace",
}
SERVICES_SHOWN = 2  # "Book this" buttons per suggestion
# The rule file cites its sources for clinicians ("[S49]"); a visitor reads the advice.
CITATION = re.compile(r"\s*\[S\d+[a-z]?\]")


def _plain_words(text: str) -> str:
    return CITATION.sub("", text).strip()


def _unique(texts: Iterable[str]) -> list[str]:
    """Texts as a visitor reads them: without citations, each once, in order."""
    return list(dict.fromkeys(filter(None, map(_plain_words, texts))))


def _question_texts(version: int) -> dict[str, str]:
    try:
        ruleset = ruleset_for(version)
    except GuidanceError:
        return {}
    return {question.code: question.text for question in ruleset.questions}


def book_url(slug: str) -> str:
    """Online booking's first step with the service chosen (still asking whether the
    visitor has been here before)."""
    return f"{reverse('book-start')}?{urlencode({'service': slug})}"


def _suggestions(told: dict[str, Any]) -> list[dict[str, Any]]:
    recommendations = told.get("recommendations") or []
    slugs = {slug for rec in recommendations for slug in rec.get("services") or []}
    online = {service.slug: service for service in services_online().filter(slug__in=slugs)}
    suggestions = []
    for rec in recommendations:
        services = [online[slug] for slug in rec.get("services") or [] if slug in online]
        treatment = str(rec.get("treatment", ""))
        suggestions.append(
            {
                "treatment": TREATMENTS.get(treatment, treatment.replace("_", " ").capitalize()),
                "add_on": bool(rec.get("add_on")),
                "reasons": _unique(reason.get("text", "") for reason in rec.get("reasons") or []),
                "services": [
                    {"name": service.name, "url": book_url(service.slug)}
                    for service in services[:SERVICES_SHOWN]
                ],
            }
        )
    return suggestions


def result_context(result: GuideResult) -> dict[str, Any]:
    told: dict[str, Any] = result.result
    level = told.get("level", result.level)
    texts = _question_texts(result.ruleset_version)
    red_flags = [
        {
            "text": _plain_words(flag.get("patient_text", "")),
            "said": [texts.get(code, "") for code in flag.get("codes") or [] if texts.get(code)],
        }
        for flag in told.get("red_flags") or []
    ]
    book = level == GuideLevel.BOOK
    return {
        "level": level,
        "levels": GuideLevel,
        "red_flags": red_flags,
        "suggestions": _suggestions(told) if book else [],
        "cautions": _unique(caution.get("reason", "") for caution in told.get("cautions") or []),
        "pathways": _unique(pathway.get("text", "") for pathway in told.get("pathways") or []),
        "version": result.ruleset_version,
    }
