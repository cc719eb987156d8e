"""The practitioner's note editor: start a visit's note, write it (saved as they type),
copy last visit's findings forward. Signing and corrections: note_sign_views.py.

The editor works without JavaScript — the form posts to the save address like any
form — and with it (web/static/web/note-editor.js) saves a second after typing stops,
keeps a copy on the device until the server has it, and expands the clinic's snippets.
Every save carries the revision the page was written on: a tab left open elsewhere
cannot overwrite a newer draft (409, and the page says so).

HTTP only: rehabdesk.access.notes authorizes (practitioners in the patient's care) and
audits the look, rehabdesk.care.services writes, checks the content and audits the
change. A note's content never goes into a URL, a log line or an error page.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rehabdesk.access.notes import note_for, visit_for_note
from rehabdesk.access.policy import Action, person_for
from rehabdesk.access.refusals import http_status
from rehabdesk.accounts.models import User
from rehabdesk.care import services
from rehabdesk.care.choices import NoteKind, VisitType
from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.care.models import VisitNote
from rehabdesk.care.selectors import (
    note_of_visit,
    snippets_for,
    template_for_visit,
    templates_for,
)
from rehabdesk.core.clock import clock
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.web.refusals import page_status
from rehabdesk.web.staff.measure_views import visit_measures_context
from rehabdesk.web.staff.note_forms import (
    SaveBodyError,
    content_from_post,
    editor_sections,
    revision_from_post,
    save_body,
)
from rehabdesk.web.staff.note_reading import read_only

GENERAL_TEMPLATE = "general-entry"


def signed_in(request: HttpRequest) -> User:
    """The user behind a page that login_required guards."""
    assert isinstance(request.user, User)
    return request.user


def editor(
    request: HttpRequest,
    note: VisitNote,
    *,
    content: Mapping[str, object],
    refusal: CareError | None = None,
) -> HttpResponse:
    """The editor page for the author's draft, with `content` in its fields."""
    definition = note.template.parsed
    at_field = refusal is not None and definition.field(refusal.field or "") is not None
    errors = {refusal.field: refusal.message} if refusal and refusal.field and at_field else {}
    return render(
        request,
        "web/care/note_edit.html",
        {
            "note": note,
            "patient": note.patient,
            "sections": editor_sections(definition, content, errors=errors),
            "refusal": refusal if refusal and not errors else None,
            "error_count": len(errors),
            "snippets": {
                s.shortcut: s.text for s in snippets_for(discipline_id=note.discipline_id)
            },
            "copies_forward": bool(definition.copied_forward),
            "updated_ms": int(note.updated_at.timestamp() * 1000),
            # "Saved 10:42 AM" today, "Saved Dec 4, 1:23 PM" for a draft left earlier.
            "today": timezone.localdate(),
            **visit_measures_context(user=request.user, note=note),
        },
        status=page_status(refusal),
    )


@require_POST
@login_required
def note_start(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Open the visit's note, starting it on the suggested template if there is none."""
    visit = visit_for_note(user=request.user, appointment_id=appointment_id)
    note = note_of_visit(appointment_id=visit.pk)
    if note is None:
        missed = visit.status == AppointmentStatus.NOSHOW
        template = (
            next(iter(templates_for(discipline_id=None, visit_type=VisitType.OTHER)), None)
            if missed
            else template_for_visit(appointment=visit)
        )
        if template is None:
            messages.error(request, "No note template fits this visit; a manager can add one.")
            return redirect("my-day")
        try:
            note = services.note_start(
                actor=signed_in(request),
                template=template,
                appointment=visit,
                kind=NoteKind.MISSED if missed else NoteKind.VISIT,
                now=timezone.now(),
            )
        except CareError as error:
            note = note_of_visit(appointment_id=visit.pk)  # started meanwhile, another tab
            if error.code != CareErrorCode.NOTE_EXISTS or note is None:
                messages.error(request, error.message)
                return redirect("my-day")
    return redirect("note-edit", note_id=note.pk)


@require_GET
@login_required
def note_edit(request: HttpRequest, note_id: int) -> HttpResponse:
    """The author's draft in the editor; anything else (a signed note, a colleague's
    draft) read-only."""
    note = note_for(user=request.user, note_id=note_id)
    if note.signed or note.author_id != person_for(request.user).practitioner_id:
        return read_only(request, note)
    return editor(request, note, content=note.content)


def _saved(note: VisitNote) -> dict[str, object]:
    return {
        "revision": note.revision,
        "saved_at": note.updated_at.isoformat(),
        "saved_label": clock(timezone.localtime(note.updated_at)),
    }


def _refusal_json(error: CareError, note: VisitNote) -> JsonResponse:
    body: dict[str, object] = {"error": str(error.code), "message": error.message}
    if error.field:
        body["field"] = error.field
    if error.code == CareErrorCode.STALE_DRAFT:
        body["revision"] = note.revision  # what the server holds: reload to see it
    return JsonResponse(body, status=http_status(error.code))


def _save_json(request: HttpRequest, note: VisitNote) -> HttpResponse:
    try:
        revision, content = save_body(request.body)
    except SaveBodyError as error:
        return JsonResponse({"error": "not_json", "message": str(error)}, status=error.status)
    try:
        saved = services.note_draft_save(
            actor=signed_in(request),
            note=note,
            content=content,
            revision=revision,
            now=timezone.now(),
        )
    except CareError as error:
        return _refusal_json(error, note)
    return JsonResponse(_saved(saved))


def _save_form(request: HttpRequest, note: VisitNote) -> HttpResponse:
    content = content_from_post(note.template.parsed, request.POST)
    revision = revision_from_post(request.POST)
    try:
        services.note_draft_save(
            actor=signed_in(request),
            note=note,
            content=content,
            revision=-1 if revision is None else revision,
            now=timezone.now(),
        )
    except CareError as error:
        if error.code in (CareErrorCode.SIGNED, CareErrorCode.NOT_AUTHOR):
            messages.error(request, error.message)
            return redirect("note-edit", note_id=note.pk)
        return editor(request, note, content=content, refusal=error)
    messages.success(request, f"Draft saved at {clock(timezone.localtime())}.")
    if "sign" in request.POST:
        return redirect("note-sign", note_id=note.pk)
    return redirect("note-edit", note_id=note.pk)


@require_POST
@login_required
def note_save(request: HttpRequest, note_id: int) -> HttpResponse:
    """Save the draft: JSON from the page's script ({"revision", "content"} answered
    with the new revision and the time), or the form itself without JavaScript."""
    note = note_for(user=request.user, note_id=note_id, action=Action.CHANGE_CLINICAL)
    if request.content_type == "application/json":
        return _save_json(request, note)
    return _save_form(request, note)


@require_POST
@login_required
def note_copy_forward(request: HttpRequest, note_id: int) -> HttpResponse:
    """Fill the empty findings the template copies forward from the last signed note."""
    note = note_for(user=request.user, note_id=note_id, action=Action.CHANGE_CLINICAL)
    try:
        services.note_copy_forward(actor=signed_in(request), note=note, now=timezone.now())
    except CareError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Last visit's findings copied into the empty fields.")
    return redirect(reverse("note-edit", kwargs={"note_id": note.pk}) + "#note-form")


urlpatterns: list[URLPattern] = [
    path("staff/appointments/<int:appointment_id>/note/", note_start, name="note-start"),
    path("staff/notes/<int:note_id>/", note_edit, name="note-edit"),
    path("staff/notes/<int:note_id>/save/", note_save, name="note-save"),
    path("staff/notes/<int:note_id>/copy-forward/", note_copy_forward, name="note-copy-forward"),
]
