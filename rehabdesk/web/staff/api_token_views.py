"""API tokens (/staff/api-tokens/): each member of staff issues and revokes their own
personal tokens; a manager (MANAGE_API_TOKENS) sees every token, issues application
tokens and revokes any. Issuing asks for a recent sign-in (web/reauth.py); the token
is shown once, on the answer to the form, and never again (docs/api.md)."""

from __future__ import annotations

from contextlib import suppress

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rehabdesk.access.policy import Capability, Person, can, person_for
from rehabdesk.apitokens.choices import TokenKind
from rehabdesk.apitokens.errors import TokenError
from rehabdesk.apitokens.selectors import token_found, tokens_listed
from rehabdesk.apitokens.services import (
    IssuedToken,
    api_token_create_application,
    api_token_create_personal,
    api_token_revoke,
)
from rehabdesk.web.factor_views import user_of
from rehabdesk.web.reauth import recent_sign_in_required
from rehabdesk.web.staff.api_token_forms import ApplicationTokenForm, PersonalTokenForm

PAGE = "web/security/api_tokens.html"


def _staff(request: HttpRequest) -> Person:
    person = person_for(request.user)
    if not person.is_staff_member:
        raise PermissionDenied
    return person


def _page(
    request: HttpRequest,
    person: Person,
    *,
    personal: PersonalTokenForm | None = None,
    application: ApplicationTokenForm | None = None,
) -> HttpResponse:
    manages = can(person, Capability.MANAGE_API_TOKENS)
    return render(
        request,
        PAGE,
        {
            "manages": manages,
            "tokens": tokens_listed(owner_id=None if manages else request.user.pk),
            "personal": personal or PersonalTokenForm(prefix="personal"),
            "application": (application or ApplicationTokenForm(prefix="application"))
            if manages
            else None,
            "now": timezone.now(),
        },
    )


@require_GET
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    return _page(request, _staff(request))


@require_POST
@login_required
@recent_sign_in_required
def api_token_create(request: HttpRequest) -> HttpResponse:
    person = _staff(request)
    now = timezone.now()
    if request.POST.get("kind") == TokenKind.APPLICATION:
        if not can(person, Capability.MANAGE_API_TOKENS):
            raise PermissionDenied
        application = ApplicationTokenForm(request.POST, prefix="application")
        if not application.is_valid():
            return _page(request, person, application=application)
        try:
            issued = api_token_create_application(
                name=application.cleaned_data["name"],
                role=application.cleaned_data["role"],
                scopes=application.cleaned_data["scopes"],
                expires_at=application.expires_at(now),
                actor=user_of(request),
                now=now,
            )
        except TokenError as error:
            _refused(application, error)
            return _page(request, person, application=application)
        return _shown_once(request, issued)
    personal = PersonalTokenForm(request.POST, prefix="personal")
    if not personal.is_valid():
        return _page(request, person, personal=personal)
    try:
        issued = api_token_create_personal(
            user=user_of(request),
            name=personal.cleaned_data["name"],
            scopes=personal.cleaned_data["scopes"],
            expires_at=personal.expires_at(now),
            now=now,
        )
    except TokenError as error:
        _refused(personal, error)
        return _page(request, person, personal=personal)
    return _shown_once(request, issued)


def _refused(form: PersonalTokenForm, error: TokenError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _shown_once(request: HttpRequest, issued: IssuedToken) -> HttpResponse:
    return render(request, "web/security/api_token_created.html", {"issued": issued})


@require_POST
@login_required
def api_token_revoke_view(request: HttpRequest) -> HttpResponse:
    """Revoke one's own personal token, or (a manager) any token. Revoking asks for no
    re-authentication: stopping a token must never be harder than using it."""
    person = _staff(request)
    value = request.POST.get("token_id", "")
    if not value.isdigit() or len(value) > 18:
        raise Http404
    manages = can(person, Capability.MANAGE_API_TOKENS)
    token = token_found(token_id=int(value), owner_id=None if manages else request.user.pk)
    if token is None:
        raise Http404
    # Revoked already (from another window, meanwhile): the list says so.
    with suppress(TokenError):
        api_token_revoke(token=token, actor=user_of(request), now=timezone.now())
    return redirect("staff-api-tokens")


urlpatterns: list[URLPattern] = [
    path("staff/api-tokens/", api_tokens, name="staff-api-tokens"),
    path("staff/api-tokens/new/", api_token_create, name="staff-api-token-create"),
    path("staff/api-tokens/revoke/", api_token_revoke_view, name="staff-api-token-revoke"),
]
