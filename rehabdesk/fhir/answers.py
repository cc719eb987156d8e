"""What the FHIR API answers: resources and Bundles as `application/fhir+json`, and
every refusal as an OperationOutcome with the issue code a client can act on (never
text to search, never patient information)."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse

CONTENT_TYPE = "application/fhir+json; charset=utf-8"


class IssueCode(StrEnum):
    """OperationOutcome.issue.code (R4 value set issue-type) for what we refuse."""

    LOGIN = "login"  # 401: no credentials, or a token that is not valid
    FORBIDDEN = "forbidden"  # 403: a token without fhir:read, a session not on staff
    NOT_FOUND = "not-found"  # 404: unknown, or not the caller's to see
    NOT_SUPPORTED = "not-supported"  # 400/404: a parameter or a type we do not serve
    INVALID = "invalid"  # 400: a parameter's value
    THROTTLED = "throttled"  # 429: a token over its rate
    PROCESSING = "processing"  # 405: a method other than GET


class FhirError(Exception):
    def __init__(self, status: int, code: IssueCode, diagnostics: str) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics


def operation_outcome(code: IssueCode, diagnostics: str) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": str(code), "diagnostics": diagnostics}],
    }


def fhir_json(body: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        content_type=CONTENT_TYPE,
        status=status,
    )


def refused(error: FhirError) -> HttpResponse:
    response = fhir_json(operation_outcome(error.code, error.diagnostics), status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


def bundle(
    request: HttpRequest,
    resources: list[dict[str, Any]],
    *,
    offset: int,
    count: int,
    total: int | None,
    more: bool,
) -> dict[str, Any]:
    """A searchset Bundle of one page, with `self` and, when more match, `next`
    (the same search with `_offset` moved on)."""
    base = request.build_absolute_uri(request.path)
    query = [(k, v) for k, values in request.GET.lists() for v in values if k != "_offset"]
    query = [(k, v) for k, v in query if k != "_count"] + [("_count", str(count))]

    def page_link(at: int) -> str:
        return f"{base}?{urlencode([*query, ('_offset', str(at))])}"

    links = [{"relation": "self", "url": page_link(offset)}]
    if more:
        links.append({"relation": "next", "url": page_link(offset + count)})
    if offset:
        links.append({"relation": "previous", "url": page_link(max(0, offset - count))})
    root = request.build_absolute_uri("/fhir/")
    found: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset"}
    if total is not None:
        found["total"] = total
    found["link"] = links
    found["entry"] = [
        {
            "fullUrl": f"{root}{resource['resourceType']}/{resource['id']}",
            "resource": resource,
            "search": {"mode": "match"},
        }
        for resource in resources
    ]
    return found
