"""The patient's home exercises, phone first: /my/exercises/ shows today's sessions of
each program they follow — theirs and each dependent's whose bookings they manage —
with a big "Done" per session and an optional pain score, each exercise's dosage and
instructions, and the daily reminder (on at a time, or off). A tick made by mistake is
undone the same day. /my/exercises/<program>/print/ is the printable handout, which the
practitioners in the patient's care open too.

HTTP only: rehabdesk.access.exercises authorizes (FOLLOW_PROGRAM; the handout also
VIEW_CLINICAL) and audits the look, rehabdesk.exercises.services makes and audits each
change. Refusals are shown on the page with the table's status (a session ticked
already: 409).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from rehabdesk.access.exercises import (
    followed_program_for,
    followed_session_for,
    handout_for,
    my_programs_for,
)
from rehabdesk.accounts.models import User
from rehabdesk.clinic.selectors import clinic_current
from rehabdesk.exercises import services
from rehabdesk.exercises.errors import ExerciseError
from rehabdesk.exercises.selectors import today_for
from rehabdesk.web.portal.my_views import own_patient_id
from rehabdesk.web.refusals import page_status

PAIN_CHOICES = [("", "Not said"), *[(str(n), str(n)) for n in range(0, 11)]]


class TickForm(forms.Form):
    number = forms.IntegerField(min_value=1, max_value=services.SESSIONS_PER_DAY[1])
    day = forms.DateField()
    pain = forms.TypedChoiceField(
        label="Pain now, 0 to 10 (optional)",
        choices=PAIN_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
    )


class ReminderForm(forms.Form):
    at = forms.TimeField(
        label="Remind me each day at",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    action = forms.ChoiceField(choices=[("set", "set"), ("off", "off")])

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("action") == "set" and cleaned.get("at") is None:
            self.add_error("at", "Choose the time of your reminder.")
        return cleaned


def _signed_in(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _page(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    own_id = own_patient_id(request)
    people = my_programs_for(user=request.user, now=timezone.now())
    return render(
        request,
        "web/exercises/my_exercises.html",
        {"people": people, "own_id": own_id, "error": error, "pain_choices": PAIN_CHOICES},
        status=status,
    )


def _back(program_id: int) -> HttpResponse:
    return redirect(reverse("my-exercises") + f"#program-{program_id}")


@never_cache
@require_GET
@login_required
def my_exercises(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@login_required
def tick(request: HttpRequest, program_id: int) -> HttpResponse:
    """Tick a session off; a double tap, or a tick racing another, is told and kept once."""
    own_patient_id(request)
    program = followed_program_for(user=request.user, program_id=program_id)
    form = TickForm(request.POST)
    if not form.is_valid():
        return _page(request, "That session could not be ticked: please try again.")
    try:
        services.session_tick(
            program=program,
            day=form.cleaned_data["day"],
            number=form.cleaned_data["number"],
            pain=form.cleaned_data["pain"],
            user=_signed_in(request),
            now=timezone.now(),
        )
    except ExerciseError as error:
        return _page(request, error.message, page_status(error))
    messages.success(request, "Well done: session ticked off.")
    return _back(program.pk)


@require_POST
@login_required
def undo(request: HttpRequest, program_id: int, session_id: int) -> HttpResponse:
    own_patient_id(request)
    session = followed_session_for(user=request.user, program_id=program_id, session_id=session_id)
    try:
        services.session_undo(session=session, user=_signed_in(request), now=timezone.now())
    except ExerciseError as error:
        return _page(request, error.message, page_status(error))
    messages.success(request, "Undone: that session is not ticked any more.")
    return _back(program_id)


@require_POST
@login_required
def reminder(request: HttpRequest, program_id: int) -> HttpResponse:
    own_patient_id(request)
    program = followed_program_for(user=request.user, program_id=program_id)
    form = ReminderForm(request.POST)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0] if form.errors else ""
        return _page(request, f"The reminder was not changed: {first}")
    at = form.cleaned_data["at"] if form.cleaned_data["action"] == "set" else None
    try:
        services.reminder_set(program=program, at=at, user=_signed_in(request), now=timezone.now())
    except ExerciseError as error:
        return _page(request, error.message, page_status(error))
    messages.success(
        request, "Reminder set: one e-mail a day at that time." if at else "Reminder turned off."
    )
    return _back(program.pk)


@never_cache
@require_GET
@login_required
def handout(request: HttpRequest, program_id: int) -> HttpResponse:
    """The program on paper: the clinic, the patient, the frequency and each exercise
    with its dosage and instructions."""
    program = handout_for(user=request.user, program_id=program_id)
    return render(
        request,
        "web/exercises/handout.html",
        {
            "program": program,
            "patient": program.patient,
            "clinic": clinic_current(),
            "today": today_for(patient_id=program.patient_id, now=timezone.now()),
        },
    )


urlpatterns: list[URLPattern] = [
    path("my/exercises/", my_exercises, name="my-exercises"),
    path("my/exercises/<int:program_id>/tick/", tick, name="my-exercise-tick"),
    path(
        "my/exercises/<int:program_id>/sessions/<int:session_id>/undo/",
        undo,
        name="my-exercise-undo",
    ),
    path("my/exercises/<int:program_id>/reminder/", reminder, name="my-exercise-reminder"),
    path("my/exercises/<int:program_id>/print/", handout, name="my-exercise-handout"),
]
