"""/my/calendar/: a patient subscribes to their own and their family's upcoming visits
in their calendar (web/feed_pages.py; docs/domain/calendar-feeds.md). HTTP only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rehabdesk.scheduling.choices import FeedKind
from rehabdesk.web.feed_pages import Door, feed_page
from rehabdesk.web.portal.my_views import own_patient_id


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def my_feed(request: HttpRequest) -> HttpResponse:
    own_patient_id(request)
    door = Door(
        kind=FeedKind.PATIENT,
        route="my-feed",
        back_url=reverse("my-family"),
        back_label="Back to your appointments",
    )
    return feed_page(request, door)


urlpatterns: list[URLPattern] = [
    path("my/calendar/", my_feed, name="my-feed"),
]
