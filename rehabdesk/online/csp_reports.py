"""Counting what our Content-Security-Policy blocked, as browsers report it
(POST /csp-report/, rehabdesk/web/csp_reports.py; docs/decisions/0008-security-headers.md).

A report names the page it happened on and what was blocked, as full addresses: a
page's address may carry a patient's id, a token or a search, so a report is never
kept, nor logged. What is kept is a count per day of three things cut down to what
cannot name anyone:

- the directive that blocked (one of CSP's directive names, else `other`);
- where the blocked thing came from: an origin (scheme and host, no path, no query) for
  web addresses, the scheme alone for others (`data:`, `blob:`, an extension), or
  the browser's keyword (`inline`, `eval`…);
- the page, by the name of its route (`patient-detail`, never `/staff/patients/42/`),
  resolved by the edge.

Anyone may send reports, so each POST counts against a per-address limit in the
database (the online pages' RateCount, `rate_limit_hit`) before anything is written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import F

from rehabdesk.online.models import CspViolation
from rehabdesk.online.services import Limit, rate_limit_hit

# A page that breaks the policy reports on every load: a busy desk behind one address
# sends a few hundred an hour at most.
CSP_REPORTS_PER_IP = Limit(
    "csp-report-ip",
    300,
    timedelta(hours=1),
    "Many reports were sent from this connection in the last hour.",
)
# Rows older than this go when a new row is added.
KEPT_FOR = timedelta(days=400)

DIRECTIVES = frozenset(
    {
        "base-uri",
        "child-src",
        "connect-src",
        "default-src",
        "fenced-frame-src",
        "font-src",
        "form-action",
        "frame-ancestors",
        "frame-src",
        "img-src",
        "manifest-src",
        "media-src",
        "object-src",
        "prefetch-src",
        "require-trusted-types-for",
        "sandbox",
        "script-src",
        "script-src-attr",
        "script-src-elem",
        "style-src",
        "style-src-attr",
        "style-src-elem",
        "trusted-types",
        "upgrade-insecure-requests",
        "webrtc",
        "worker-src",
    }
)
# What browsers write instead of an address for what they blocked.
KEYWORDS = frozenset(
    {
        "inline",
        "eval",
        "wasm-eval",
        "self",
        "data",
        "blob",
        "trusted-types-policy",
        "trusted-types-sink",
    }
)
WEB_SCHEMES = frozenset({"http", "https", "ws", "wss"})
SCHEME = re.compile(r"[a-z][a-z0-9+.-]{0,30}")
ROUTE = re.compile(r"[A-Za-z0-9_:.-]{1,80}")
ORIGIN_LENGTH = 120  # CspViolation.blocked's
UNKNOWN = "unknown"
OTHER = "other"


@dataclass(frozen=True)
class Violation:
    """One report, cut down to what is kept (see the module's docstring)."""

    directive: str
    blocked: str
    route: str


def violation_from(*, directive: str, blocked: str, route: str) -> Violation:
    """A report's effective directive, blocked address and page's route name, cut down:
    a known directive, an origin or keyword, a route name — never a path or query."""
    return Violation(_directive(directive), blocked_origin(blocked), _route(route))


def blocked_origin(value: str) -> str:
    """`https://cdn.example/x.js?id=42` -> `https://cdn.example`; `inline` stays;
    `data:image/png;…` -> `data:`; anything else -> `other` (or `unknown` if empty)."""
    text = value.strip().lower()
    if not text:
        return UNKNOWN
    if text in KEYWORDS:
        return text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return OTHER
    if not SCHEME.fullmatch(parts.scheme):
        return OTHER
    if parts.scheme not in WEB_SCHEMES:
        return f"{parts.scheme}:"
    if not parts.hostname:
        return OTHER
    origin = f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port else "")
    return origin if len(origin) <= ORIGIN_LENGTH else OTHER


def _directive(value: str) -> str:
    # The older format's violated-directive carries the sources too: its name first.
    name = (value.split() or [""])[0].lower()
    return name if name in DIRECTIVES else OTHER


def _route(value: str) -> str:
    return value if ROUTE.fullmatch(value) else UNKNOWN


def csp_violations_count(*, violations: Iterable[Violation], client_ip: str, now: datetime) -> None:
    """Count one POST of reports against the sender's address (OnlineError
    RATE_LIMITED when used up), then add each violation to its day's count."""
    rate_limit_hit(limit=CSP_REPORTS_PER_IP, subject=client_ip, now=now)
    day = now.date()
    with transaction.atomic():
        for violation, times in Counter(violations).items():
            _add(violation, times=times, day=day, now=now)


def _add(violation: Violation, *, times: int, day: date, now: datetime) -> None:
    key = {
        "day": day,
        "directive": violation.directive,
        "blocked": violation.blocked,
        "route": violation.route,
    }
    if CspViolation.objects.filter(**key).update(count=F("count") + times):
        return
    try:
        with transaction.atomic():
            CspViolation.objects.create(**key, count=times)
    except IntegrityError:
        # Another report created the row a moment ago.
        CspViolation.objects.filter(**key).update(count=F("count") + times)
        return
    CspViolation.objects.filter(day__lt=(now - KEPT_FOR).date()).delete()
