"""/start/: where each person works once signed in, and signing out (signing in is
factor_views.py's)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from rehabdesk.access.policy import Capability, can, person_for


@require_GET
@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Where each person works: the desk, their own day, the schedule, their family."""
    person = person_for(request.user)
    if can(person, Capability.RUN_THE_DESK):
        return redirect("desk-day")
    if person.practitioner_id is not None:
        return redirect("my-day")
    if person.patient_id is not None:
        return redirect("my-family")
    return redirect("home")


urlpatterns: list[URLPattern] = [
    path("start/", start, name="start"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
]
