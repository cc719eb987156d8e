"""A patient's home exercise programs for the practitioners in their care:
/staff/patients/<id>/exercises/ (the programs with their adherence), a new program
(…/new/), a change (…/<program>/change/) and a stop (…/<program>/stop/).

The editor is one page working without JavaScript: pick exercises from the library by
region and words, each added with the library's dosage filled in, then the frequency
and notes, and save. "Search", "Add" and "Remove" post the form to itself and show it
again with what was typed; only "Save" writes, through one service call.

HTTP only: rehabdesk.access.exercises authorizes (VIEW_CLINICAL, CHANGE_CLINICAL) and
audits the look, rehabdesk.exercises.services makes and audits the change. Anyone else
gets the same 404 as for a patient who does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.access.exercises import patient_for_program, program_for, programs_for
from rehabdesk.access.policy import Action
from rehabdesk.accounts.models import User
from rehabdesk.exercises import services
from rehabdesk.exercises.choices import BodyRegion
from rehabdesk.exercises.errors import ExerciseError
from rehabdesk.exercises.models import Exercise, Program
from rehabdesk.exercises.selectors import exercise_library, exercises_by_ids, today_for
from rehabdesk.patients.models import Patient
from rehabdesk.web.refusals import page_status
from rehabdesk.web.staff.exercise_forms import (
    ItemFormSet,
    LibrarySearchForm,
    ProgramForm,
    item_row,
    rows_posted,
)

PROGRAM_FIELDS = {"sessions_per_day", "days_per_week", "starts_on", "ends_on", "notes"}


def _signed_in(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _programs_page(patient_id: int) -> str:
    return reverse("exercise-programs", kwargs={"patient_id": patient_id})


@require_GET
@login_required
def programs(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's programs, those in force first, each with its adherence."""
    seen = programs_for(user=request.user, patient_id=patient_id, now=timezone.now())
    return render(
        request,
        "web/exercises/programs.html",
        {"patient": seen.patient, "seen": seen},
    )


@require_http_methods(["GET", "POST"])
@login_required
def program_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_for_program(
        user=request.user, patient_id=patient_id, view=request.method == "GET"
    )
    today = today_for(patient_id=patient.pk, now=timezone.now())
    initial = {"starts_on": today, "sessions_per_day": 1, "days_per_week": 7}
    return _editor(request, patient, None, initial, [])


@require_http_methods(["GET", "POST"])
@login_required
def program_change(request: HttpRequest, patient_id: int, program_id: int) -> HttpResponse:
    program = program_for(
        user=request.user,
        program_id=program_id,
        patient_id=patient_id,
        actions=(Action.CHANGE_CLINICAL,),
        view=request.method == "GET",
    )
    if program.stopped_at is not None:
        messages.error(request, "This program was stopped: prescribe a new one instead.")
        return redirect(_programs_page(patient_id))
    initial = {
        "sessions_per_day": program.sessions_per_day,
        "days_per_week": program.days_per_week,
        "ends_on": program.ends_on,
        "notes": program.notes,
        "revision": program.revision,
    }
    rows = [
        {
            "exercise": item.exercise_id,
            "sets": item.sets,
            "reps": item.reps,
            "hold_seconds": item.hold_seconds,
            "notes": item.notes,
        }
        for item in program.current_items  # type: ignore[attr-defined]
    ]
    return _editor(request, program.patient, program, initial, rows)


def _editor(
    request: HttpRequest,
    patient: Patient,
    program: Program | None,
    initial: dict[str, Any],
    rows: list[dict[str, Any]],
) -> HttpResponse:
    """The editor's GET, its "Search"/"Add"/"Remove" round trips, and its "Save"."""
    changing = program is not None
    if request.method == "GET":
        form = ProgramForm(initial=initial, changing=changing)
        search = LibrarySearchForm(request.GET or None)
        return _show(request, patient, program, form, ItemFormSet(initial=rows), search)
    search = LibrarySearchForm(request.POST)
    action = request.POST.get("action", "")
    if action == "save":
        form = ProgramForm(request.POST, changing=changing)
        items = ItemFormSet(request.POST)
        saved = _save(request, patient, program, form, items)
        if saved is not None:
            return saved
        return _show(request, patient, program, form, items, search, refused=True)
    rows = _rows_after(request, list(rows_posted(request.POST)))
    typed = {k: request.POST[k] for k in (*PROGRAM_FIELDS, "revision") if k in request.POST}
    form = ProgramForm(initial={**initial, **typed}, changing=changing)
    return _show(request, patient, program, form, ItemFormSet(initial=rows), search)


