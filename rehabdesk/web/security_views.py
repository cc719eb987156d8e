"""Each person's account security, and the manager's reset of a colleague's factors.

/account/security/ lists a person's factors and changes them (after a recent
confirmation: web/reauth.py) and signs them out everywhere; /staff/security/ is the
manager's list of staff with a reset for a colleague who lost their phone. Signing in
itself, enrolment and the passkey ceremonies are web/factor_views.py.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from rehabdesk.access.policy import Capability, can, person_for
from rehabdesk.security import factors
from rehabdesk.security.errors import SecurityError
from rehabdesk.web.factor_views import RECOVERY_TO_SHOW, authenticator_page, user_of, with_next
from rehabdesk.web.reauth import recent_sign_in_required
from rehabdesk.web.sessions import STAFF


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
        factors.factor_reset(actor=user_of(request), user=colleague, now=timezone.now())
    except SecurityError as error:
        return render(
            request,
            "web/security/staff.html",
            {"staff": factors.staff_with_factors(), "me": request.user.pk, "error": error.message},
        )
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
]
