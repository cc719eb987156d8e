"""Signing in with two factors.

Staff sign in in two steps: the password (Django's LoginView and AuthenticationForm,
which calls authenticate(request=...)), then a code from their authenticator app, a
passkey or a recovery code (/sign-in/factor/). Someone on staff without a factor yet is
taken to enrolment (/sign-in/enrol/: the app's QR code and its secret as text, or a
passkey), then shown ten recovery codes once. Patients sign in with the password alone.
Each step that raises what the session may do gives it a new id.

Each person's account security (/account/security/, /staff/security/) is
web/security_views.py.

Passkey ceremonies are django-otp-webauthn's JSON views under /passkeys/, wrapped so
that a registration is audited and brings recovery codes, and passing one rotates the
session like a code does.
"""

from __future__ import annotations

from typing import Any

import segno
from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods
from django_otp_webauthn import views as passkey_views
from django_otp_webauthn.exceptions import OTPWebAuthnApiError

from rehabdesk.accounts.models import User
from rehabdesk.security import factors
from rehabdesk.security.errors import SecurityError, SecurityErrorCode
from rehabdesk.web.reauth import confirmed_now, recently_confirmed
from rehabdesk.web.sessions import ENDED, ENDED_MESSAGES, STAFF, factor_is_passed, factor_passed

RECOVERY_TO_SHOW = "rehabdesk_recovery_codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


