"""The FHIR R4 read API under /fhir/ (docs/fhir.md): HTTP only.

Who is calling is decided as on /api/ (api/auth.py): a request that presents a bearer
token is decided by it alone — it must hold `fhir:read`, and then acts as the token's
person — else a signed-in staff session (which passed its second factor: the session
middleware sees to it). Every refusal is an OperationOutcome; a record the caller may
not see answers 404, and the attempt is put on file, like an unknown one.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.fhir import fhir_reader
from rehabdesk.access.middleware import record_denial
from rehabdesk.apitokens.choices import Scope
from rehabdesk.apitokens.errors import TokenError, TokenErrorCode
from rehabdesk.apitokens.services import api_token_use
from rehabdesk.audit.context import audit_via
from rehabdesk.fhir.answers import FhirError, IssueCode, bundle, fhir_json, refused
from rehabdesk.fhir.capability import capability_statement
from rehabdesk.fhir.params import search_of
from rehabdesk.fhir.resources import SERVED

View = Callable[..., HttpResponse]
# The scope a token needs for every route but metadata: each type's search and read
# (docs/api-token-scopes.csv lists them; tests/test_token_scopes.py compares).
SCOPE = Scope.FHIR_READ


def _signed_in(request: HttpRequest) -> None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        try:
            token = api_token_use(text=header[7:], scope=SCOPE, now=timezone.now())
        except TokenError as exc:
            if exc.code == TokenErrorCode.SCOPE_MISSING:
                raise FhirError(403, IssueCode.FORBIDDEN, exc.message) from None
            if exc.code == TokenErrorCode.RATE_LIMITED:
                raise FhirError(429, IssueCode.THROTTLED, exc.message) from None
            raise FhirError(401, IssueCode.LOGIN, exc.message) from None
        request.user = token.user
        audit_via(f"API token {token.prefix}")
        return
    if not request.user.is_authenticated:
        raise FhirError(401, IssueCode.LOGIN, "Send an API token with the fhir:read scope.")
    if not fhir_reader(request.user):
        raise FhirError(403, IssueCode.FORBIDDEN, "The FHIR API is for the clinic's staff.")


def _answering(view: View) -> View:
    """GET only; refusals as OperationOutcome; no page cached."""

    @csrf_exempt
    def answer(request: HttpRequest, *args: str, **kwargs: str) -> HttpResponse:
        try:
            if request.method not in ("GET", "HEAD"):
                raise FhirError(405, IssueCode.PROCESSING, "Read only: use GET.")
            response = view(request, *args, **kwargs)
        except FhirError as error:
            response = refused(error)
        except AccessDenied as denial:
            record_denial(request, denial)
            response = refused(FhirError(404, IssueCode.NOT_FOUND, "Not found."))
        if response.status_code == 405:
            response["Allow"] = "GET"
        response["Cache-Control"] = "no-store"
        return response

    return answer


@_answering
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: open to anyone (it holds no patient information)."""
    search_of(request, ())
    base = request.build_absolute_uri("/fhir/")
    return fhir_json(capability_statement(base=base, now=timezone.now()))


def _served(resource_type: str) -> None:
    if resource_type not in SERVED:
        raise FhirError(404, IssueCode.NOT_SUPPORTED, "Resource type not served here.")


@_answering
def search(request: HttpRequest, resource_type: str) -> HttpResponse:
    _signed_in(request)
    _served(resource_type)
    served = SERVED[resource_type]
    query = search_of(request, served.parameters)
    found = served.search(request.user, query)
    return fhir_json(
        bundle(
            request,
            found.resources,
            offset=query.offset,
            count=query.count,
            total=found.total,
            more=found.more,
        )
    )


@_answering
def read(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    _signed_in(request)
    _served(resource_type)
    search_of(request, ())
    return fhir_json(SERVED[resource_type].read(request.user, resource_id))
