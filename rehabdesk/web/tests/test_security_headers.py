"""The security headers (web/headers.py) on every route of the authorization matrix: a
Content-Security-Policy without inline scripts and a Permissions-Policy on every answer,
and `Cache-Control: no-store` on every answer that may carry patient information —
every answer to a signed-in person, every API answer, every anonymous page but the
clinic's public brochure. The API's docs page serves its assets from our own files."""

from __future__ import annotations

import copy
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpResponse, HttpResponseBase
from django.test import Client, RequestFactory
from django.urls import ResolverMatch

from rehabdesk.testing.authorization import all_routes, build_path, load_rows, rows_for
from rehabdesk.testing.personas import Personas
from rehabdesk.web.headers import (
    PUBLIC_PAGES,
    SecurityHeadersMiddleware,
    permissions_text,
    policy_text,
)
from rehabdesk.web.tests.test_authorization_matrix import clients, kwargs_for, world  # noqa: F401

pytestmark = pytest.mark.django_db

# Who asks each route: a signed-in persona the matrix lets in, and the visitor.
ASKERS = ("manager", "physio", "front_desk", "patient_a", "guardian")


def directives(response: HttpResponseBase) -> dict[str, list[str]]:
    found = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        found[name] = sources
    return found


def headers_problems(label: str, response: HttpResponseBase, *, no_store: bool) -> list[str]:
    problems = []
    if "Content-Security-Policy" not in response:
        problems.append(f"{label}: no Content-Security-Policy")
    elif not response["Content-Security-Policy"].startswith("default-src 'none'; sandbox"):
        # A picture keeps its own, stricter policy; every other answer has ours.
        scripts = directives(response).get("script-src", [])
        if scripts != ["'self'"]:
            problems.append(f"{label}: script-src {scripts}")
    if "Permissions-Policy" not in response:
        problems.append(f"{label}: no Permissions-Policy")
    stored = "no-store" in response.get("Cache-Control", "")
    if no_store and not stored:
        problems.append(f"{label}: Cache-Control {response.get('Cache-Control')!r}")
    return problems


def ask(client: Client, path: str) -> HttpResponseBase:
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = client.get(path)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


def test_every_route_answers_with_the_headers_and_no_store_where_it_may_carry_health_information(
    world,  # noqa: F811
):
    rows = load_rows()
    by_persona = clients(world)
    problems = []
    asked = 0
    for route in all_routes():
        row = rows_for(route, rows).get("GET")
        if row is None:
            continue
        path = build_path(route, {**kwargs_for(route, row.target, world), "section": "contact"})
        signed_in = next(
            (name for name in ASKERS if row.expected[name] in ("ok", "redirect")), "manager"
        )
        for persona in (signed_in, "anonymous"):
            response = ask(by_persona[persona], path)
            asked += 1
            public = persona == "anonymous" and route.key in PUBLIC_PAGES
            if route.key == "picture":
                public = True  # the logo or a practitioner's photo, cached a year
            if route.key == "closures-feed":
                public = True  # a location's closure days, the same for everyone
            problems += headers_problems(
                f"{route.key} GET as {persona} ({response.status_code})",
                response,
                no_store=not public,
            )
            if public and route.key != "picture":
                assert "no-store" not in response.get("Cache-Control", ""), route.key
    assert asked > 300
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("signed_in", "view", "expected"),
    [
        (False, "home", None),
        (False, "team", None),
        (True, "home", "no-store"),
        (False, "manage-booking", "no-store"),
        (False, "measure-link", "no-store"),
        (False, "guide-result", "no-store"),
        (False, "book-details", "no-store"),
        (False, "api:list_services", "no-store"),
        (False, None, "no-store"),  # an unknown address
    ],
)
def test_who_gets_no_store(signed_in, view, expected, django_user_model):
    request = RequestFactory().get("/")
    request.user = django_user_model(email="someone@example.com") if signed_in else AnonymousUser()
    if view is not None:
        request.resolver_match = ResolverMatch(
            lambda r: None, (), {}, url_name=view.split(":")[-1], namespaces=view.split(":")[:-1]
        )
    response = SecurityHeadersMiddleware(lambda r: HttpResponse("page"))(request)
    cache_control = response.get("Cache-Control")
    if expected is None:
        assert cache_control is None
    else:
        assert expected in cache_control


def test_a_view_s_own_policy_and_public_caching_are_kept():
    request = RequestFactory().get("/")

    def picture(_request):
        response = HttpResponse(b"png")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "public, max-age=31536000, immutable"
        return response

    response = SecurityHeadersMiddleware(picture)(request)
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Permissions-Policy"].startswith("accelerometer=()")


def test_the_policy_allows_no_inline_script_and_denies_the_devices():
    csp = policy_text(settings.CONTENT_SECURITY_POLICY)
    assert "unsafe-inline" not in re.search(r"script-src[^;]*", csp).group(0)
    assert "unsafe-eval" not in csp
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "connect-src 'self'",
    ):
        assert directive in csp.split("; ")
    permissions = permissions_text(settings.PERMISSIONS_POLICY)
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions.split(", ")


def test_the_api_docs_page_uses_our_own_assets_and_no_inline_script(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', page)
    assert sources, page
    assert all(src.startswith("/static/ninja/") for src in sources), sources
    # Only the settings, as data: every <script> either has a src or is JSON.
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "cdn." not in page  # a CDN host, not a random token's letters
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("persona", ["anonymous", "patient_a"])
def test_a_page_with_patient_information_is_never_cached(persona, personas: Personas):
    client = Client()
    user = personas.user(persona)
    if user is not None:
        client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    stored = "no-store" in response.get("Cache-Control", "")
    assert stored == (persona != "anonymous")


@pytest.mark.parametrize("path", ["/", "/api/services", "/sign-in/"])
def test_over_https_every_answer_also_carries_hsts_and_the_frame_and_referrer_policies(
    path, client
):
    response = client.get(path, secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("debug", "status", "has_policy"),
    [
        (False, 404, True),
        (False, 500, True),
        (True, 200, True),
        (True, 404, False),
        (True, 500, False),
    ],
)
def test_only_django_s_debug_pages_go_without_the_policy(debug, status, has_policy, settings):
    settings.DEBUG = debug
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    response = SecurityHeadersMiddleware(lambda r: HttpResponse("page", status=status))(request)
    assert ("Content-Security-Policy" in response) == has_policy
    assert "no-store" in response["Cache-Control"]
