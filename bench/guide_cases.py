"""The treatment guide's pages (issue 21): a step as a visitor opens it, and the last
step's POST, which checks the answers, evaluates them with the rule set, stores the
result and answers with the redirect to it. Each timed POST stores one anonymous
GuideResult in the dataset (nothing else reads them)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponseBase
from django.test import Client

from rehabdesk.guidance.rules import load_ruleset

Operation = Callable[[], object]
GUIDE_TARGET_P95_MS = 30.0
RESULT = "/guide/result/"


class GuideCaseError(Exception):
    pass


def _answers(step: str) -> dict[str, str]:
    """Everything "no" on the red flags and the screen; back pain for three weeks."""
    reason = {
        "reason": "back_neck",
        "onset_weeks": "3",
        "cause": "none",
        "pain_now": "5",
        "wants_needles": "no",
    }
    return {
        question.code: reason.get(question.code, "no")
        for question in load_ruleset(None).step_questions(step)
        if question.shown_when is None
    }


def _through_reason() -> Client:
    """A visitor who has started the guide and answered the first two steps."""
    client = Client()
    client.post("/guide/")
    for path, step in (("/guide/red-flags/", "red_flags"), ("/guide/reason/", "reason")):
        response = client.post(path, _answers(step))
        if response.status_code != 302:
            raise GuideCaseError(f"POST {path} answered {response.status_code}, not 302")
    return client


def guide_step_page() -> Operation:
    client = _through_reason()

    def get() -> HttpResponseBase:
        response = client.get("/guide/health/")
        if response.status_code != 200:
            raise GuideCaseError(f"GET /guide/health/ answered {response.status_code}")
        return response

    return get


def guide_result_post() -> Operation:
    client = _through_reason()
    answers = _answers("screen")

    def post() -> HttpResponseBase:
        response = client.post("/guide/health/", answers)
        if response.status_code != 302 or response["Location"] != RESULT:
            raise GuideCaseError(f"POST /guide/health/ answered {response.status_code}")
        return response

    return post


def guide_result_page() -> Operation:
    client = _through_reason()
    client.post("/guide/health/", _answers("screen"))

    def get() -> HttpResponseBase:
        response = client.get(RESULT)
        if response.status_code != 200:
            raise GuideCaseError(f"GET {RESULT} answered {response.status_code}")
        return response

    return get