def _rows_after(request: HttpRequest, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows once "Add <exercise>" or "Remove <row>" is done."""
    add, remove = request.POST.get("add", ""), request.POST.get("remove", "")
    if remove.isdigit() and int(remove) < len(rows):
        rows.pop(int(remove))
    chosen = {row["exercise"] for row in rows}
    if add.isdigit() and add not in chosen and len(rows) < services.ITEMS_MAX:
        exercise = exercises_by_ids(ids=[int(add)]).get(int(add))
        if exercise is not None and exercise.active:
            rows.append(item_row(exercise))
    return rows


def _save(
    request: HttpRequest,
    patient: Patient,
    program: Program | None,
    form: ProgramForm,
    items: Any,
) -> HttpResponse | None:
    if not (form.is_valid() and items.is_valid()):
        return None
    rows = [row for row in items.cleaned_data if row]
    library = exercises_by_ids(ids=[row["exercise"] for row in rows])
    if any(row["exercise"] not in library for row in rows):
        form.add_error(None, "An exercise chosen is not in the library: choose again.")
        return None
    chosen = [
        services.ItemInput(
            exercise=library[row["exercise"]],
            sets=row["sets"],
            reps=row.get("reps"),
            hold_seconds=row.get("hold_seconds"),
            notes=row.get("notes") or "",
        )
        for row in rows
    ]
    data = form.cleaned_data
    try:
        if program is None:
            services.program_prescribe(
                patient=patient,
                items=chosen,
                sessions_per_day=data["sessions_per_day"],
                days_per_week=data["days_per_week"],
                starts_on=data["starts_on"],
                ends_on=data.get("ends_on"),
                notes=data.get("notes") or "",
                user=_signed_in(request),
                now=timezone.now(),
            )
        else:
            services.program_change(
                program=program,
                items=chosen,
                sessions_per_day=data["sessions_per_day"],
                days_per_week=data["days_per_week"],
                ends_on=data.get("ends_on"),
                notes=data.get("notes") or "",
                revision=data.get("revision") or 0,
                user=_signed_in(request),
                now=timezone.now(),
            )
    except ExerciseError as error:
        field = error.field if error.field in PROGRAM_FIELDS & set(form.fields) else None
        form.add_error(field, error.message)
        request.refusal = error  # type: ignore[attr-defined]
        return None
    messages.success(request, "The program is saved." if program else "The program is prescribed.")
    return redirect(_programs_page(patient.pk))


def _show(
    request: HttpRequest,
    patient: Patient,
    program: Program | None,
    form: ProgramForm,
    items: Any,
    search: LibrarySearchForm,
    refused: bool = False,
) -> HttpResponse:
    region = q = ""
    if search.is_valid():
        region, q = search.cleaned_data["region"], search.cleaned_data["q"]
    library = exercise_library(region=region, text=q)
    ids = [_int(f["exercise"].value()) for f in items.forms]
    names = exercises_by_ids(ids=ids)
    rows = [(f, names.get(pk)) for f, pk in zip(items.forms, ids, strict=True)]
    status = page_status(getattr(request, "refusal", None)) if refused else 200
    return render(
        request,
        "web/exercises/program_form.html",
        {
            "patient": patient,
            "program": program,
            "form": form,
            "items": items,
            "rows": rows,
            "search": search,
            "library": _by_region(library),
            "chosen_ids": {e.pk for e in names.values()},
        },
        status=status,
    )


def _int(value: object) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 12 else 0


def _by_region(library: list[Exercise]) -> list[tuple[str, list[Exercise]]]:
    labels = dict(BodyRegion.choices)
    grouped: dict[str, list[Exercise]] = {}
    for exercise in library:
        grouped.setdefault(exercise.body_region, []).append(exercise)
    return [(labels.get(region, region), found) for region, found in grouped.items()]


@require_http_methods(["GET", "POST"])
@login_required
def program_stop(request: HttpRequest, patient_id: int, program_id: int) -> HttpResponse:
    program = program_for(
        user=request.user,
        program_id=program_id,
        patient_id=patient_id,
        actions=(Action.CHANGE_CLINICAL,),
        view=request.method == "GET",
    )
    error: ExerciseError | None = None
    if request.method == "POST":
        try:
            services.program_stop(
                program=program,
                reason=request.POST.get("reason", "")[: services.REASON_MAX + 1],
                user=_signed_in(request),
                now=timezone.now(),
            )
        except ExerciseError as refused:
            error = refused
        else:
            messages.success(request, "The program is stopped.")
            return redirect(_programs_page(patient_id))
    return render(
        request,
        "web/exercises/program_stop.html",
        {"patient": program.patient, "program": program, "error": error},
        status=page_status(error),
    )


urlpatterns: list[URLPattern] = [
    path("staff/patients/<int:patient_id>/exercises/", programs, name="exercise-programs"),
    path(
        "staff/patients/<int:patient_id>/exercises/new/", program_new, name="exercise-program-new"
    ),
    path(
        "staff/patients/<int:patient_id>/exercises/<int:program_id>/change/",
        program_change,
        name="exercise-program-change",
    ),
    path(
        "staff/patients/<int:patient_id>/exercises/<int:program_id>/stop/",
        program_stop,
        name="exercise-program-stop",
    ),
]
