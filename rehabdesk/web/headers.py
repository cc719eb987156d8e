"""The security headers every answer carries (docs/decisions/0008-security-headers.md).

- `Content-Security-Policy` (settings.CONTENT_SECURITY_POLICY): scripts only from our own
  static files, nothing inline; a view that sets its own policy (a picture, sandboxed)
  keeps it. Browsers report what it blocks to /csp-report/ (`report-uri`, and
  `report-to` through `Reporting-Endpoints`, settings.REPORTING_ENDPOINTS;
  web/csp_reports.py).
- `Permissions-Policy` (settings.PERMISSIONS_POLICY): no camera, microphone, location,
  payment, USB and the like, for us or anything we might embed.
- `Cache-Control: no-store` on every answer that may carry patient information, so a
  shared desk computer's cache and its back button keep none of it: every answer to a
  signed-in person, every API answer, and every anonymous page except the clinic's
  public brochure (PUBLIC_PAGES: home, services, locations, team, privacy notice). The
  pages reached through a link instead of a sign-in (manage my booking, the health form,
  a questionnaire, a password link) and the anonymous booking and guide steps (a new
  patient's details, their health answers) are therefore no-store. An answer the view
  marked `public` (a picture: the logo or a practitioner's photo, never a patient's) or
  already `no-store` is left as it is.

HSTS, the referrer policy, `nosniff`, the opener policy and `X-Frame-Options` stay with
Django's own middleware (settings.SECURE_*, X_FRAME_OPTIONS).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# Pages with nothing personal on them, cacheable when nobody is signed in (URL names).
PUBLIC_PAGES = frozenset(
    {
        "home",
        "services",
        "service-group",
        "physio-or-massage",
        "location",
        "team",
        "privacy-notice",
    }
)

# With DEBUG on, Django's own error pages (the traceback, the URL list) are styled and
# scripted inline: they go without the policy, on a developer's machine only.
DEBUG_PAGES = (404, 500)


def policy_text(directives: Mapping[str, Sequence[str]]) -> str:
    """`{"default-src": ["'self'"], "object-src": ["'none'"]}` -> the header's value."""
    return "; ".join(" ".join([name, *sources]).strip() for name, sources in directives.items())


def permissions_text(features: Mapping[str, Sequence[str]]) -> str:
    """`{"camera": []}` -> `camera=()`: each feature allowed to the origins listed, none
    when the list is empty."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in features.items())


def endpoints_text(endpoints: Mapping[str, str]) -> str:
    """`{"csp": "/csp-report/"}` -> `csp="/csp-report/"`."""
    return ", ".join(f'{name}="{url}"' for name, url in endpoints.items())


def carries_patient_information(request: HttpRequest) -> bool:
    """Whether an answer to this request may carry patient information (see above)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    match = request.resolver_match
    if match is None:
        # Not a page of ours (a 404 for an unknown address): nothing personal in it,
        # but nothing worth keeping either.
        return True
    return match.view_name not in PUBLIC_PAGES


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = policy_text(settings.CONTENT_SECURITY_POLICY)
        self.permissions = permissions_text(settings.PERMISSIONS_POLICY)
        self.endpoints = endpoints_text(settings.REPORTING_ENDPOINTS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not (settings.DEBUG and response.status_code in DEBUG_PAGES):
            response.headers.setdefault("Content-Security-Policy", self.csp)
            if self.endpoints:
                response.headers.setdefault("Reporting-Endpoints", self.endpoints)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        cache_control = response.get("Cache-Control", "")
        if "public" in cache_control or "no-store" in cache_control:
            return response
        if carries_patient_information(request):
            patch_cache_control(response, no_store=True, private=True)
        return response
