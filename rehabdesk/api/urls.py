"""The API object, its error handling, and its routers.

Refusals become 4xx with a machine-readable `code`, a message for people (`detail`)
and the `field` at fault when there is one; the status of each code is in the one
table both edges read (access/refusals.py). A record the caller may not see answers
404, and is put on file, like an unknown one.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.middleware import record_denial
from rehabdesk.access.refusals import http_status
from rehabdesk.api.lifecycle import router as lifecycle_router
from rehabdesk.api.scheduling import router as scheduling_router
from rehabdesk.core.errors import DomainError, RequestErrorCode
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.services import SeriesConflict

api = NinjaAPI(
    title="Rehabdesk API",
    version="1",
    description="Services, locations, the team, free times and bookings. Sign in with a "
    "session (and send the CSRF token) to book.",
    urls_namespace="api",
)
api.add_router("/", scheduling_router)
api.add_router("/", lifecycle_router)


@api.exception_handler(AccessDenied)
def access_denied(request: HttpRequest, exc: AccessDenied) -> HttpResponse:
    record_denial(request, exc)
    return api.create_response(request, {"detail": "Not found."}, status=404)


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
    messages = [f"{_field_named(error.get('loc', ()))}: {error['msg']}" for error in exc.errors]
    # Only the plain parts: a validator's own exception is not JSON.
    errors = [{key: error.get(key) for key in ("loc", "msg", "type")} for error in exc.errors]
    return api.create_response(
        request,
        {"code": str(RequestErrorCode.INVALID), "detail": "; ".join(messages), "errors": errors},
        status=http_status(RequestErrorCode.INVALID),
    )


def _field_named(loc: tuple[object, ...] | list[object]) -> str:
    """The field as the client sent it: without where it came from ("body", "query") and,
    for a body, without the name of the view's parameter that holds it ("payload")."""
    parts = list(loc)[2:] if loc and loc[0] == "body" and len(loc) > 2 else list(loc)[1:]
    return ".".join(str(part) for part in parts) or "request"
