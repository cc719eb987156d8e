"""Each operation declares the scope an API token needs for it, and
docs/api-token-scopes.csv says the same: a route cannot change scope, or be added
without one, unseen."""

from __future__ import annotations

from rehabdesk.api.auth import ApiTokenAuth, scope_of
from rehabdesk.api.urls import api
from rehabdesk.apitokens.choices import Scope
from rehabdesk.testing.token_scopes import load_scopes

PUBLIC = {
    ("GET", "/api/services"),
    ("GET", "/api/locations"),
    ("GET", "/api/practitioners"),
    ("GET", "/api/availability"),
}


def declared() -> dict[tuple[str, str], str | None]:
    found = {}
    for router in api._get_bound_routers():
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    scope = scope_of(operation.auth_callbacks)
                    found[method, "/api/" + path.lstrip("/")] = (
                        None if scope is None else str(scope)
                    )
    return found


def test_every_operation_that_needs_a_session_declares_a_token_scope_as_documented():
    operations = declared()
    public = {key for key, scope in operations.items() if scope is None}
    assert public == PUBLIC
    assert {key: scope for key, scope in operations.items() if scope} == load_scopes()


def test_the_documented_scopes_are_the_known_ones():
    assert set(load_scopes().values()) <= set(Scope.values)


def test_the_token_comes_before_the_session_on_every_operation():
    """A request presenting a token is decided by the token alone."""
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                if operation.auth_callbacks:
                    assert isinstance(operation.auth_callbacks[0], ApiTokenAuth)
