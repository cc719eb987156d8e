"""Each person's account security, and the manager's reset of a colleague's factors.

/account/security/ lists a person's factors and changes them (after a recent
confirmation: web/reauth.py) and signs them out everywhere; /staff/security/ is the
manager's list of staff with a reset for a colleague who lost their phone, a password
link e-mailed to one who forgot their password, and a change of a colleague's sign-in
e-mail (after a recent confirmation; the admin shows it read-only). Each is a service
that audits it and tells the colleague (security.factors, accounts.services). Signing
in itself, enrolment and the passkey ceremonies are web/factor_views.py.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from rehabdesk.access.policy import Capability, can, person_for
from rehabdesk.accounts import services as accounts
from rehabdesk.accounts.errors import AccountsError
from rehabdesk.accounts.models import User
from rehabdesk.clinic.selectors import clinic_current
from rehabdesk.security import factors
from rehabdesk.security.errors import SecurityError
from rehabdesk.web.factor_views import RECOVERY_TO_SHOW, authenticator_page, user_of, with_next
from rehabdesk.web.reauth import recent_sign_in_required
from rehabdesk.web.refusals import page_status
from rehabdesk.web.sessions import STAFF


class StaffEmailForm(forms.Form):
    email = forms.EmailField(label="New sign-in e-mail", max_length=254)


@login_required
@require_http_methods(["GET"])
def account_security(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    staff = bool(request.session.get(STAFF))
    return render(
        request,
        "web/security/account.html",
        {
            "staff": staff,
            "factors": factors.factors_of(user) if staff else None,
            "resets_factors": can(person_for(user), Capability.RESET_FACTORS),
            "manages_webhooks": can(person_for(user), Capability.MANAGE_WEBHOOKS),
        },
    )


def _posted_id(request: HttpRequest, name: str) -> int:
    """An id sent with a form's button (ids stay out of addresses); none is a 404."""
    value = request.POST.get(name, "")
    if not value.isdigit() or len(value) > 18:
        raise Http404
    return int(value)


def _staff_only(request: HttpRequest) -> None:
    if not request.session.get(STAFF):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
@recent_sign_in_required
def authenticator_replace(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return authenticator_page(
        request,
        template="web/security/authenticator_replace.html",
        next_url=reverse("account-security"),
        replacing=True,
    )


@login_required
@require_http_methods(["GET"])
@recent_sign_in_required
def passkey_add(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return render(request, "web/security/passkey_add.html", {"next": reverse("account-security")})


@login_required
@require_POST
@recent_sign_in_required
def passkey_remove(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    passkey_id = _posted_id(request, "passkey_id")
    user = user_of(request)
    if not factors.passkey_remove(user=user, passkey_id=passkey_id, now=timezone.now()):
        raise Http404
    return redirect("account-security")


@login_required
@require_POST
@recent_sign_in_required
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    codes = factors.recovery_codes_issue(user=user_of(request), now=timezone.now())
    request.session[RECOVERY_TO_SHOW] = codes
    return redirect(with_next("recovery-codes-shown", reverse("account-security")))


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """Every session of this person ends: this one now, the others at their next request."""
    factors.sessions_end_everywhere(user=user_of(request), now=timezone.now())
    return redirect("sign-in")


def _manager(request: HttpRequest) -> None:
    if not can(person_for(request.user), Capability.RESET_FACTORS):
        raise PermissionDenied


def _staff_page(request: HttpRequest, status: int = 200, **extra: Any) -> HttpResponse:
    return render(
        request,
        "web/security/staff.html",
        {"staff": factors.staff_with_factors(), "me": request.user.pk, **extra},
        status=status,
    )


def _colleague(request: HttpRequest) -> User:
    colleague = factors.staff_member(user_id=_posted_id(request, "user_id"))
    if colleague is None:
        raise Http404
    return colleague


def _clinic() -> tuple[str, str]:
    clinic = clinic_current()
    return (clinic.name, clinic.phone) if clinic else ("Rehabdesk", "")


@login_required
@require_http_methods(["GET"])
def staff_security(request: HttpRequest) -> HttpResponse:
    _manager(request)
    return _staff_page(request)


@login_required
@require_POST
@recent_sign_in_required
def staff_factor_reset(request: HttpRequest) -> HttpResponse:
    _manager(request)
    colleague = _colleague(request)
    try:
        factors.factor_reset(actor=user_of(request), user=colleague, now=timezone.now())
    except SecurityError as error:
        return _staff_page(request, error=error.message)
    return redirect("staff-security")


@login_required
@require_POST
def staff_password_link(request: HttpRequest) -> HttpResponse:
    """E-mail a colleague who forgot their password a link to choose one (never sets it)."""
    _manager(request)
    colleague = _colleague(request)
    name, phone = _clinic()
    try:
        accounts.staff_password_reset_send(
            actor=user_of(request),
            user=colleague,
            clinic_name=name,
            clinic_phone=phone,
            now=timezone.now(),
        )
    except AccountsError as refusal:
        return _staff_page(request, status=page_status(refusal), error=refusal.message)
    messages.success(request, f"A password link was e-mailed to {colleague.email}.")
    return redirect("staff-security")


@sensitive_post_parameters("email")
@login_required
@require_POST
@recent_sign_in_required
def staff_sign_in_email(request: HttpRequest) -> HttpResponse:
    """Change a colleague's sign-in e-mail: both addresses told, audited."""
    _manager(request)
    colleague = _colleague(request)
    form = StaffEmailForm(request.POST)
    if not form.is_valid():
        return _staff_page(request, error="Enter a valid e-mail address.")
    name, phone = _clinic()
    try:
        accounts.staff_sign_in_email_change(
            actor=user_of(request),
            user=colleague,
            new_email=form.cleaned_data["email"],
            clinic_name=name,
            clinic_phone=phone,
            now=timezone.now(),
        )
    except AccountsError as refusal:
        return _staff_page(request, status=page_status(refusal), error=refusal.message)
    messages.success(request, "Sign-in e-mail changed. Both addresses were told.")
    return redirect("staff-security")


urlpatterns: list[URLPattern] = [
    path("account/security/", account_security, name="account-security"),
    path("account/security/authenticator/", authenticator_replace, name="authenticator-replace"),
    path("account/security/passkeys/new/", passkey_add, name="passkey-add"),
    path("account/security/passkeys/remove/", passkey_remove, name="passkey-remove"),
    path("account/security/recovery-codes/", recovery_codes_new, name="recovery-codes-new"),
    path("account/sign-out-everywhere/", sign_out_everywhere, name="sign-out-everywhere"),
    path("staff/security/", staff_security, name="staff-security"),
    path("staff/security/reset/", staff_factor_reset, name="staff-factor-reset"),
    path("staff/security/password-link/", staff_password_link, name="staff-password-link"),
    path("staff/security/email/", staff_sign_in_email, name="staff-sign-in-email"),
]
