"""POST /csp-report/: where browsers report what our Content-Security-Policy blocked
(the policy's `report-uri`, and `report-to` through the Reporting-Endpoints header;
web/headers.py, docs/decisions/0008-security-headers.md).

Both formats are read: `application/csp-report` (one report, `report-uri`) and
`application/reports+json` (a list, the Reporting API). Anyone may send one, so: no
CSRF token (browsers send none), at most MAX_BODY bytes (413 beyond), JSON or 400, a
limit per address (429), and 204 once counted. Only the directive, the blocked origin
and the page's route name reach the database (online/csp_reports.py); the report itself
is neither kept nor logged.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, URLPattern, path, resolve
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from rehabdesk.access.refusals import http_status
from rehabdesk.audit.middleware import client_ip
from rehabdesk.online.csp_reports import Violation, csp_violations_count, violation_from
from rehabdesk.online.errors import OnlineError

MAX_BODY = 8 * 1024
# Reports read from one POST of the Reporting API (it batches them).
MAX_REPORTS = 20
CSP_REPORT = "application/csp-report"
REPORTS = "application/reports+json"


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY:
        return HttpResponse(status=413)
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        return HttpResponse(status=413)
    if not body:
        return HttpResponse(status=400)
    if request.content_type not in (CSP_REPORT, REPORTS, "application/json"):
        return HttpResponse(status=415)
    try:
        violations = violations_in(json.loads(body))
    except ValueError:
        return HttpResponse(status=400)
    try:
        csp_violations_count(
            violations=violations, client_ip=client_ip(request) or "unknown", now=timezone.now()
        )
    except OnlineError as refusal:
        return HttpResponse(status=http_status(refusal.code))
    return HttpResponse(status=204)


def violations_in(data: Any) -> list[Violation]:
    """The violations in a report of either format, cut down; ValueError when it holds
    none (not a report at all)."""
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        report = data["csp-report"]
        found = [
            _violation(
                report.get("effective-directive") or report.get("violated-directive"),
                report.get("blocked-uri"),
                report.get("document-uri"),
            )
        ]
    elif isinstance(data, list):
        found = [
            _violation(
                item["body"].get("effectiveDirective"),
                item["body"].get("blockedURL"),
                item["body"].get("documentURL"),
            )
            for item in data[:MAX_REPORTS]
            if isinstance(item, dict)
            and item.get("type") == "csp-violation"
            and isinstance(item.get("body"), dict)
        ]
    else:
        found = []
    if not found:
        raise ValueError("no CSP violation report")
    return found


def _violation(directive: object, blocked: object, document: object) -> Violation:
    return violation_from(
        directive=_text(directive), blocked=_text(blocked), route=route_of(_text(document))
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def route_of(document_url: str) -> str:
    """The name of our route a page's address leads to (`patient-detail`), or ""."""
    if not document_url:
        return ""
    try:
        match = resolve(urlsplit(document_url).path or "/")
    except (Resolver404, ValueError):
        return ""
    return match.view_name or ""


urlpatterns: list[URLPattern] = [
    path("csp-report/", csp_report, name="csp-report"),
]
