"""Signing a note, correcting a signed one, and an entry without a visit.

Signing asks once more, showing the name, designation and registration number the
note will carry; the rules a signature checks (fields required to sign, the needle
count, the consents an internal examination or sensitive areas need) come back as the
form's errors. A signed note never changes: a correction is a new entry (an amendment,
an addendum, or "entered in error") with its reason, the original kept.

HTTP only, like note_views.py: rehabdesk.access.notes authorizes and audits the look,
rehabdesk.care.services decides and audits the change.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from rehabdesk.access.notes import note_for, patient_for_note
from rehabdesk.access.policy import Action, person_for
from rehabdesk.care import services
from rehabdesk.care.choices import NoteKind, NoteRelation
from rehabdesk.care.errors import CareError
from rehabdesk.care.reading import note_sections
from rehabdesk.care.selectors import signer_of, templates_for
from rehabdesk.web.refusals import page_status
from rehabdesk.web.staff.note_forms import CorrectForm, StandaloneForm
from rehabdesk.web.staff.note_views import GENERAL_TEMPLATE, signed_in


def _refused(form: forms.Form, error: CareError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_http_methods(["GET", "POST"])
@login_required
def note_sign(request: HttpRequest, note_id: int) -> HttpResponse:
    """Sign the author's draft, after one more look."""
    note = note_for(user=request.user, note_id=note_id, action=Action.CHANGE_CLINICAL)
    if note.signed:
        messages.info(request, "This note is signed already; it can only be amended.")
        return redirect("note-edit", note_id=note.pk)
    form = forms.Form(request.POST if request.method == "POST" else None)
    refusal: CareError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            signed = services.note_sign(actor=signed_in(request), note=note, now=timezone.now())
        except CareError as error:
            refusal = error
            _refused(form, error)
        else:
            messages.success(request, "Signed. The note can no longer change.")
            return redirect("note-edit", note_id=signed.pk)
    return render(
        request,
        "web/care/note_sign.html",
        {
            "note": note,
            "patient": note.patient,
            "form": form,
            "sections": note_sections(note),
            "signer": signer_of(note=note),
            "mine": note.author_id == person_for(request.user).practitioner_id,
        },
        status=page_status(refusal),
    )


@require_http_methods(["GET", "POST"])
@login_required
def note_correct(request: HttpRequest, note_id: int) -> HttpResponse:
    """Amend a signed note, add to it, or mark it entered in error — with a reason."""
    note = note_for(user=request.user, note_id=note_id, action=Action.CHANGE_CLINICAL)
    form = CorrectForm(request.POST or None)
    refusal: CareError | None = None
    if request.method == "POST" and form.is_valid():
        relation = NoteRelation(form.cleaned_data["relation"])
        try:
            correction = services.note_correct(
                actor=signed_in(request),
                note=note,
                relation=relation,
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except CareError as error:
            refusal = error
            _refused(form, error)
        else:
            if relation == NoteRelation.ENTERED_IN_ERROR:
                messages.success(request, "Marked entered in error; the note stays on file.")
                return redirect("note-edit", note_id=note.pk)
            messages.success(request, f"{relation.label} started; sign it when it is written.")
            return redirect("note-edit", note_id=correction.pk)
    return render(
        request,
        "web/care/note_correct.html",
        {"note": note, "patient": note.patient, "form": form, "sections": note_sections(note)},
        status=page_status(refusal),
    )


@require_http_methods(["GET", "POST"])
@login_required
def note_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    """An entry without a visit: a phone or video consult, a letter, a missed visit."""
    patient = patient_for_note(user=request.user, patient_id=patient_id)
    now = timezone.now()
    templates = sorted(
        templates_for(discipline_id=None), key=lambda t: (t.code != GENERAL_TEMPLATE, t.name)
    )
    form = StandaloneForm(
        request.POST or None,
        templates=templates,
        now=timezone.localtime(now),
        initial={"kind": NoteKind.PHONE},
    )
    refusal: CareError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            note = services.note_start(
                actor=signed_in(request),
                template=form.chosen_template(),
                patient=patient,
                kind=NoteKind(form.cleaned_data["kind"]),
                encounter_at=form.cleaned_data["encounter_at"],
                now=now,
            )
        except CareError as error:
            refusal = error
            _refused(form, error)
        else:
            return redirect("note-edit", note_id=note.pk)
    return render(
        request,
        "web/care/note_new.html",
        {"patient": patient, "form": form},
        status=page_status(refusal),
    )


urlpatterns: list[URLPattern] = [
    path("staff/notes/<int:note_id>/sign/", note_sign, name="note-sign"),
    path("staff/notes/<int:note_id>/correct/", note_correct, name="note-correct"),
    path("staff/patients/<int:patient_id>/notes/new/", note_new, name="note-new"),
]
