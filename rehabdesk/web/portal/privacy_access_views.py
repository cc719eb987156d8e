"""The portal's access log, /my/privacy/access-log/: who among staff saw or changed the
signed-in patient's information, or a dependent's they manage (?patient=), and when.

HTTP only: rehabdesk.access.access_report authorizes and puts the look on file.
Someone else's log is the same 404 as one that does not exist."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rehabdesk.access.access_report import own_access_log_for
from rehabdesk.access.policy import person_for
from rehabdesk.patients.selectors import patients_by_ids
from rehabdesk.web.portal.my_views import own_patient_id


class WhoseForm(forms.Form):
    patient = forms.IntegerField(required=False, min_value=1)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)


@never_cache
@require_GET
@login_required
def my_access_log(request: HttpRequest) -> HttpResponse:
    own_id = own_patient_id(request)
    form = WhoseForm(request.GET)
    good = form.is_valid()
    chosen = (form.cleaned_data.get("patient") if good else None) or own_id
    page = (form.cleaned_data.get("page") if good else None) or 1
    report = own_access_log_for(user=request.user, patient_id=chosen, page=page, now=timezone.now())
    people = list(patients_by_ids(ids=person_for(request.user).managed_patient_ids))
    people.sort(key=lambda p: p.pk != own_id)
    return render(
        request,
        "web/privacy/my_access_log.html",
        {
            "report": report,
            "people": people,
            "chosen": next(p for p in people if p.pk == chosen),
            "own_id": own_id,
            "query": "" if chosen == own_id else f"patient={chosen}",
            "bad_request": not good,
        },
        status=200 if good else 400,
    )


urlpatterns: list[URLPattern] = [
    path("my/privacy/access-log/", my_access_log, name="my-privacy-access-log"),
]