def _next(request: HttpRequest, default: str = "start") -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse(default)


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class SignInView(auth_views.LoginView):
    """Step one, the password. Staff then go on to their second factor."""

    template_name = "web/sign_in.html"
    redirect_authenticated_user = True
    form_class = AuthenticationForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["ended"] = ENDED_MESSAGES.get(self.request.session.pop(ENDED, ""), "")
        return context

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        if self.request.session.get(STAFF):
            return redirect(with_next("sign-in-factor", self.get_success_url()))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def sign_in_factor(request: HttpRequest) -> HttpResponse:
    """Step two for staff: a code from the app, a recovery code, or a passkey."""
    user = user_of(request)
    next_url = _next(request)
    if not request.session.get(STAFF) or factor_is_passed(request):
        return redirect(next_url)
    if not factors.has_factor(user):
        return redirect(with_next("factor-enrol", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = factors.factor_verify(
                user=user, code=form.cleaned_data["code"], now=timezone.now()
            )
        except SecurityError as error:
            form.add_error("code", error.message)
        else:
            factor_passed(request, device)
            return redirect(next_url)
    return render(
        request,
        "web/security/sign_in_factor.html",
        {"form": form, "next": next_url, "factors": factors.factors_of(user)},
    )


def _qr_svg(config_url: str) -> str:
    """The authenticator app's QR code as inline SVG (no image request, no script)."""
    qr = segno.make(config_url, error="m")
    return str(qr.svg_inline(scale=4, dark="#000", light="#fff", title="QR code to scan"))


def _secret_text(device: Any) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def authenticator_page(
    request: HttpRequest, *, template: str, next_url: str, replacing: bool
) -> HttpResponse:
    user = user_of(request)
    form = CodeForm(request.POST or None)
    pending = factors.totp_pending(user=user)
    if request.method == "GET" or pending is None:
        pending = factors.totp_begin(user=user)
    elif form.is_valid():
        try:
            device, codes = factors.totp_confirm(
                user=user, code=form.cleaned_data["code"], now=timezone.now()
            )
        except SecurityError as error:
            form.add_error("code", error.message)
        else:
            if replacing:
                confirmed_now(request)
            else:
                factor_passed(request, device)
            if codes:
                request.session[RECOVERY_TO_SHOW] = codes
                return redirect(with_next("recovery-codes-shown", next_url))
            return redirect(next_url)
    return render(
        request,
        template,
        {
            "form": form,
            "next": next_url,
            "qr_svg": _qr_svg(pending.config_url),
            "secret": _secret_text(pending),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def factor_enrol(request: HttpRequest) -> HttpResponse:
    """A staff member's first factor: nothing else opens until it is enrolled."""
    user = user_of(request)
    next_url = _next(request)
    if not request.session.get(STAFF) or factor_is_passed(request):
        return redirect(next_url)
    if factors.has_factor(user):
        return redirect(with_next("sign-in-factor", next_url))
    return authenticator_page(
        request, template="web/security/enrol.html", next_url=next_url, replacing=False
    )


@login_required
@require_http_methods(["GET"])
def passkey_enrol(request: HttpRequest) -> HttpResponse:
    """A passkey as the first factor (the browser's own prompt, web/passkeys.js)."""
    user = user_of(request)
    next_url = _next(request)
    if not request.session.get(STAFF) or factor_is_passed(request):
        return redirect(next_url)
    if factors.has_factor(user):
        return redirect(with_next("sign-in-factor", next_url))
    return render(request, "web/security/passkey_enrol.html", {"next": next_url})


@login_required
@require_http_methods(["GET"])
def recovery_codes_shown(request: HttpRequest) -> HttpResponse:
    """The recovery codes, once: taken out of the session as the page is drawn."""
    codes = request.session.pop(RECOVERY_TO_SHOW, None)
    if not codes:
        return redirect("account-security")
    response = render(
        request,
        "web/security/recovery_codes.html",
        {"codes": codes, "next": _next(request, default="account-security")},
    )
    response["Cache-Control"] = "no-store"
    return response


class PasswordAgainForm(forms.Form):
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def reauth(request: HttpRequest) -> HttpResponse:
    """Confirm it is you: staff give a code or a passkey, patients their password."""
    user = user_of(request)
    next_url = _next(request, default="account-security")
    staff = bool(request.session.get(STAFF))
    form: forms.Form = (
        CodeForm(request.POST or None) if staff else PasswordAgainForm(request.POST or None)
    )
    if request.method == "POST" and form.is_valid():
        if staff:
            try:
                factors.factor_verify(user=user, code=form.cleaned_data["code"], now=timezone.now())
            except SecurityError as error:
                form.add_error("code", error.message)
        elif not user.check_password(form.cleaned_data["password"]):
            form.add_error("password", "That is not your password.")
        if not form.errors:
            confirmed_now(request)
            return redirect(next_url)
    return render(
        request,
        "web/security/reauth.html",
        {
            "form": form,
            "next": next_url,
            "staff": staff,
            "passkeys": staff and bool(factors.factors_of(user).passkeys),
        },
    )


class PasskeyRegisterBegin(passkey_views.BeginCredentialRegistrationView):
    """A staff member adds a passkey: as a first factor, or later after a recent
    confirmation (the account page)."""

    def check_can_register(self) -> None:
        _passkey_registration_allowed(self.request)


class PasskeyRegisterComplete(passkey_views.CompleteCredentialRegistrationView):
    def check_can_register(self) -> None:
        _passkey_registration_allowed(self.request)

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        first = not factor_is_passed(self.request)
        response = super().post(*args, **kwargs)
        if response.status_code != 200:
            return response
        if first:
            # The library marked the session verified by the new passkey: a privilege
            # raised, so the session gets a new id.
            self.request.session.cycle_key()
        confirmed_now(self.request)
        codes = factors.passkey_registered(user=user_of(self.request), now=timezone.now())
        next_url = _next(self.request, default="account-security")
        if codes:
            self.request.session[RECOVERY_TO_SHOW] = codes
            next_url = with_next("recovery-codes-shown", next_url)
        return JsonResponse({"redirect_url": next_url})


class PasskeyRefused(OTPWebAuthnApiError):
    status_code = 403
    default_code = "not_allowed"


def _passkey_registration_allowed(request: HttpRequest) -> None:
    if not request.session.get(STAFF):
        raise PasskeyRefused(detail="Passkeys are for staff accounts.")
    if factor_is_passed(request) and not recently_confirmed(request):
        raise PasskeyRefused(
            detail="Confirm it is you first, then add the passkey.",
            code=str(SecurityErrorCode.RECENT_SIGN_IN_REQUIRED),
        )


def _passkey_verification_allowed(request: HttpRequest) -> None:
    """Only staff, signed in with their password, use a passkey (their second step or a
    confirmation); never anyone signed out."""
    if not request.user.is_authenticated or not request.session.get(STAFF):
        raise PasskeyRefused(detail="Sign in with your password first.")


class PasskeyVerifyBegin(passkey_views.BeginCredentialAuthenticationView):
    def check_can_authenticate(self) -> None:
        _passkey_verification_allowed(self.request)


class PasskeyVerifyComplete(passkey_views.CompleteCredentialAuthenticationView):
    def check_can_authenticate(self) -> None:
        _passkey_verification_allowed(self.request)

    def complete_auth(self, device: Any) -> Any:
        """Only ever the second step, the password already given (never passwordless)."""
        factor_passed(self.request, device)
        return device.user


urlpatterns: list[URLPattern] = [
    path("sign-in/", SignInView.as_view(), name="sign-in"),
    path("sign-in/factor/", sign_in_factor, name="sign-in-factor"),
    path("sign-in/enrol/", factor_enrol, name="factor-enrol"),
    path("sign-in/enrol/passkey/", passkey_enrol, name="passkey-enrol"),
    path("account/recovery-codes/", recovery_codes_shown, name="recovery-codes-shown"),
    path("account/confirm/", reauth, name="reauth"),
    path("passkeys/register/begin/", PasskeyRegisterBegin.as_view(), name="passkey-register-begin"),
    path(
        "passkeys/register/complete/",
        PasskeyRegisterComplete.as_view(),
        name="passkey-register-complete",
    ),
    path("passkeys/verify/begin/", PasskeyVerifyBegin.as_view(), name="passkey-verify-begin"),
    path(
        "passkeys/verify/complete/",
        PasskeyVerifyComplete.as_view(),
        name="passkey-verify-complete",
    ),
]
