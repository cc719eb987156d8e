"""Which webhook URLs may be called (SSRF): a URL is resolved and refused if any of its
addresses is private, loopback, link-local, multicast, reserved or otherwise not
global — unless settings.WEBHOOKS_ALLOW_PRIVATE (tests, development), which also allows
plain http. Checked when an endpoint is registered and again at every delivery, whose
connection then goes to the very address checked (no second lookup: DNS rebinding)."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from rehabdesk.webhooks.choices import WebhookErrorCode
from rehabdesk.webhooks.errors import WebhookError


@dataclass(frozen=True)
class Target:
    """Where a delivery connects: the URL's parts and the address checked."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False))


def address_allowed(address: str) -> bool:
    """A global unicast address (an IPv4-mapped IPv6 address judged as its IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def target_check(url: str, *, allow: bool | None = None) -> Target:
    """The URL's target, its host resolved and every address checked; WebhookError
    (field "url") when it may not be called."""
    allow = allow_private() if allow is None else allow
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refused(WebhookErrorCode.URL_INVALID, "Enter a full web address.") from None
    schemes = ("https", "http") if allow else ("https",)
    if parts.scheme not in schemes:
        raise _refused(WebhookErrorCode.URL_SCHEME, "The address must start with https://.")
    if not parts.hostname:
        raise _refused(WebhookErrorCode.URL_INVALID, "Enter a full web address.")
    if parts.username or parts.password:
        raise _refused(
            WebhookErrorCode.URL_CREDENTIALS, "Leave the user name and password out of it."
        )
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise _refused(
            WebhookErrorCode.HOST_UNRESOLVED, "That host name could not be found."
        ) from None
    addresses = [str(info[4][0]) for info in found]
    if not addresses:
        raise _refused(WebhookErrorCode.HOST_UNRESOLVED, "That host name could not be found.")
    if not allow and not all(address_allowed(address) for address in addresses):
        raise _refused(
            WebhookErrorCode.HOST_PRIVATE,
            "That address is on a private or local network; webhooks go to the internet.",
        )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(
        scheme=parts.scheme, host=parts.hostname, port=port, path=path, address=addresses[0]
    )


def _refused(code: WebhookErrorCode, message: str) -> WebhookError:
    return WebhookError(code, message, field="url")
