"""Re-authentication before sensitive actions: a factor changed, an export downloaded,
a record opened in an emergency. `recent_sign_in_required` lets a view run only if the
session's person gave their password or a second factor within the last
settings.REAUTH_MINUTES (5); otherwise pages go to /account/confirm/ (a code from the
authenticator app or a passkey for staff, the password for patients) and come back,
and the API answers 403 `recent_sign_in_required`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from rehabdesk.access.refusals import http_status
from rehabdesk.security.errors import SecurityErrorCode
from rehabdesk.web import sessions
from rehabdesk.web.sessions import CONFIRMED


def recently_confirmed(request: HttpRequest) -> bool:
    confirmed = request.session.get(CONFIRMED)
    return (
        confirmed is not None
        and sessions.clock() - float(confirmed) <= settings.REAUTH_MINUTES * 60
    )


def confirmed_now(request: HttpRequest) -> None:
    request.session[CONFIRMED] = sessions.clock()


def _come_back_to(request: HttpRequest) -> str:
    """A page to return to: this one for a GET, the page the form was on for a POST."""
    if request.method == "GET":
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return reverse("account-security")


def recent_sign_in_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return view(request, *args, **kwargs)  # the view's own sign-in check answers
        if recently_confirmed(request):
            return view(request, *args, **kwargs)
        if request.path.startswith("/api/"):
            code = SecurityErrorCode.RECENT_SIGN_IN_REQUIRED
            return JsonResponse(
                {
                    "code": str(code),
                    "detail": "Confirm it is you (password or second factor) and try again.",
                    "field": None,
                },
                status=http_status(code),
            )
        return redirect(f"{reverse('reauth')}?{urlencode({'next': _come_back_to(request)})}")

    return wrapped
