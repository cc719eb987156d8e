"""Where the billing pages send the desk next: back to the page it came from (a path
on this site only), and the receipt links of the receipts' pages when they exist."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from rehabdesk.accounts.models import User


def acting_user(request: HttpRequest) -> User:
    """Who acts, for the billing services (`by`): a signed-in account (the views are
    login_required, so anything else is a bug, answered 404)."""
    if not isinstance(request.user, User):
        raise Http404("Sign in first.")
    return request.user


def back_to(request: HttpRequest, default: str) -> str:
    """`next` from the form or the address, when it is a path of ours; else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


def optional_url(name: str, **kwargs: int) -> str:
    """The address of a page another part of the staff site may offer (the receipt's
    download and e-mail), or "" while it has none."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""
