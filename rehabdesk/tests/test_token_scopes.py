"""Each operation declares the scope an API token needs for it, and
docs/api-token-scopes.csv says the same: a route cannot change scope, or be added
without one, unseen — the ninja API's operations and the FHIR API's (the search and
the read of each served type) alike."""

from __future__ import annotations

from rehabdesk.api.auth import ApiTokenAuth, scope_of
from rehabdesk.api.urls import api
from rehabdesk.apitokens.choices import Scope
from rehabdesk.fhir import views as fhir_views
from rehabdesk.fhir.resources import SERVED
from rehabdesk.testing.authorization import all_routes
from rehabdesk.testing.token_scopes import load_scopes, openapi_path

PUBLIC = {
    ("GET", "/api/services"),
    ("GET", "/api/locations"),
    ("GET", "/api/practitioners"),
    ("GET", "/api/availability"),
    ("GET", "/fhir/metadata"),
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


def fhir_declared() -> dict[tuple[str, str], str | None]:
    """Every route under /fhir/ as the URL configuration has it, a route taking a
    resource type once for each served type; all need the views' SCOPE but metadata."""
    found: dict[tuple[str, str], str | None] = {}
    for route in all_routes():
        if not route.key.startswith("fhir:"):
            continue
        path = openapi_path(route.pattern)
        if route.key == "fhir:metadata":
            found["GET", path] = None
        elif "{resource_type}" in path:
            for kind in SERVED:
                found["GET", path.replace("{resource_type}", kind)] = str(fhir_views.SCOPE)
        else:
            found["GET", path] = str(fhir_views.SCOPE)
    return found


def test_every_operation_that_needs_a_session_declares_a_token_scope_as_documented():
    operations = declared() | fhir_declared()
    public = {key for key, scope in operations.items() if scope is None}
    assert public == PUBLIC
    assert {key: scope for key, scope in operations.items() if scope} == load_scopes()


def test_every_fhir_search_and_read_is_in_the_table():
    """A type added to SERVED, or a route added under /fhir/, without its row fails."""
    rows = {key for key in load_scopes() if key[1].startswith("/fhir/")}
    assert ("GET", "/fhir/Slot/{resource_id}") in rows
    assert len(rows) == 2 * len(SERVED)
    assert rows == {key for key, scope in fhir_declared().items() if scope}


def test_the_documented_scopes_are_the_known_ones():
    assert set(load_scopes().values()) <= set(Scope.values)


def test_the_token_comes_before_the_session_on_every_operation():
    """A request presenting a token is decided by the token alone."""
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                if operation.auth_callbacks:
                    assert isinstance(operation.auth_callbacks[0], ApiTokenAuth)
