"""Gives every request an id, and the audit trail the request's id and client address."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from rehabdesk.audit.context import audit_context

REQUEST_ID_HEADER = "X-Request-ID"


class RequestContextMiddleware:
    """Sets `request.request_id` and the audit context for the whole request, and
    returns the id in the X-Request-ID header so a support call can quote it.

    The client address is REMOTE_ADDR only: X-Forwarded-For is whatever the client
    chose to send, and an audit trail must not record a forged address.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        with audit_context(request_id=request_id, ip_address=client_ip(request)):
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR when it is an IP address (a Unix socket gives none)."""
    address = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
