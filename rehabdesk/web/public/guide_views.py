"""The public guide, "Which treatment is right for me?": red flags first, then what
brings the visitor in, then the safety screen, then the result with its reasons.

HTTP only: each step's questions come from the rule set (rehabdesk.guidance.rules)
and its answers are checked by the rules' check_answers; the result is evaluated
and stored by guidance.services.guide_result_record and shown from what was stored.
The answers are health information: they are kept server-side in the visitor's
session between steps, never in a URL. The rule-set version is fixed when the guide
starts, so a version published meanwhile never mixes two sets of questions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.clinic.models import Location
from rehabdesk.clinic.selectors import locations_active
from rehabdesk.guidance.errors import GuidanceError, GuidanceErrorCode
from rehabdesk.guidance.models import GuideResult
from rehabdesk.guidance.rules import RuleSet, check_answers
from rehabdesk.guidance.selectors import guide_result_unlinked
from rehabdesk.guidance.services import guide_result_record
from rehabdesk.guidance.told import emergency_now, ruleset_for
from rehabdesk.web.online import session as booking_session
from rehabdesk.web.public.guide_forms import ANSWER_NEEDED, StepForm
from rehabdesk.web.public.guide_result import result_context
from rehabdesk.web.refusals import page_status

SESSION_KEY = "treatment_guide"
# The steps in order: (the rules' step, the page's route name, its heading, its intro).
STEPS: tuple[tuple[str, str, str, str], ...] = (
    (
        "red_flags",
        "guide-red-flags",
        "First, some safety questions",
        "Some problems need a doctor before anything else. Have you had any of these?",
    ),
    ("reason", "guide-reason", "What brings you in?", "Tell us about the problem."),
    (
        "screen",
        "guide-screen",
        "About your health",
        "A few questions so that treatment is safe for you.",
    ),
)
STEP_NAMES = [step for step, *_ in STEPS]
UNANSWERED_LISTED = 3  # more questions left unanswered are summed up in one line
UNANSWERED = "Please answer the {} questions marked below."


def _state(request: HttpRequest) -> dict[str, Any]:
    found = request.session.get(SESSION_KEY)
    return found if isinstance(found, dict) else {}


def _save(request: HttpRequest, state: dict[str, Any]) -> None:
    request.session[SESSION_KEY] = state
    request.session.modified = True


def _answers(request: HttpRequest) -> dict[str, str | int]:
    answers = _state(request).get("answers")
    return dict(answers) if isinstance(answers, dict) else {}


def _done(request: HttpRequest) -> list[str]:
    done = _state(request).get("done")
    return [step for step in done if step in STEP_NAMES] if isinstance(done, list) else []


def _route(step: str) -> str:
    return STEPS[STEP_NAMES.index(step)][1]


@require_http_methods(["GET", "POST"])
def guide_start(request: HttpRequest) -> HttpResponse:
    """What the guide is (and is not), and a button that starts it afresh: answers of an
    earlier visitor on this browser are dropped, and the latest rule set is chosen."""
    if request.method == "POST":
        try:
            ruleset = ruleset_for(None)
        except GuidanceError as refusal:
            return _refused(request, refusal)
        _save(request, {"version": ruleset.version, "answers": {}, "done": []})
        booking_session.forget_guide(request)  # the earlier result no longer speaks for them
        return redirect("guide-red-flags")
    return render(request, "web/public/guide/start.html", {"phones": _phones()})


def _phones() -> list[Location]:
    """Each location's name and phone: the "call us" path every result keeps."""
    return list(locations_active())


def _refused(request: HttpRequest, refusal: GuidanceError) -> HttpResponse:
    """A rule set no longer known: nothing is recommended, the visitor starts again."""
    request.session.pop(SESSION_KEY, None)
    return render(
        request,
        "web/public/guide/start.html",
        {"phones": _phones(), "refusal": refusal.message},
        status=page_status(refusal),
    )


def _step_view(step: str) -> Any:
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest) -> HttpResponse:
        return _step(request, step)

    view.__name__ = f"guide_{step}"
    return view


def _step(request: HttpRequest, step: str) -> HttpResponse:
    state = _state(request)
    if "version" not in state:
        return redirect("guide-start")
    index = STEP_NAMES.index(step)
    missing = [earlier for earlier in STEP_NAMES[:index] if earlier not in _done(request)]
    if missing:
        return redirect(_route(missing[0]))
    try:
        ruleset = ruleset_for(state["version"])
    except GuidanceError as refusal:
        return _refused(request, refusal)
    answers = _answers(request)
    if request.method == "GET":
        return _render_step(request, StepForm(ruleset, step, initial=answers), index)
    form = StepForm(ruleset, step, data=request.POST)
    if not form.is_valid():
        return _render_step(request, form, index)
    merged = {code: value for code, value in answers.items() if code not in form.fields}
    merged.update(form.answers(merged))
    steps = STEP_NAMES[: index + 1]
    earlier = form.add_problems(check_answers(ruleset, merged, steps=steps))
    if form.errors or earlier:
        return _render_step(request, form, index, earlier=earlier)
    state["answers"] = merged
    state["done"] = [*[s for s in _done(request) if s != step], step]
    _save(request, state)
    finished = index == len(STEPS) - 1
    if finished or (step == "red_flags" and emergency_now(ruleset, merged)):
        return _record(request, ruleset, merged)
    return redirect(STEPS[index + 1][1])


