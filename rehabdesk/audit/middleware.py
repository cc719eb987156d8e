"""Gives every request an id, and the audit trail the request's id and client address."""

from __future__ import annotations

import functools
import ipaddress
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from rehabdesk.audit.context import audit_context

REQUEST_ID_HEADER = "X-Request-ID"


class RequestContextMiddleware:
    """Sets `request.request_id` and the audit context for the whole request, and
    returns the id in the X-Request-ID header so a support call can quote it.

    The client address is the connection's (REMOTE_ADDR), or, when that is one of the
    clinic's own proxies (settings.TRUSTED_PROXIES), the address the proxies say they
    were reached from: see client_ip. X-Forwarded-For from anyone else is whatever the
    client chose to send, and an audit trail must not record a forged address.
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
    """Who is on the other end: what the audit trail records, and what sign-in
    lockouts and the booking pages' limits count by address.

    REMOTE_ADDR when it is an IP address (a Unix socket gives none). When it is one of
    settings.TRUSTED_PROXIES (the clinic's load balancer or reverse proxy), the
    X-Forwarded-For list is read from its right end, each trusted proxy's entry
    skipped, and the first other address is the client: the entries further left were
    written by the client and may be forged. Without this, every visitor behind the
    proxy would share its address, and ten wrong passwords from anyone would pause
    everybody's sign-in by address."""
    address = _address(request.META.get("REMOTE_ADDR", ""))
    proxies = _trusted_proxies()
    if address is None or not _trusted(address, proxies):
        return None if address is None else str(address)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",")]):
        hop_address = _address(hop)
        if hop_address is None:
            break  # a garbled list: trust nothing further left of it
        address = hop_address
        if not _trusted(hop_address, proxies):
            break
    return str(address)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@functools.cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted_proxies() -> tuple[Network, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _trusted(address: Address, proxies: tuple[Network, ...]) -> bool:
    return any(address in network for network in proxies)
