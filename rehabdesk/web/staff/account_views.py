"""Sign-ins, from the staff pages: a patient's (a link to reset the password, a new
sign-in e-mail: each a service that audits and tells the owner), one's own password,
and the manager's list of sign-in lockouts with an unlock button.

HTTP only: accounts.services does and audits every change; reading the patient goes
through the access policy (Action.CHANGE_DEMOGRAPHICS, which the desk and the manager
hold), so a practitioner, a patient or anyone else gets the same 404 as for a record
that is not there.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from rehabdesk.access.accessors import patient_for, require
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Action, Capability, person_for
from rehabdesk.accounts import services
from rehabdesk.accounts.errors import AccountsError
from rehabdesk.accounts.models import User
from rehabdesk.accounts.throttle import failure_limit, sign_in_locks
from rehabdesk.clinic.selectors import clinic_current
from rehabdesk.patients.models import Patient
from rehabdesk.web.refusals import page_status
from rehabdesk.web.sign_in_lockout import minutes as lockout_minutes


class SignInEmailForm(forms.Form):
    email = forms.EmailField(
        label="New sign-in e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text="Both the old and the new address are told of the change.",
    )


class UnlockForm(forms.Form):
    kind = forms.ChoiceField(choices=[("account", "account"), ("address", "address")])
    key = forms.CharField(max_length=255)


def _patient_and_account(request: HttpRequest, patient_id: int, *, view: bool) -> Patient:
    require(user=cast(User, request.user), capability=Capability.SEARCH_PATIENTS)
    return patient_for(
        user=cast(User, request.user),
        patient_id=patient_id,
        action=Action.CHANGE_DEMOGRAPHICS,
        summary="patient sign-in",
        view=view,
    )


def _clinic() -> tuple[str, str]:
    clinic = clinic_current()
    return (clinic.name, clinic.phone) if clinic else ("Rehabdesk", "")


def _sign_in_page(
    request: HttpRequest,
    patient: Patient,
    email_form: SignInEmailForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "web/accounts/patient_sign_in.html",
        {
            "patient": patient,
            "account": patient.user,
            "email_form": email_form or SignInEmailForm(),
        },
        status=status,
    )


@require_GET
@login_required
def patient_sign_in(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient_and_account(request, patient_id, view=True)
    return _sign_in_page(request, patient)


@require_POST
@login_required
def patient_sign_in_reset(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient_and_account(request, patient_id, view=False)
    if patient.user is None:
        messages.error(request, f"{patient.full_name} has no sign-in.")
        return redirect("patient-sign-in", patient_id=patient.pk)
    name, phone = _clinic()
    try:
        services.user_password_reset_send(
            actor=cast(User, request.user),
            user=patient.user,
            clinic_name=name,
            clinic_phone=phone,
            patient_ids=[patient.pk],
            now=timezone.now(),
        )
    except AccountsError as refusal:
        messages.error(request, refusal.message)
        return _sign_in_page(request, patient, status=page_status(refusal))
    messages.success(
        request, "A link to choose a new password was e-mailed to their sign-in address."
    )
    return redirect("patient-sign-in", patient_id=patient.pk)


@sensitive_post_parameters("email")
@require_POST
@login_required
def patient_sign_in_email(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient_and_account(request, patient_id, view=False)
    form = SignInEmailForm(request.POST)
    if patient.user is None:
        messages.error(request, f"{patient.full_name} has no sign-in.")
        return redirect("patient-sign-in", patient_id=patient.pk)
    if not form.is_valid():
        return _sign_in_page(request, patient, form)
    name, phone = _clinic()
    try:
        services.user_sign_in_email_change(
            actor=cast(User, request.user),
            user=patient.user,
            new_email=form.cleaned_data["email"],
            clinic_name=name,
            clinic_phone=phone,
            patient_ids=[patient.pk],
            now=timezone.now(),
        )
    except AccountsError as refusal:
        form.add_error("email" if refusal.field == "email" else None, refusal.message)
        return _sign_in_page(request, patient, form, status=page_status(refusal))
    messages.success(request, "Sign-in e-mail changed. Both addresses were told.")
    return redirect("patient-sign-in", patient_id=patient.pk)


@require_GET
@login_required
def locks(request: HttpRequest) -> HttpResponse:
    require(user=cast(User, request.user), capability=Capability.MANAGE_SIGN_INS)
    return render(
        request,
        "web/accounts/sign_in_locks.html",
        {
            "locks": sign_in_locks(now=timezone.now()),
            "limit": failure_limit(),
            "minutes": lockout_minutes(),
        },
    )


@require_POST
@login_required
def unlock(request: HttpRequest) -> HttpResponse:
    require(user=cast(User, request.user), capability=Capability.MANAGE_SIGN_INS)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a lock to lift.")
        return redirect("sign-in-locks")
    try:
        services.sign_in_unlock(
            actor=cast(User, request.user),
            kind=form.cleaned_data["kind"],
            key=form.cleaned_data["key"],
            now=timezone.now(),
        )
    except AccountsError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "Unlocked: they can sign in again.")
    return redirect("sign-in-locks")


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's form, but the old password is checked through the sign-in throttle,
    so a session left open cannot be used to guess it, and the change is the
    service's (rules checked, audited)."""

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old: str = self.cleaned_data["old_password"]
        checked = authenticate(self.request, username=self.user.email, password=old)
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old

    def save(self, commit: bool = True) -> Any:
        try:
            services.user_password_change(
                user=self.user, new_password=self.cleaned_data["new_password1"], now=timezone.now()
            )
        except AccountsError as refusal:  # the form's own validation ran the same rules
            raise forms.ValidationError(refusal.message) from None
        return self.user


@method_decorator(sensitive_post_parameters(), name="dispatch")
class OwnPasswordView(auth_views.PasswordChangeView):
    """Staff change their own password here. Patients set theirs with an e-mailed
    link (/my/password/); others get 404."""

    form_class = ThrottledPasswordChangeForm
    template_name = "web/accounts/own_password.html"
    success_url = reverse_lazy("own-password-done")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not person_for(request.user).is_staff_member:
            raise AccessDenied(object_type="web.page", object_id="own-password")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}


@require_GET
@login_required
def own_password_done(request: HttpRequest) -> HttpResponse:
    if not person_for(request.user).is_staff_member:
        raise AccessDenied(object_type="web.page", object_id="own-password")
    return render(request, "web/accounts/own_password_done.html")


urlpatterns: list[URLPattern] = [
    path(
        "staff/patients/<int:patient_id>/sign-in/",
        patient_sign_in,
        name="patient-sign-in",
    ),
    path(
        "staff/patients/<int:patient_id>/sign-in/reset/",
        patient_sign_in_reset,
        name="patient-sign-in-reset",
    ),
    path(
        "staff/patients/<int:patient_id>/sign-in/email/",
        patient_sign_in_email,
        name="patient-sign-in-email",
    ),
    path("staff/sign-in-locks/", locks, name="sign-in-locks"),
    path("staff/sign-in-locks/unlock/", unlock, name="sign-in-unlock"),
    path("staff/password/", OwnPasswordView.as_view(), name="own-password"),
    path("staff/password/done/", own_password_done, name="own-password-done"),
]
