"""Which request an audit event belongs to, without passing the request everywhere.

The middleware sets the request id and client address for the duration of a request;
`audit_record` reads them, so services deep below a view stamp their events with the
request that caused them. Outside a request (a command, a test) both are empty unless
code sets them with `audit_context`. A request made with an API token also notes the
token (`audit_via`), which every event of the request then names in its summary.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None
    # How the actor came in when it was not a session: "API token 1a2b3c4d".
    via: str = ""


NO_REQUEST = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("audit_request_context", default=None)


@contextmanager
def audit_context(*, request_id: str, ip_address: str | None) -> Iterator[RequestContext]:
    """Stamp audit events recorded inside the block with this request id and address.

    Both are checked here, where a mistake is made, rather than failing every audit
    write inside the block.
    """
    if len(request_id) > 32:
        raise ValueError("a request id is at most 32 characters")
    if ip_address is not None:
        ip_address = str(ipaddress.ip_address(ip_address))
    context = RequestContext(request_id=request_id, ip_address=ip_address)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def audit_via(via: str) -> None:
    """Note for the rest of the current request how its person came in (an API
    token's prefix, never its secret). The request's `audit_context` undoes it when the
    request ends."""
    if len(via) > 40:
        raise ValueError("a 'via' note is at most 40 characters")
    _current.set(replace(current_context(), via=via))


def current_context() -> RequestContext:
    return _current.get() or NO_REQUEST