def _record(request: HttpRequest, ruleset: RuleSet, answers: dict[str, str | int]) -> HttpResponse:
    try:
        result = guide_result_record(
            answers=_only_asked(ruleset, answers),
            ruleset_version=ruleset.version,
            now=timezone.now(),
        )
    except GuidanceError as refusal:
        if refusal.code != GuidanceErrorCode.ANSWERS_INCOMPLETE:
            return _refused(request, refusal)
        return _back_to_problem(request, refusal)
    state = _state(request)
    state["result"] = result.pk
    _save(request, state)
    booking_session.remember_guide(request, result.pk)
    return redirect("guide-result")


def _only_asked(ruleset: RuleSet, answers: dict[str, str | int]) -> dict[str, str | int]:
    """The answers to submit: after an emergency on the red flags, only those (answers
    left from an earlier pass through the later steps are not what was submitted)."""
    if emergency_now(ruleset, answers):
        codes = {question.code for question in ruleset.step_questions(STEP_NAMES[0])}
        return {code: value for code, value in answers.items() if code in codes}
    return answers


def _back_to_problem(request: HttpRequest, refusal: GuidanceError) -> HttpResponse:
    """Answers the rules could not read (changed on an earlier step meanwhile): back to
    the first step with a problem, which shows it."""
    state = _state(request)
    ruleset = ruleset_for(state.get("version"))
    codes = {problem.code for problem in refusal.problems}  # type: ignore[attr-defined]
    step = next(
        (q.step for q in ruleset.questions if q.code in codes and q.step in STEP_NAMES),
        STEP_NAMES[0],
    )
    state["done"] = STEP_NAMES[: STEP_NAMES.index(step)]
    _save(request, state)
    messages.error(request, refusal.message)
    return redirect(_route(step))


def _render_step(
    request: HttpRequest,
    form: StepForm,
    index: int,
    *,
    earlier: list[Any] | None = None,
) -> HttpResponse:
    step, _, heading, intro = STEPS[index]
    told = form.ruleset.step_texts.get(step)
    if told is not None:
        heading, intro = told.title or heading, told.text or intro
    earlier_links = []
    for problem in earlier or []:
        known = form.ruleset.has_question(problem.code)
        where = form.ruleset.question(problem.code).step if known else STEP_NAMES[0]
        earlier_links.append({"message": problem.message, "route": _route(where)})
    return render(
        request,
        "web/public/guide/step.html",
        {
            "questions": form.shown(),
            "step": step,
            "heading": heading,
            "intro": intro,
            "number": index + 1,
            "count": len(STEPS),
            "previous": STEPS[index - 1][1] if index else "",
            "earlier": earlier_links,
            "summary": error_summary(form),
        },
    )


def error_summary(form: StepForm) -> list[dict[str, str]]:
    """The errors at the top of a step, each a link to its question; many questions
    simply left unanswered are one line ("Please answer the 13 questions marked
    below"), so that the summary stays shorter than the form."""
    errors = [(name, str(error)) for name, found in form.errors.items() for error in found]
    unanswered = [name for name, error in errors if error == ANSWER_NEEDED]
    if len(unanswered) > UNANSWERED_LISTED:
        errors = [(name, error) for name, error in errors if error != ANSWER_NEEDED]
        first = {"anchor": unanswered[0], "message": UNANSWERED.format(len(unanswered))}
        return [first, *_summary_lines(form, errors)]
    return _summary_lines(form, errors)


def _summary_lines(form: StepForm, errors: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [
        {"anchor": name, "message": f"{error} — {form.fields[name].label}"}
        for name, error in errors
        if name in form.fields
    ]


@require_GET
def guide_result(request: HttpRequest) -> HttpResponse:
    """The result as it was stored (so as it was told), with its reasons and, for a
    visit the guide suggests, buttons that open online booking with the service."""
    result_id = _state(request).get("result")
    result: GuideResult | None = (
        guide_result_unlinked(result_id=result_id) if isinstance(result_id, int) else None
    )
    if result is None:
        return redirect("guide-start")
    return render(
        request, "web/public/guide/result.html", {**result_context(result), "phones": _phones()}
    )


urlpatterns: list[URLPattern] = [
    path("guide/", guide_start, name="guide-start"),
    path("guide/red-flags/", _step_view("red_flags"), name="guide-red-flags"),
    path("guide/reason/", _step_view("reason"), name="guide-reason"),
    path("guide/health/", _step_view("screen"), name="guide-screen"),
    path("guide/result/", guide_result, name="guide-result"),
]
