"""Who is calling: a signed-in session, or an API token (`Authorization: Bearer
rhd_…`), route by route with the scope the route needs (docs/api.md).

`signed_in(scope)` is every non-public route's `auth`: the token first, so a request
that presents one is decided by it alone (a bad token is 401 `token_invalid`, never
the session's answer), then the session (with its CSRF check). A token call acts as
the token's person — request.user is that person, the same access policy decides —
and every audit event of the request notes the token's prefix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from rehabdesk.apitokens.choices import Scope
from rehabdesk.apitokens.services import api_token_use
from rehabdesk.audit.context import audit_via


class ApiTokenAuth(HttpBearer):
    """A bearer token holding `scope` (the OpenAPI document's bearer scheme)."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        used = api_token_use(text=token, scope=self.scope, now=timezone.now())
        request.user = used.user
        audit_via(f"API token {used.prefix}")
        return used.user


def signed_in(scope: Scope) -> list[Callable[[HttpRequest], Any]]:
    return [ApiTokenAuth(scope), django_auth]


def scope_of(auth_callbacks: object) -> Scope | None:
    """The scope a route's `auth` asks of a token (None: a public route)."""
    if not isinstance(auth_callbacks, list | tuple):
        return None
    return next((a.scope for a in auth_callbacks if isinstance(a, ApiTokenAuth)), None)
