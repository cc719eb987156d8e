"""The calendar feeds themselves, for calendar programs (docs/domain/calendar-feeds.md):

- /feeds/<secret>.ics: a practitioner's appointments or a patient's upcoming visits.
  No sign-in — calendar programs cannot — so the secret is the credential: an unknown
  or revoked one answers a bare 404, the same words for both, no page of ours around it.
  Answers are `private, no-store` with `Referrer-Policy: no-referrer`; the secret is
  kept out of the logs (core/log_filters.py) and of the audit trail (the feed's id).
- /feeds/closures/<location>.ics: a location's closures, public, cacheable for an hour.

HTTP only: access.feeds reads, authorizes by the secret, and audits.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_safe

from rehabdesk.access.feeds import closures_calendar_for, feed_calendar_for

CALENDAR = "text/calendar; charset=utf-8"
# What scheduling.services.feeds makes: 32 random bytes, URL-safe base64.
SECRET = re.compile(r"[A-Za-z0-9_-]{43}")


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    text = (
        feed_calendar_for(secret=secret, now=timezone.now()) if SECRET.fullmatch(secret) else None
    )
    if text is None:
        return _private(HttpResponseNotFound("Not found.\n", content_type="text/plain"))
    return _private(HttpResponse(text, content_type=CALENDAR))


@require_safe
def closures_feed(request: HttpRequest, slug: str) -> HttpResponse:
    text = closures_calendar_for(slug=slug, now=timezone.now())
    if text is None:
        return HttpResponseNotFound("Not found.\n", content_type="text/plain")
    response = HttpResponse(text, content_type=CALENDAR)
    response["Cache-Control"] = "public, max-age=3600"
    return response


urlpatterns: list[URLPattern] = [
    path("feeds/closures/<slug:slug>.ics", closures_feed, name="closures-feed"),
    path("feeds/<str:secret>.ics", calendar_feed, name="calendar-feed"),
]
