"""Tokens and scopes in the authorization matrix: every API route of
docs/authorization-matrix.csv, asked by each member of staff with a personal token
instead of a session. With the route's scope (docs/api-token-scopes.csv) the token
gets exactly what the session gets — the same access policy, no more, no less;
with every scope but that one it gets 403 `token_scope_missing`. The FHIR rows of
the scopes table likewise: their scope lets a token in, every other scope is 403
`forbidden`."""

from __future__ import annotations

from django.db import transaction
from django.test import Client

from rehabdesk.apitokens.choices import Scope
from rehabdesk.apitokens.testing import personal_token
from rehabdesk.testing.authorization import all_routes, build_path, load_rows, rows_for
from rehabdesk.testing.token_scopes import load_scopes, openapi_path
from rehabdesk.web.tests.test_authorization_matrix import kwargs_for, world  # noqa: F401

STAFF = ("front_desk", "physio", "massage_therapist", "manager", "privacy_officer")


def ask(path: str, method: str, token: str) -> tuple[int, str]:
    client = Client()
    with transaction.atomic():
        response = client.generic(method, path, headers={"Authorization": f"Bearer {token}"})
        transaction.set_rollback(True)
    code = response.json().get("code", "") if response.status_code >= 400 else ""
    return response.status_code, code


def outcome(status: int) -> str:
    return "ok" if status == 200 else str(status)


def test_a_token_with_the_route_s_scope_gets_what_a_session_gets_and_without_it_403(world):  # noqa: F811
    rows = load_rows()
    scopes = {key: scope for key, scope in load_scopes().items() if key[1].startswith("/api/")}
    asked = 0
    wrong = []
    for route in all_routes():
        if not route.key.startswith("api:"):
            continue
        for method, row in sorted(rows_for(route, rows).items()):
            scope = scopes.get((method, openapi_path(route.pattern)))
            if scope is None:
                continue
            path = build_path(route, kwargs_for(route, row.target, world))
            for name in STAFF:
                user = world.user(name)
                exactly = personal_token(user, Scope(scope))
                others = personal_token(user, *(s for s in Scope if s != scope))
                status, _ = ask(path, method, exactly)
                if outcome(status) != row.expected[name]:
                    wrong.append(f"{method} {path} as {name} with {scope}: {status}")
                status, code = ask(path, method, others)
                if (status, code) != (403, "token_scope_missing"):
                    wrong.append(f"{method} {path} as {name} without {scope}: {status} {code}")
                asked += 1
    assert asked >= len(scopes) * len(STAFF)
    assert not wrong, "\n".join(wrong)


def test_each_fhir_row_s_scope_lets_a_token_in_and_every_other_scope_is_403(world):  # noqa: F811
    scopes = {key: scope for key, scope in load_scopes().items() if key[1].startswith("/fhir/")}
    assert scopes
    wrong = []
    for name in STAFF:
        user = world.user(name)
        for (method, path), scope in sorted(scopes.items()):
            url = path.replace("{resource_id}", "1")
            exactly = personal_token(user, Scope(scope))
            others = personal_token(user, *(s for s in Scope if s != scope))
            status, answer = fhir_ask(url, method, exactly)
            # In: a Bundle, the resource, or a refusal of the search or the id.
            if status not in (200, 400, 404) or answer in ("login", "forbidden"):
                wrong.append(f"{method} {url} as {name} with {scope}: {status} {answer}")
            status, answer = fhir_ask(url, method, others)
            if (status, answer) != (403, "forbidden"):
                wrong.append(f"{method} {url} as {name} without {scope}: {status} {answer}")
    assert not wrong, "\n".join(wrong)


def fhir_ask(path: str, method: str, token: str) -> tuple[int, str]:
    """The status, and the resource type answered or the OperationOutcome's issue code."""
    client = Client()
    response = client.generic(method, path, headers={"Authorization": f"Bearer {token}"})
    body = response.json()
    if body["resourceType"] == "OperationOutcome":
        return response.status_code, body["issue"][0]["code"]
    return response.status_code, body["resourceType"]
