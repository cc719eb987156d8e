"""The portal's lockbox, /my/privacy/lockbox/: the signed-in patient (and a guardian,
for the dependents they manage) withholds their whole record, or one visit (its notes
and measures), from the practitioners they name or from all but those; withdraws a directive; sees
who opened their record past it, when and why. Reads through access.openings
(authorized, audited); writes through consents.lockbox. HTTP only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from rehabdesk.access.openings import directive_for, lockbox_for, lockbox_patient_for
from rehabdesk.consents.choices import ConsentChannel
from rehabdesk.consents.errors import ConsentError
from rehabdesk.consents.lockbox import directive_set, directive_withdraw
from rehabdesk.web.lockbox_forms import DirectiveForm
from rehabdesk.web.portal.my_views import own_patient_id


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def my_lockbox(request: HttpRequest) -> HttpResponse:
    own_patient_id(request)
    now = timezone.now()
    seen = lockbox_for(user=request.user, now=now)
    form = DirectiveForm(
        request.POST if request.method == "POST" else None,
        patients=seen.patients,
        visits=seen.visits,
        practitioners=seen.practitioners,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        patient = lockbox_patient_for(user=request.user, patient_id=data["patient"])
        try:
            directive_set(
                patient=patient,
                scope=data["scope"],
                appointment_id=data["visit"],
                mode=data["mode"],
                practitioner_ids=data["practitioners"],
                channel=ConsentChannel.ONLINE,
                actor=request.user,
                now=now,
            )
        except ConsentError as refused:
            form.refuse(refused)
        else:
            messages.success(request, "Done: your choice applies from now on.")
            return redirect("my-lockbox")
    return render(
        request,
        "web/lockbox/my_lockbox.html",
        {"seen": seen, "form": form, "many": len(seen.patients) > 1},
    )


@never_cache
@require_POST
@login_required
def my_lockbox_withdraw(request: HttpRequest, directive_id: int) -> HttpResponse:
    own_patient_id(request)
    directive = directive_for(user=request.user, directive_id=directive_id)
    try:
        directive_withdraw(directive=directive, actor=request.user, now=timezone.now())
    except ConsentError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "Withdrawn: your practitioners can see it again.")
    return redirect("my-lockbox")


urlpatterns: list[URLPattern] = [
    path("my/privacy/lockbox/", my_lockbox, name="my-lockbox"),
    path(
        "my/privacy/lockbox/<int:directive_id>/withdraw/",
        my_lockbox_withdraw,
        name="my-lockbox-withdraw",
    ),
]
