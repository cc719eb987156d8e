"""Turns AccessDenied into a plain 404 and puts the attempt on file.

It runs after the view has returned or raised, so any transaction the view opened has
already rolled back: the denial is recorded on its own and survives it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.views.defaults import page_not_found

from rehabdesk.access.errors import AccessDenied
from rehabdesk.audit.choices import AuditAction, AuditOutcome
from rehabdesk.audit.services import audit_record


class AccessDeniedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, AccessDenied):
            return None
        record_denial(request, exception)
        return page_not_found(request, Http404())


def record_denial(request: HttpRequest, denial: AccessDenied) -> None:
    """Put a refused or unknown-record request on file (pages and the API alike)."""
    audit_record(
        actor=getattr(request, "user", None),
        action=AuditAction.DENY,
        outcome=AuditOutcome.DENIED if denial.found else AuditOutcome.NOT_FOUND,
        object_type=denial.object_type,
        object_id=denial.object_id,
        patient_ids=denial.patient_ids,
        summary=denial.summary,
    )
