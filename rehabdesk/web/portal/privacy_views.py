"""The portal's privacy rights, /my/privacy/: ask for one's record (or a dependent's),
download the export once it is released, ask for a correction and, when one is
refused, file a statement of disagreement.

HTTP only: rehabdesk.access.privacy decides whose requests the signed-in patient sees
and puts each look on file; rehabdesk.privacy.services writes. The download is reached
through a signed link (privacy.services.export_token) and needs the patient signed in;
re-authentication before it is wired by the lead (helper "factors").
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rehabdesk.access.privacy import (
    family_for,
    managed_patient_for,
    my_access_requests_for,
    my_correction_for,
    my_corrections_for,
    my_export_for,
)
from rehabdesk.access.refusals import http_status
from rehabdesk.care.selectors import note_by_id
from rehabdesk.privacy import services
from rehabdesk.privacy.errors import PrivacyError, PrivacyErrorCode
from rehabdesk.privacy.models import TEXT_MAX, AccessRequest
from rehabdesk.web.privacy_forms import add_refusal
from rehabdesk.web.reauth import recent_sign_in_required


class AccessForm(forms.Form):
    patient = forms.TypedChoiceField(label="Whose record", coerce=int)
    details = forms.CharField(
        label="Anything in particular? (optional)",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, only the notes of last spring. Leave empty for the whole record.",
    )


class CorrectionForm(forms.Form):
    patient = forms.TypedChoiceField(label="Whose record", coerce=int)
    wrong = forms.CharField(
        label="What is wrong", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    should_say = forms.CharField(
        label="What it should say", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.IntegerField(
        label="Which note (optional)",
        required=False,
        min_value=1,
        help_text="The note's number, if the clinic gave it to you.",
    )


class DisagreementForm(forms.Form):
    statement = forms.CharField(
        label="Your statement of disagreement",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="It is attached to the record and shown with it from now on.",
    )


def _with_people(form: forms.Form, request: HttpRequest) -> forms.Form:
    people = family_for(request.user)
    field = form.fields["patient"]
    assert isinstance(field, forms.TypedChoiceField)
    field.choices = [(p.pk, p.full_name) for p in people]
    return form


@never_cache
@require_GET
@login_required
def my_privacy(request: HttpRequest) -> HttpResponse:
    family_for(request.user)
    return render(request, "web/privacy/my_index.html")


def _download_link(request: AccessRequest) -> str:
    if request.export_sha256 and request.downloaded_at is None:
        return services.export_token(request)
    return ""


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    form = _with_people(AccessForm(request.POST or None), request)
    if request.method == "POST" and form.is_valid():
        patient = managed_patient_for(request.user, form.cleaned_data["patient"])
        try:
            services.access_request_create(
                actor=request.user,
                patient=patient,
                details=form.cleaned_data["details"],
                now=timezone.now(),
            )
        except PrivacyError as error:
            add_refusal(form, error)
        else:
            messages.success(request, "Your request is on file. The clinic answers within 30 days.")
            return redirect("my-privacy-requests")
    found = my_access_requests_for(request.user)
    return render(
        request,
        "web/privacy/my_requests.html",
        {"form": form, "requests": [(r, _download_link(r)) for r in found], "now": timezone.now()},
    )


@never_cache
@require_GET
@login_required
@recent_sign_in_required
def my_export_download(request: HttpRequest, token: str) -> HttpResponse:
    """The export, once; a used or expired link gets a page saying so (410)."""
    now = timezone.now()
    family_for(request.user)  # a patient's page: anyone else gets the 404 first
    try:
        request_id, digest = services.export_request_id(token, now=now)
        access = my_export_for(request.user, request_id)
        export = services.export_download(
            actor=request.user, request=access, digest=digest, now=now
        )
    except PrivacyError as error:
        return render(
            request,
            "web/privacy/link_refused.html",
            {"message": error.message},
            status=http_status(error.code),
        )
    response = HttpResponse(export.data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def my_corrections(request: HttpRequest) -> HttpResponse:
    form = _with_people(CorrectionForm(request.POST or None), request)
    if request.method == "POST" and form.is_valid():
        patient = managed_patient_for(request.user, form.cleaned_data["patient"])
        note_id = form.cleaned_data["note"]
        note = note_by_id(note_id=note_id) if note_id else None
        try:
            if note_id and (note is None or note.patient_id != patient.pk):
                raise PrivacyError(
                    PrivacyErrorCode.INVALID,
                    "No note of that number in this record.",
                    field="note",
                )
            services.correction_request_create(
                actor=request.user,
                patient=patient,
                note=note,
                wrong=form.cleaned_data["wrong"],
                should_say=form.cleaned_data["should_say"],
                now=timezone.now(),
            )
        except PrivacyError as error:
            add_refusal(form, error)
        else:
            messages.success(request, "Your request is on file. The clinic answers within 30 days.")
            return redirect("my-privacy-corrections")
    return render(
        request,
        "web/privacy/my_corrections.html",
        {
            "form": form,
            "corrections": my_corrections_for(request.user),
            "disagreement_form": DisagreementForm(),
        },
    )


@never_cache
@require_POST
@login_required
def my_disagreement(request: HttpRequest, correction_id: int) -> HttpResponse:
    correction = my_correction_for(request.user, correction_id)
    form = DisagreementForm(request.POST)
    if form.is_valid():
        try:
            services.disagreement_file(
                actor=request.user,
                correction=correction,
                statement=form.cleaned_data["statement"],
                now=timezone.now(),
            )
        except PrivacyError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Your statement is attached to the record.")
    else:
        messages.error(request, "Please write your statement (at most 2000 characters).")
    return redirect("my-privacy-corrections")


urlpatterns: list[URLPattern] = [
    path("my/privacy/", my_privacy, name="my-privacy"),
    path("my/privacy/requests/", my_requests, name="my-privacy-requests"),
    path(
        "my/privacy/requests/download/<str:token>/",
        my_export_download,
        name="my-privacy-export",
    ),
    path("my/privacy/corrections/", my_corrections, name="my-privacy-corrections"),
    path(
        "my/privacy/corrections/<int:correction_id>/disagreement/",
        my_disagreement,
        name="my-privacy-disagreement",
    ),
]
