"""The portal's consents, /my/people/<id>/consents/…: a patient, or a guardian for a
dependent, reads what they have agreed to (the privacy notice, each kind of treatment),
gives a treatment consent by reading its text and agreeing, and withdraws a consent
after a confirmation step. Consent to massage of sensitive areas is asked at the clinic
on the day, never here. Reads through access (authorized, audited); writes through the
consents services. HTTP only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.access.accessors import patient_for
from rehabdesk.access.consents import consents_for, privacy_consent_for, treatment_consent_for
from rehabdesk.access.policy import Action
from rehabdesk.consents.choices import ConsentMethod, TreatmentTopic
from rehabdesk.consents.errors import ConsentError
from rehabdesk.consents.selectors import (
    ConsentQuestion,
    consent_status_for_visits,
    treatment_text_by_id,
    treatment_texts_current,
)
from rehabdesk.consents.services import (
    consent_withdraw,
    treatment_consent_give,
    treatment_consent_withdraw,
)
from rehabdesk.scheduling.selectors import appointments_upcoming_for_patients
from rehabdesk.web.consent_forms import AgreeForm
from rehabdesk.web.portal.my_views import own_patient_id

ONLINE_TOPICS = [t for t in TreatmentTopic if t != TreatmentTopic.SENSITIVE_AREAS]


@never_cache
@require_GET
@login_required
def my_consents(request: HttpRequest, patient_id: int) -> HttpResponse:
    own_patient_id(request)
    patient = patient_for(
        user=request.user,
        patient_id=patient_id,
        action=Action.VIEW_DEMOGRAPHICS,
        summary="portal: consents",
    )
    seen = consents_for(user=request.user, patient=patient)
    on_file = {c.topic for c in seen.treatment if c.withdrawn_at is None}
    texts = treatment_texts_current()
    return render(
        request,
        "web/consents/my_consents.html",
        {
            "patient": patient,
            "seen": seen,
            "to_give": [texts[t] for t in ONLINE_TOPICS if t in texts and t not in on_file],
            "needed": _needed_for_upcoming(patient.pk),
        },
    )


def _needed_for_upcoming(patient_id: int) -> list[str]:
    """The consents the patient's upcoming visits need and are not on file yet (asked
    online here; sensitive areas are asked on the day)."""
    visits = appointments_upcoming_for_patients(patient_ids=[patient_id], now=timezone.now())
    statuses = consent_status_for_visits(
        visits=[
            ConsentQuestion(
                a.pk, patient_id, a.service_id, a.start.astimezone(a.location.zone).date()
            )
            for a in visits
        ]
    )
    missing = {topic for status in statuses.values() for topic in status.missing}
    return [topic.label for topic in ONLINE_TOPICS if topic in missing]


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def my_consent_give(request: HttpRequest, patient_id: int, topic: str) -> HttpResponse:
    own_patient_id(request)
    if topic not in {t.value for t in ONLINE_TOPICS}:
        raise Http404("No such consent.")
    patient = patient_for(
        user=request.user,
        patient_id=patient_id,
        action=Action.CHANGE_DEMOGRAPHICS,
        summary="portal: consent",
        view=request.method == "GET",
    )
    current = treatment_texts_current().get(TreatmentTopic(topic))
    if current is None:
        raise Http404("No text published.")
    form = AgreeForm(
        request.POST if request.method == "POST" else None,
        initial={"text": current.pk},
        sign=False,
        areas=False,
    )
    if request.method == "POST" and form.is_valid():
        read = treatment_text_by_id(text_id=form.cleaned_data["text"])
        try:
            if read is None or read.topic != topic:
                raise Http404("No such text.")
            treatment_consent_give(
                patient=patient,
                text=read,
                method=ConsentMethod.ONLINE,
                agreed=form.cleaned_data["agreed"],
                actor=request.user,
                now=timezone.now(),
            )
        except ConsentError as refused:
            form.refuse(refused, current_text_id=current.pk)
        else:
            topic_name = current.get_topic_display().lower()
            messages.success(request, f"Your consent to {topic_name} is on file.")
            return redirect("my-consents", patient_id=patient.pk)
    return render(
        request,
        "web/consents/my_give.html",
        {"patient": patient, "text": current, "form": form},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def my_consent_withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    own_patient_id(request)
    consent = treatment_consent_for(
        user=request.user,
        consent_id=consent_id,
        action=Action.CHANGE_DEMOGRAPHICS,
        view=request.method == "GET",
    )
    what = f"your consent to {consent.get_topic_display().lower()}"
    if request.method == "POST":
        try:
            treatment_consent_withdraw(consent=consent, actor=request.user, now=timezone.now())
        except ConsentError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, f"We have noted that you withdrew {what}.")
        return redirect("my-consents", patient_id=consent.patient_id)
    return render(
        request,
        "web/consents/my_withdraw.html",
        {"patient_id": consent.patient_id, "what": what, "consent": consent, "privacy": False},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def my_privacy_withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    own_patient_id(request)
    record = privacy_consent_for(
        user=request.user,
        consent_id=consent_id,
        action=Action.CHANGE_DEMOGRAPHICS,
        view=request.method == "GET",
    )
    if request.method == "POST":
        try:
            consent_withdraw(record=record, actor=request.user, now=timezone.now())
        except ConsentError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, "We have noted that you withdrew your privacy consent.")
        return redirect("my-consents", patient_id=record.patient_id)
    return render(
        request,
        "web/consents/my_withdraw.html",
        {
            "patient_id": record.patient_id,
            "what": "your consent to the privacy notice",
            "consent": record,
            "privacy": True,
        },
    )


urlpatterns: list[URLPattern] = [
    path("my/people/<int:patient_id>/consents/", my_consents, name="my-consents"),
    path(
        "my/people/<int:patient_id>/consents/give/<slug:topic>/",
        my_consent_give,
        name="my-consent-give",
    ),
    path(
        "my/consents/treatment/<int:consent_id>/withdraw/",
        my_consent_withdraw,
        name="my-consent-withdraw",
    ),
    path(
        "my/consents/privacy/<int:consent_id>/withdraw/",
        my_privacy_withdraw,
        name="my-privacy-withdraw",
    ),
]
