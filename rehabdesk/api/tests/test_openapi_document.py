"""The OpenAPI document at /api/openapi.json is the API's contract: every route the API
answers is in it, with its method, whether it needs a session, what it answers on
success and the schema of what it takes, so a client can be written from it alone."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rehabdesk.api.urls import api

# A token (the bearer scheme) or a session: either signs a request in.
SESSION: list[dict[str, list[str]]] = [{"ApiTokenAuth": []}, {"SessionAuth": []}]
APPOINTMENT = "/api/appointments/{appointment_id}"

# (method, path): (needs a session, success status, request body schema or None)
CONTRACT = {
    ("GET", "/api/services"): (False, "200", None),
    ("GET", "/api/locations"): (False, "200", None),
    ("GET", "/api/practitioners"): (False, "200", None),
    ("GET", "/api/availability"): (False, "200", None),
    ("POST", "/api/holds"): (True, "201", "BookingIn"),
    ("POST", "/api/appointments"): (True, "201", "BookingIn"),
    ("GET", APPOINTMENT): (True, "200", None),
    ("POST", f"{APPOINTMENT}/confirm"): (True, "200", None),
    ("POST", f"{APPOINTMENT}/reschedule"): (True, "200", "RescheduleIn"),
    ("POST", f"{APPOINTMENT}/cancel"): (True, "200", "CancelIn"),
    ("POST", f"{APPOINTMENT}/arrive"): (True, "200", None),
    ("POST", f"{APPOINTMENT}/noshow"): (True, "200", "NoShowIn"),
    ("POST", f"{APPOINTMENT}/keep"): (True, "200", None),
    ("GET", "/api/patients/{patient_id}/attendance"): (True, "200", None),
    ("GET", "/api/changed-hours"): (True, "200", None),
    ("POST", "/api/series"): (True, "201", "SeriesIn"),
    ("POST", f"{APPOINTMENT}/series/reschedule"): (True, "200", "SeriesChangeIn"),
    ("POST", f"{APPOINTMENT}/series/cancel"): (True, "200", "SeriesCancelIn"),
    ("POST", "/api/waitlist"): (True, "201", "WaitlistIn"),
    ("GET", "/api/waitlist"): (True, "200", None),
    ("POST", "/api/waitlist/{entry_id}/withdraw"): (True, "200", None),
    ("POST", "/api/waitlist-offers/{offer_id}/accept"): (True, "200", None),
    ("POST", "/api/waitlist-offers/{offer_id}/decline"): (True, "200", None),
}


@pytest.fixture(scope="module")
def document() -> dict:
    from django.test import Client

    return Client().get(reverse("api:openapi-json")).json()


def operations(document: dict) -> dict[tuple[str, str], dict]:
    return {
        (method.upper(), path): operation
        for path, by_method in document["paths"].items()
        for method, operation in by_method.items()
    }


def body_schema(operation: dict) -> str | None:
    """The name of the request body's schema (an optional body is `X or null`)."""
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    schema = schema.get("schema")
    if schema is None:
        return None
    ref = schema.get("$ref") or next(s["$ref"] for s in schema["anyOf"] if "$ref" in s)
    return ref.rsplit("/", 1)[-1]


def test_every_route_the_api_answers_is_in_the_document(document):
    patterns, _, _ = api.urls
    routed = {
        "/api/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(p.pattern))
        for p in patterns
        if p.name not in {"openapi-json", "openapi-view", "api-root"}
    }
    assert routed == set(document["paths"])


def test_the_document_is_the_contract_route_by_route(document):
    found = {
        key: (
            operation.get("security") == SESSION,
            next(iter(operation["responses"])),
            body_schema(operation),
        )
        for key, operation in operations(document).items()
    }
    assert found == CONTRACT


def test_a_session_is_the_sessionid_cookie_and_a_token_the_bearer_scheme(document):
    assert document["components"]["securitySchemes"] == {
        "ApiTokenAuth": {"type": "http", "scheme": "bearer"},
        "SessionAuth": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
    }


def test_each_operation_a_token_may_call_names_the_scope_it_needs(document):
    for (method, path), (needs_session, _, _) in CONTRACT.items():
        description = operations(document)[method, path].get("description", "")
        assert ("API token scope: `" in description) == needs_session, (method, path)
    attendance = operations(document)["GET", "/api/patients/{patient_id}/attendance"]
    assert attendance["description"].endswith("API token scope: `patients:read`.")


def test_a_booking_names_what_it_needs_and_an_aware_start(document):
    booking = document["components"]["schemas"]["BookingIn"]
    assert booking["required"] == ["patient", "service", "practitioner", "location", "start"]
    assert booking["properties"]["start"]["format"] == "date-time"
    assert booking["properties"]["note"]["maxLength"] == 2000
    assert document["components"]["schemas"]["Channel"]["enum"] == [
        "online",
        "phone",
        "walk-in",
        "staff",
    ]


def test_a_search_s_limits_are_in_its_parameters(document):
    parameters = {
        p["name"]: p for p in operations(document)["GET", "/api/availability"]["parameters"]
    }
    assert {name for name, p in parameters.items() if p.get("required")} == {"service", "location"}
    assert (parameters["limit"]["schema"]["minimum"], parameters["limit"]["schema"]["maximum"]) == (
        1,
        5000,
    )


def test_what_comes_back_is_described_field_by_field(document):
    schemas = document["components"]["schemas"]
    appointment = schemas["AppointmentOut"]["properties"]
    for field in (
        "id",
        "status",
        "start",
        "end",
        "hold_expires_at",
        "late_cancellation",
        "fee_due",
    ):
        assert field in appointment, field
    assert set(schemas["Reason"]["enum"]) == {
        "beyond_horizon",
        "nobody_qualified",
        "closed",
        "no_resources",
        "too_soon",
        "fully_booked",
    }
    assert schemas["WaitlistIn"]["properties"]["locations"]["minItems"] == 1
    assert schemas["SeriesIn"]["properties"]["weeks"]["maximum"] == 52
