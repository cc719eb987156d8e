"""The API object, its error handling, and its routers.

Refusals become 4xx with a machine-readable `code`, a message for people (`detail`)
and the `field` at fault when there is one; the status of each code is in the one
table both edges read (access/refusals.py). A record the caller may not see answers
404, and is put on file, like an unknown one.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.middleware import record_denial
from rehabdesk.access.refusals import http_status
from rehabdesk.api.auth import scope_of
from rehabdesk.api.lifecycle import router as lifecycle_router
from rehabdesk.api.scheduling import router as scheduling_router
from rehabdesk.apitokens.errors import TokenError, TokenErrorCode
from rehabdesk.core.errors import DomainError, RequestErrorCode
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.services import SeriesConflict

api = NinjaAPI(
    title="Rehabdesk API",
    version="1",
    description="Services, locations, the team, free times and bookings. Sign in with a "
    "session (and send the CSRF token), or send an API token (`Authorization: Bearer "
    "rhd_…`, made at /staff/api-tokens/) holding the scope each operation names.",
    urls_namespace="api",
)
api.add_router("/", scheduling_router)
api.add_router("/", lifecycle_router)
# Each operation's description names the scope a token needs for it.
for _router in (scheduling_router, lifecycle_router):
    for _path in _router.path_operations.values():
        for _operation in _path.operations:
            _scope = scope_of(_operation.auth_callbacks)
            if _scope is not None:
                _note = f"API token scope: `{_scope}`."
                _operation.description = f"{_operation.description or ''}\n\n{_note}".strip()


@api.exception_handler(AccessDenied)
def access_denied(request: HttpRequest, exc: AccessDenied) -> HttpResponse:
    record_denial(request, exc)
    return _refused(request, RequestErrorCode.NOT_FOUND, "Not found.")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _refused(request, RequestErrorCode.NOT_FOUND, "Not found.")


@api.exception_handler(HttpError)
def refused_by_ninja(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """What django-ninja refuses before a view runs: no session (401), a change without
    its CSRF token (403), a body that is not JSON (400) — ninja's only other refusal."""
    if isinstance(exc, AuthenticationError):
        return _refused(request, RequestErrorCode.SIGN_IN_REQUIRED, "Sign in first.")
    if exc.status_code == 403:
        return _refused(request, RequestErrorCode.CSRF_FAILED, "Send the CSRF token.")
    return _refused(request, RequestErrorCode.NOT_JSON, "Send the body as JSON.")


@api.exception_handler(TokenError)
def token_refused(request: HttpRequest, exc: TokenError) -> HttpResponse:
    """A token refused: unknown, revoked or expired (401, with the bearer challenge of
    RFC 6750), without the route's scope (403), or over its rate (429, Retry-After)."""
    response = api.create_response(
        request,
        {"code": str(exc.code), "detail": exc.message, "field": exc.field},
        status=http_status(exc.code),
    )
    if exc.code == TokenErrorCode.TOKEN_INVALID:
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    if exc.retry_after is not None:
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(SchedulingError)
def scheduling_refused(request: HttpRequest, exc: SchedulingError) -> HttpResponse:
    body = {
        "code": str(exc.code),
        "detail": exc.message,
        "field": exc.field,
        "reason": exc.reason,
        "alternatives": [
            {
                "start": slot.start,
                "end": slot.end,
                "practitioner_id": slot.practitioner_id,
                "location_id": slot.location_id,
            }
            for slot in exc.alternatives
        ],
    }
    if isinstance(exc, SeriesConflict):
        body["conflicts"] = [
            {
                "start": conflict.start,
                "detail": conflict.message,
                "nearest": None
                if conflict.alternative is None
                else {
                    "start": conflict.alternative.start,
                    "practitioner_id": conflict.alternative.practitioner_id,
                },
            }
            for conflict in exc.conflicts
        ]
    return api.create_response(request, body, status=http_status(exc.code))


@api.exception_handler(DomainError)
def domain_refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": str(exc.code), "detail": exc.message, "field": exc.field},
        status=http_status(exc.code),
    )


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """django-ninja's validation of the input, in the shape of every other refusal: the
    first field at fault is `field`, and each error is listed."""
    fields = [_field_named(error.get("loc", ())) for error in exc.errors]
    # Our validators' messages read after the field's name ("start: must be ..."), without
    # the "Value error, " pydantic puts before them.
    texts = [str(error.get("msg", "")).removeprefix("Value error, ") for error in exc.errors]
    messages = [f"{field}: {text}" for field, text in zip(fields, texts, strict=True)]
    # Only the plain parts: a validator's own exception is not JSON.
    errors = [
        {"loc": error.get("loc"), "msg": text, "type": error.get("type")}
        for error, text in zip(exc.errors, texts, strict=True)
    ]
    return api.create_response(
        request,
        {
            "code": str(RequestErrorCode.INVALID),
            "detail": "; ".join(messages) or "Invalid input.",
            "field": fields[0] if fields else None,
            "errors": errors,
        },
        status=http_status(RequestErrorCode.INVALID),
    )


def _refused(request: HttpRequest, code: RequestErrorCode, detail: str) -> HttpResponse:
    return api.create_response(
        request, {"code": str(code), "detail": detail, "field": None}, status=http_status(code)
    )


# What the views call the schema that holds a JSON body, or a query's fields.
SCHEMA_PARAMETERS = ("payload", "params")


def _field_named(loc: tuple[object, ...] | list[object]) -> str:
    """The field as the client sent it: without where it came from ("body", "query") and
    without the name of the view's parameter that holds a body's or a query's schema."""
    parts = list(loc)[1:]
    if len(parts) > 1 and parts[0] in SCHEMA_PARAMETERS:
        parts = parts[1:]
    return ".".join(str(part) for part in parts) or "request"
