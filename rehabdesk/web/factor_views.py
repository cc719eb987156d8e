"""Signing in with two factors, and each person's account security.

Staff sign in in two steps: the password (Django's LoginView and AuthenticationForm,
which calls authenticate(request=...)), then a code from their authenticator app, a
passkey or a recovery code (/sign-in/factor/). Someone on staff without a factor yet is
taken to enrolment (/sign-in/enrol/: the app's QR code and its secret as text, or a
passkey), then shown ten recovery codes once. Patients sign in with the password alone.
Each step that raises what the session may do gives it a new id.

/account/security/ lists a person's factors and changes them (after a recent
confirmation: web/reauth.py) and signs them out everywhere; /staff/security/ is the
manager's list of staff with a reset for a colleague who lost their phone.

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
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST
from django_otp_webauthn import views as passkey_views
from django_otp_webauthn.exceptions import OTPWebAuthnApiError

from rehabdesk.access.policy import Capability, can, person_for
from rehabdesk.accounts.models import User
from rehabdesk.security import factors
from rehabdesk.security.errors import SecurityError, SecurityErrorCode
from rehabdesk.web.reauth import confirmed_now, recent_sign_in_required, recently_confirmed
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


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _with_next(name: str, next_url: str) -> str:
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
            return redirect(_with_next("sign-in-factor", self.get_success_url()))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def sign_in_factor(request: HttpRequest) -> HttpResponse:
    """Step two for staff: a code from the app, a recovery code, or a passkey."""
    user = _user(request)
    next_url = _next(request)
    if not request.session.get(STAFF) or factor_is_passed(request):
        return redirect(next_url)
    if not factors.has_factor(user):
        return redirect(_with_next("factor-enrol", next_url))
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


def _authenticator_page(
    request: HttpRequest, *, template: str, next_url: str, replacing: bool
) -> HttpResponse:
    user = _user(request)
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
                return redirect(_with_next("recovery-codes-shown", next_url))
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
    user = _user(request)
    next_url = _next(request)
    if not request.session.get(STAFF) or factor_is_passed(request):
        return redirect(next_url)
    if factors.has_factor(user):
        return redirect(_with_next("sign-in-factor", next_url))
    return _authenticator_page(
        request, template="web/security/enrol.html", next_url=next_url, replacing=False
    )


@login_required
@require_http_methods(["GET"])
def passkey_enrol(request: HttpRequest) -> HttpResponse:
    """A passkey as the first factor (the browser's own prompt, web/passkeys.js)."""
    user = _user(request)
    next_url = _next(request)
    if not request.session.get(STAFF) or factor_is_passed(request):
        return redirect(next_url)
    if factors.has_factor(user):
        return redirect(_with_next("sign-in-factor", next_url))
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
    user = _user(request)
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


@login_required
@require_http_methods(["GET"])
def account_security(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    staff = bool(request.session.get(STAFF))
    return render(
        request,
        "web/security/account.html",
        {
            "staff": staff,
            "factors": factors.factors_of(user) if staff else None,
            "resets_factors": can(person_for(user), Capability.RESET_FACTORS),
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
    return _authenticator_page(
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
    user = _user(request)
    if not factors.passkey_remove(user=user, passkey_id=passkey_id, now=timezone.now()):
        raise Http404
    return redirect("account-security")


@login_required
@require_POST
@recent_sign_in_required
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    codes = factors.recovery_codes_issue(user=_user(request), now=timezone.now())
    request.session[RECOVERY_TO_SHOW] = codes
    return redirect(_with_next("recovery-codes-shown", reverse("account-security")))


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """Every session of this person ends: this one now, the others at their next request."""
    factors.sessions_end_everywhere(user=_user(request), now=timezone.now())
    return redirect("sign-in")


def _manager(request: HttpRequest) -> None:
    if not can(person_for(request.user), Capability.RESET_FACTORS):
        raise PermissionDenied


@login_required
@require_http_methods(["GET"])
def staff_security(request: HttpRequest) -> HttpResponse:
    _manager(request)
    return render(
        request,
        "web/security/staff.html",
        {"staff": factors.staff_with_factors(), "me": request.user.pk},
    )


@login_required
@require_POST
@recent_sign_in_required
def staff_factor_reset(request: HttpRequest) -> HttpResponse:
    _manager(request)
    colleague = factors.staff_member(user_id=_posted_id(request, "user_id"))
    if colleague is None:
        raise Http404
    try:
        factors.factor_reset(actor=_user(request), user=colleague, now=timezone.now())
    except SecurityError as error:
        return render(
            request,
            "web/security/staff.html",
            {"staff": factors.staff_with_factors(), "me": request.user.pk, "error": error.message},
        )
    return redirect("staff-security")


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
        codes = factors.passkey_registered(user=_user(self.request), now=timezone.now())
        next_url = _next(self.request, default="account-security")
        if codes:
            self.request.session[RECOVERY_TO_SHOW] = codes
            next_url = _with_next("recovery-codes-shown", next_url)
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
    path("account/security/", account_security, name="account-security"),
    path("account/security/authenticator/", authenticator_replace, name="authenticator-replace"),
    path("account/security/passkeys/new/", passkey_add, name="passkey-add"),
    path("account/security/passkeys/remove/", passkey_remove, name="passkey-remove"),
    path("account/security/recovery-codes/", recovery_codes_new, name="recovery-codes-new"),
    path("account/sign-out-everywhere/", sign_out_everywhere, name="sign-out-everywhere"),
    path("staff/security/", staff_security, name="staff-security"),
    path("staff/security/reset/", staff_factor_reset, name="staff-factor-reset"),
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
