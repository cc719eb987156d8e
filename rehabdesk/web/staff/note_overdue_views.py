"""The manager's view of notes left unsigned: per practitioner, how many visits are
past the clinic's note deadline without a signed note, and the oldest one's date.
Counts only — never a patient's name or a note's content, which stay with the
practitioners in the patient's care (care.selectors.overdue_note_counts)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from rehabdesk.access.accessors import require
from rehabdesk.access.policy import Capability
from rehabdesk.care.selectors import overdue_note_counts
from rehabdesk.clinic.selectors import clinic_current


@require_GET
@login_required
def notes_overdue(request: HttpRequest) -> HttpResponse:
    require(user=request.user, capability=Capability.OVERSEE_NOTES)
    clinic = clinic_current()
    return render(
        request,
        "web/care/notes_overdue.html",
        {
            "overdue": overdue_note_counts(now=timezone.now()),
            "clinic": clinic,
        },
    )


urlpatterns: list[URLPattern] = [
    path("staff/notes/overdue/", notes_overdue, name="notes-overdue"),
]
