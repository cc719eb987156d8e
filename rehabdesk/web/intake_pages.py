"""The health intake's pages, one section per screen, shared by the three doors to it:
the patient portal (/my/intake/…), the e-mailed manage link (/manage/<token>/intake/…)
and the front desk typing a paper form in (/staff/patients/<id>/intake/enter/…).

Each door authorizes (access/intake.py) and hands over a `Filling`; these functions
read the form, call one service, and render. Without JavaScript: every question is
on the page (one that applies only after another answer says so, "If you are
pregnant: …"), and "Save and continue" posts the section. HTTP only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from rehabdesk.access.intake import IntakeState
from rehabdesk.intake.choices import IntakeChannel, IntakeStatus
from rehabdesk.intake.errors import IntakeError, IntakeErrorCode
from rehabdesk.intake.form import (
    IntakeForm,
    Kind,
    Question,
    Section,
    answers_shown,
    as_sequence,
    load_form,
    missing,
)
from rehabdesk.intake.services import intake_section_save, intake_start, intake_submit
from rehabdesk.web.refusals import page_status


@dataclass(frozen=True)
class Filling:
    """One intake being filled in, through one of the doors, and where its pages are."""

    state: IntakeState
    actor: Any  # the signed-in user, or None through an e-mailed link
    channel: IntakeChannel
    route: str  # "my-intake", "manage-intake" or "staff-intake-enter"
    kwargs: dict[str, object]
    whose: str  # "your", "Charlie's", "Alice Anders's"
    done_url: str  # where to go once it is sent
    back_url: str = ""  # the appointment or the patient's page
    template: str = "web/intake/_patient_layout.html"

    def url(self, page: str = "", section: str = "") -> str:
        if section:
            return reverse(f"{self.route}-section", kwargs={**self.kwargs, "section": section})
        return reverse(f"{self.route}-{page}" if page else self.route, kwargs=self.kwargs)

    @property
    def start_url(self) -> str:
        return self.url()

    @property
    def review_url(self) -> str:
        return self.url("review")

    @property
    def by_desk(self) -> bool:
        return self.channel == IntakeChannel.PAPER


Door = Callable[[HttpRequest, Filling], HttpResponse]


@dataclass(frozen=True)
class ShownQuestion:
    """A question as the page shows it: its values and its problem."""

    question: Question
    values: tuple[str, ...]
    error: str

    @property
    def value(self) -> str:
        return self.values[0] if self.values else ""

    @property
    def conditional(self) -> bool:
        return bool(self.question.shown_when)

    @property
    def input_type(self) -> str:
        return {
            Kind.NUMBER: "number",
            Kind.DATE: "date",
            Kind.EMAIL: "email",
            Kind.PHONE: "tel",
        }.get(self.question.kind, "text")

    @property
    def autocomplete(self) -> str:
        return {
            "contact_phone": "tel",
            "contact_email": "email",
            "contact_address": "street-address",
        }.get(self.question.code, "off")

    @property
    def grouped(self) -> bool:
        return self.question.kind in {Kind.YES_NO, Kind.CHOICE, Kind.MULTI_CHOICE}


def start(request: HttpRequest, filling: Filling) -> HttpResponse:
    """Where the intake stands; POST begins it (or carries on) at the first section
    with questions still to answer."""
    state = filling.state
    if request.method == "POST":
        try:
            response = intake_start(
                patient=state.patient,
                channel=filling.channel,
                actor=filling.actor,
                now=timezone.now(),
            )
        except IntakeError as refusal:
            messages.error(request, refusal.message)
            return redirect(filling.start_url)
        form = load_form(response.form_version)
        gaps = missing(form, response.answers)
        first = next((s.code for s in form.sections if s.code in gaps), None)
        return redirect(filling.url(section=first) if first else filling.review_url)
    form = load_form(state.draft.form_version if state.draft else None)
    gaps = missing(form, state.draft.answers) if state.draft else {}
    context = {
        "filling": filling,
        "form": form,
        "state": state,
        "sections": [
            (section, section.code not in gaps, filling.url(section=section.code))
            for section in form.sections
        ],
    }
    return render(request, "web/intake/start.html", context)


def section_page(request: HttpRequest, filling: Filling, section_code: str) -> HttpResponse:
    """One section: its questions, saved together ("Save and continue"), or kept as
    they are to finish later ("Save and finish later")."""
    draft = filling.state.draft
    if draft is None:
        return redirect(filling.start_url)  # not begun, sent already, or not theirs
    form = load_form(draft.form_version)
    section = form.section(section_code)
    if section is None:
        return render(request, "web/intake/missing.html", {"filling": filling}, status=404)
    if request.method != "POST":
        return _section(request, filling, form, section, draft.answers, {})
    sent = _sent(request, section)
    later = request.POST.get("go") == "later"
    try:
        intake_section_save(
            response=draft,
            section=section.code,
            answers=sent,
            channel=filling.channel,
            actor=filling.actor,
            now=timezone.now(),
            partial=later,
        )
    except IntakeError as refusal:
        if refusal.code != IntakeErrorCode.INVALID_ANSWERS:
            messages.error(request, refusal.message)
            return redirect(filling.start_url)
        errors = {problem.code: problem.message for problem in refusal.problems}
        return _section(request, filling, form, section, sent, errors, status=page_status(refusal))
    if later:
        messages.success(request, "Saved. You can come back and finish it any time.")
        return redirect(filling.start_url)
    following = _following(form, section)
    return redirect(filling.url(section=following.code) if following else filling.review_url)


def review(request: HttpRequest, filling: Filling) -> HttpResponse:
    """Every answer read back, section by section, and the button that sends it."""
    draft = filling.state.draft
    if draft is None:
        return redirect(filling.start_url)
    form = load_form(draft.form_version)
    problems: list[str] = []
    refusal: IntakeError | None = None
    if request.method == "POST":
        try:
            intake_submit(
                response=draft, channel=filling.channel, actor=filling.actor, now=timezone.now()
            )
        except IntakeError as error:
            if error.code != IntakeErrorCode.INCOMPLETE:
                messages.error(request, error.message)
                return redirect(filling.start_url)
            refusal = error
            problems = [problem.message for problem in error.problems]
        else:
            messages.success(
                request,
                "The health form is sent. Thank you."
                if filling.by_desk
                else "Thank you: your health form is sent. Your practitioner will read it "
                "before your visit.",
            )
            return redirect(filling.done_url)
    gaps = missing(form, draft.answers)
    context = {
        "filling": filling,
        "form": form,
        "answered": answers_shown(form, draft.answers),
        "gaps": gaps,
        "problems": problems,
    }
    return render(request, "web/intake/review.html", context, status=page_status(refusal))


def _section(
    request: HttpRequest,
    filling: Filling,
    form: IntakeForm,
    section: Section,
    answers: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> HttpResponse:
    index = form.sections.index(section)
    shown = [
        ShownQuestion(q, tuple(as_sequence(answers.get(q.code))), errors.get(q.code, ""))
        for q in section.questions
    ]
    context = {
        "filling": filling,
        "form": form,
        "section": section,
        "questions": shown,
        "errors": [(s.question, s.error) for s in shown if s.error],
        "step": index + 1,
        "steps": len(form.sections),
        "previous": form.sections[index - 1] if index else None,
        "previous_url": filling.url(section=form.sections[index - 1].code) if index else "",
        "today": timezone.localdate().isoformat(),
    }
    return render(request, "web/intake/section.html", context, status=status)


def _sent(request: HttpRequest, section: Section) -> dict[str, object]:
    """What the browser sent for this section's questions (nothing else is read)."""
    sent: dict[str, object] = {}
    for question in section.questions:
        if question.kind == Kind.MULTI_CHOICE:
            sent[question.code] = request.POST.getlist(question.code)
        else:
            sent[question.code] = request.POST.get(question.code, "")
    return sent


def _following(form: IntakeForm, section: Section) -> Section | None:
    index = form.sections.index(section)
    return form.sections[index + 1] if index + 1 < len(form.sections) else None


def status_words(status: IntakeStatus | None) -> str:
    """The intake's status as everyone may read it (the desk included)."""
    if status == IntakeStatus.SUBMITTED:
        return "complete"
    if status == IntakeStatus.DRAFT:
        return "started, not sent yet"
    return "not yet"
