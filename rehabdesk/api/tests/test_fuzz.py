"""A property-based fuzz of every operation in the API's OpenAPI document: whatever a
client sends, the answer is never a 5xx, and every 4xx in JSON carries a `code`.

Requests are drawn from the document itself (`from_schema` below reads each
operation's parameters and body schema), then roughened: a field given any JSON value
at all, text with NUL or a lone surrogate, a body that is not JSON, the ids of real
records in place of random ones (so the requests reach past "unknown id" into the
booking rules). Each request is sent signed in as the front desk, as a patient or
signed out, every example in a savepoint rolled back after it, so each starts from the
same booking world.

Bounded and reproducible: derandomized (the same examples every run), a few dozen per
operation. A failure prints the request that broke it; DEVELOPERS.md says
how to run one operation again.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rehabdesk.api.urls import api
from rehabdesk.scheduling.services import (
    appointment_book,
    appointment_hold,
)
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db

EXAMPLES = 50  # per operation, across the personas
PERSONAS = ("front_desk", "patient_a", "anonymous")

DOCUMENT = api.get_openapi_schema()
OPERATIONS = [
    (operation["operationId"], method.upper(), path, operation)
    for path, methods in DOCUMENT["paths"].items()
    for method, operation in methods.items()
]

# Any JSON value, for a field sent with the wrong type or out of range.
ANY_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=5,
)
# Characters for text, with NUL (which PostgreSQL does not store) drawn often enough
# to reach every field.
TEXT = st.characters() | st.just("\x00")
# Text a client can send in JSON that no database stores as it is.
HOSTILE_TEXT = st.sampled_from(["\x00", "a\x00b", "\ud800", "x" * 50_000, "", " "])
MOMENTS = st.sampled_from(
    [
        "0001-01-01T00:00:00+00:00",
        "9999-12-31T23:59:59-14:00",
        "2027-03-10T10:00:00+23:59",
        "2027-03-10T10:00:00",
        "2027-03-10",
        "1999-12-31T23:59:59Z",
        "2199-12-31T23:59:59+14:00",
    ]
)


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values of a JSON schema, for what django-ninja writes into the document: types,
    enums, anyOf/allOf, bounds, lengths, the date and time formats, required fields.
    (hypothesis-jsonschema would do it, and more, but breaks on objects with the
    Hypothesis we pin: docs/decisions/0002-dependencies.md.)"""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema:
        return st.one_of(*(from_schema(option) for option in schema["anyOf"]))
    if "allOf" in schema:
        return from_schema({k: v for part in schema["allOf"] for k, v in part.items()})
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", ()))
        return st.fixed_dictionaries(
            {name: from_schema(properties[name]) for name in properties if name in required},
            optional={
                name: from_schema(properties[name]) for name in properties if name not in required
            },
        )
    if kind == "array":
        return st.lists(
            from_schema(schema.get("items", {})),
            min_size=schema.get("minItems", 0),
            max_size=schema.get("maxItems", 8),
        )
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "number":
        return st.floats(schema.get("minimum"), schema.get("maximum"), allow_nan=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "string":
        if schema.get("format") in FORMATS:
            return FORMATS[schema["format"]]
        shortest = schema.get("minLength", 0)
        longest = min(schema.get("maxLength", 80), 80)
        # Mostly a few characters, where NUL shows up; sometimes the longest allowed.
        return st.text(TEXT, min_size=max(shortest, 1), max_size=longest) | st.text(
            TEXT, min_size=shortest, max_size=schema.get("maxLength", 80)
        )
    return ANY_JSON


ZONES = st.timezones() | st.builds(
    timezone, st.timedeltas(-timedelta(hours=23, minutes=59), timedelta(hours=23, minutes=59))
)
FORMATS = {
    "date-time": st.datetimes(timezones=ZONES).map(datetime.isoformat),
    "date": st.dates().map(date.isoformat),
    "time": st.times(timezones=st.none() | ZONES).map(time.isoformat),
}


def resolved(schema: Any) -> Any:
    """The schema with each `$ref` to the document's components written in place."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            return resolved(DOCUMENT["components"]["schemas"][name])
        return {key: resolved(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [resolved(item) for item in schema]
    return schema


class Known:
    """Real records for the ids a request names, so examples reach the rules."""

    def __init__(self, world: Any, personas: Any) -> None:
        booked = appointment_book(request=world.request(at(10, 10)), actor=None, now=NOW)
        held = appointment_hold(
            request=world.request(at(11, 10), patient=world.other_patient), actor=None, now=NOW
        )
        self.ids = {
            "patient": [world.patient.pk, world.other_patient.pk, personas.child.pk],
            "service": [world.follow_up.pk, world.massage.pk],
            "practitioner": [world.physio.pk, world.massage_therapist.pk],
            "location": [world.pickering.pk, world.milton.pk],
            "appointment_id": [booked.pk, held.pk],
            "patient_id": [world.patient.pk, world.other_patient.pk],
        }
        self.ids["locations"] = self.ids["location"]
        self.starts = [at(day, hour).isoformat() for day in (9, 10, 11) for hour in (9, 10, 14)]
        self.days = [f"2027-03-{day:02}" for day in (8, 10, 15)] + ["2027-04-30"]

    def value(self, name: str) -> st.SearchStrategy[Any] | None:
        if name in self.ids:
            pick = st.sampled_from(self.ids[name])
            return st.lists(pick, min_size=1, max_size=2) if name == "locations" else pick
        if name in ("start", "end"):
            return st.one_of(st.sampled_from(self.starts), st.sampled_from(self.starts), MOMENTS)
        if name in ("first_day", "valid_until"):
            return st.sampled_from(self.days) | st.dates().map(date.isoformat)
        if name == "pattern":
            times = st.sampled_from(["09:00", "10:00", "14:30", "10:00:00+05:00", "25:00"])
            pattern = st.fixed_dictionaries({"weekday": st.integers(0, 6), "time": times})
            return st.lists(pattern, min_size=1, max_size=3)
        if name == "weeks":
            return st.integers(1, 6)
        return None


def fields(draw: Any, schemas: dict[str, Any], required: set[str], known: Known) -> dict:
    """Values for named fields (a body's or a query's): real ids and times where the
    name says what they are, the rest from their schemas, and one or two fields spoiled
    with anything at all, so that most requests get past the first check they meet."""
    names = sorted(schemas)
    spoiled = draw(st.lists(st.sampled_from(names), unique=True, max_size=2)) if names else []
    values = {}
    for name in names:
        real = known.value(name)
        if name in spoiled:
            values[name] = draw(st.one_of(from_schema(schemas[name]), ANY_JSON, HOSTILE_TEXT))
        elif real is not None and (name in required or draw(st.booleans())):
            values[name] = draw(real)
        elif name in required or draw(st.booleans()):
            text = schemas[name].get("type") == "string" and "format" not in schemas[name]
            values[name] = draw(
                from_schema(schemas[name]) | (HOSTILE_TEXT if text else st.nothing())
            )
    return values


def object_schema(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The object a body schema describes, also when the body may be left out."""
    if schema.get("type") == "object":
        return schema
    return next((o for o in schema.get("anyOf", ()) if o.get("type") == "object"), None)


@st.composite
def requests(draw: Any, method: str, path: str, operation: dict[str, Any], known: Known) -> dict:
    """One request for an operation: its path, query, headers and body."""
    parameters: dict[str, dict[str, Any]] = {where: {} for where in ("path", "query", "header")}
    required: set[str] = set()
    for parameter in operation.get("parameters", []):
        parameters[parameter["in"]][parameter["name"]] = resolved(parameter["schema"])
        if parameter.get("required"):
            required.add(parameter["name"])
    for name, schema in parameters["path"].items():
        real = known.value(name)
        value = draw(
            from_schema(schema) if real is None else st.one_of(real, real, from_schema(schema))
        )
        path = path.replace("{" + name + "}", str(value))
    query = fields(draw, parameters["query"], required, known)
    headers = {}
    if parameters["header"] and draw(st.booleans()):
        # A header is Latin-1 on the wire; an Idempotency-Key is mostly a fresh UUID.
        latin = st.text(st.characters(codec="latin-1"), max_size=90)
        header = st.one_of(st.uuids().map(str), st.uuids().map(str), latin, st.just("\x00" * 9))
        headers = {name: draw(header) for name in parameters["header"]}
    body: str | None = None
    content_type = "application/json"
    if "requestBody" in operation:
        schema = resolved(operation["requestBody"]["content"]["application/json"]["schema"])
        shape = object_schema(schema)
        kind = draw(st.sampled_from(["fields"] * 6 + ["schema", "any", "not json"]))
        if kind == "fields" and shape is not None:
            body = json.dumps(
                fields(draw, shape.get("properties", {}), set(shape.get("required", ())), known)
            )
        elif kind in ("fields", "schema"):
            body = json.dumps(draw(from_schema(schema)))
        elif kind == "any":
            body = json.dumps(draw(ANY_JSON))
        else:
            content_type = draw(
                st.sampled_from(
                    ["multipart/form-data; boundary=x", "text/plain", "application/json"]
                )
            )
            body = draw(st.sampled_from(["{", "patient=1", "--x\r\n\r\n--x--", "\x00", "[1,"]))
    return {
        "persona": draw(st.sampled_from(PERSONAS)),
        "method": method,
        "path": path,
        "query": query,
        "headers": headers,
        "body": body,
        "content_type": content_type,
    }


def sent(client: Any, request: dict[str, Any]) -> Any:
    query = urlencode(
        [
            (name, json.dumps(item) if not isinstance(item, str) else item)
            for name, value in request["query"].items()
            for item in (value if isinstance(value, list) else [value])
        ],
        # A lone surrogate goes as the bytes of one, which are not UTF-8: as a client can.
        encoding="utf-8",
        errors="surrogatepass",
    )
    return client.generic(
        request["method"],
        request["path"] + (f"?{query}" if query else ""),
        data=request["body"] or "",
        content_type=request["content_type"],
        headers=request["headers"],
    )


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        pytest.param(method, path, operation, id=name)
        for name, method, path, operation in OPERATIONS
    ],
)
def test_no_request_is_answered_with_a_server_error(
    client, world, personas, method, path, operation
):
    known = Known(world, personas)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(request=requests(method, path, operation, known))
    def answers_without_a_server_error(request: dict[str, Any]) -> None:
        with transaction.atomic():
            user = personas.user(request["persona"])
            if user is None:
                client.logout()
            else:
                client.force_login(user)
            answer = sent(client, request)
            transaction.set_rollback(True)
        print(
            "STATUS",
            request["path"].split("/")[-1],
            answer.status_code,
            answer.json().get("code")
            if answer["Content-Type"] == "application/json" and answer.status_code >= 400
            else "",
        )
        assert answer.status_code < 500, request
        if 400 <= answer.status_code < 500 and answer["Content-Type"] == "application/json":
            body = answer.json()
            assert body.get("code"), (request, body)
            assert body.get("detail"), (request, body)

    answers_without_a_server_error()
