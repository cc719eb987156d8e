"""Consents at the clinic, from a patient's staff page:

- the desk's tablet (/staff/patients/<id>/consent/): the patient reads a treatment
  consent text on the tablet and signs by typing their name — massage of sensitive
  areas too, for the day, naming the areas;
- the privacy consent of a patient booked by phone or walking in (who never saw the
  online step): read on the screen or signed on paper, put on file by the desk;
- a practitioner's record of a verbal consent, with a note (the practitioners caring
  for the patient only: the note is clinical);
- a withdrawal the patient tells the desk or the practitioner, after a confirmation.

Reads through access (authorized, audited), writes through the consents services. HTTP only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rehabdesk.access.accessors import patient_for, require
from rehabdesk.access.consents import treatment_consent_for
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Action, Capability
from rehabdesk.consents.choices import ConsentChannel, ConsentMethod, TreatmentTopic
from rehabdesk.consents.errors import ConsentError
from rehabdesk.consents.selectors import (
    privacy_notice_by_id,
    privacy_notice_current,
    treatment_text_by_id,
    treatment_texts_current,
)
from rehabdesk.consents.services import (
    privacy_consent_record_at_desk,
    treatment_consent_give,
    treatment_consent_record_verbal,
    treatment_consent_withdraw,
)
from rehabdesk.patients.models import Patient
from rehabdesk.web.consent_forms import AgreeForm, PrivacyAtDeskForm, VerbalForm


def _patient(request: HttpRequest, patient_id: int, action: Action, summary: str) -> Patient:
    require(user=request.user, capability=Capability.SEARCH_PATIENTS)
    return patient_for(
        user=request.user,
        patient_id=patient_id,
        action=action,
        summary=summary,
        view=request.method == "GET",
        family=False,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def patient_consent(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The tablet: choose the consent, then the patient reads and signs."""
    patient = _patient(request, patient_id, Action.CHANGE_DEMOGRAPHICS, "consent on the tablet")
    texts = treatment_texts_current()
    chosen = request.POST.get("topic") or request.GET.get("topic")
    if not chosen:
        return render(
            request, "web/consents/tablet_choose.html", {"patient": patient, "texts": texts}
        )
    if chosen not in texts:
        raise Http404("No such consent.")
    current = texts[TreatmentTopic(chosen)]
    sensitive = chosen == TreatmentTopic.SENSITIVE_AREAS
    form = AgreeForm(
        request.POST if request.method == "POST" else None,
        initial={"text": current.pk},
        sign=True,
        areas=sensitive,
    )
    if request.method == "POST" and form.is_valid():
        read = treatment_text_by_id(text_id=form.cleaned_data["text"])
        if read is None or read.topic != chosen:
            raise Http404("No such text.")
        try:
            treatment_consent_give(
                patient=patient,
                text=read,
                method=ConsentMethod.TABLET,
                agreed=form.cleaned_data["agreed"],
                signed_name=form.cleaned_data["signed_name"],
                areas=form.cleaned_data.get("areas", ()),
                actor=request.user,
                now=timezone.now(),
            )
        except ConsentError as refused:
            form.refuse(refused, current_text_id=current.pk)
        else:
            messages.success(request, "Thank you. The consent is on file.")
            return redirect("patient-detail", patient_id=patient.pk)
    return render(
        request,
        "web/consents/tablet_sign.html",
        {"patient": patient, "text": current, "form": form, "topic": chosen},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def patient_privacy_consent(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id, Action.CHANGE_DEMOGRAPHICS, "privacy consent")
    notice = privacy_notice_current()
    if notice is None:
        raise Http404("No privacy notice is published.")
    form = PrivacyAtDeskForm(
        request.POST if request.method == "POST" else None, initial={"notice": notice.pk}
    )
    if request.method == "POST" and form.is_valid():
        read = privacy_notice_by_id(notice_id=form.cleaned_data["notice"])
        if read is None:
            raise Http404("No such notice.")
        try:
            privacy_consent_record_at_desk(
                patient=patient,
                notice=read,
                channel=ConsentChannel(form.cleaned_data["channel"]),
                actor=request.user,
                now=timezone.now(),
            )
        except ConsentError as refused:
            form.refuse(refused)
            form.show_notice(notice.pk)
        else:
            messages.success(request, "The privacy consent is on file.")
            return redirect("patient-detail", patient_id=patient.pk)
    return render(
        request,
        "web/consents/privacy_at_desk.html",
        {"patient": patient, "notice": notice, "form": form},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def patient_consent_verbal(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id, Action.CHANGE_CLINICAL, "verbal consent")
    texts = treatment_texts_current()
    form = VerbalForm(
        request.POST if request.method == "POST" else None,
        initial={"topic": request.GET.get("topic")},
    )
    if request.method == "POST" and form.is_valid():
        text = texts.get(TreatmentTopic(form.cleaned_data["topic"]))
        try:
            if text is None:
                raise Http404("No text published.")
            treatment_consent_record_verbal(
                patient=patient,
                text=text,
                note=form.cleaned_data["note"],
                actor=request.user,
                now=timezone.now(),
            )
        except ConsentError as refused:
            form.refuse(refused)
        else:
            messages.success(request, "The verbal consent is on file.")
            return redirect("patient-detail", patient_id=patient.pk)
    verbal = [t for topic, t in texts.items() if topic != TreatmentTopic.SENSITIVE_AREAS]
    return render(
        request,
        "web/consents/verbal.html",
        {"patient": patient, "texts": verbal, "form": form},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def patient_consent_withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    """The desk (who keeps the record) or a practitioner in care records a withdrawal."""
    require(user=request.user, capability=Capability.SEARCH_PATIENTS)
    try:
        consent = treatment_consent_for(
            user=request.user,
            consent_id=consent_id,
            action=Action.CHANGE_DEMOGRAPHICS,
            view=request.method == "GET",
        )
    except AccessDenied:
        consent = treatment_consent_for(
            user=request.user,
            consent_id=consent_id,
            action=Action.CHANGE_CLINICAL,
            view=request.method == "GET",
        )
    if request.method == "POST":
        try:
            treatment_consent_withdraw(consent=consent, actor=request.user, now=timezone.now())
        except ConsentError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, "The withdrawal is on file.")
        return redirect("patient-detail", patient_id=consent.patient_id)
    return render(request, "web/consents/staff_withdraw.html", {"consent": consent})


urlpatterns: list[URLPattern] = [
    path("staff/patients/<int:patient_id>/consent/", patient_consent, name="patient-consent"),
    path(
        "staff/patients/<int:patient_id>/consent/privacy/",
        patient_privacy_consent,
        name="patient-privacy-consent",
    ),
    path(
        "staff/patients/<int:patient_id>/consent/verbal/",
        patient_consent_verbal,
        name="patient-consent-verbal",
    ),
    path(
        "staff/consents/<int:consent_id>/withdraw/",
        patient_consent_withdraw,
        name="patient-consent-withdraw",
    ),
]
