"""Calendar feeds on the staff side (docs/domain/calendar-feeds.md):

- /staff/my-day/calendar/: a practitioner subscribes to their own appointments
  (web/feed_pages.py: the address shown once, a new one, off);
- /staff/calendar-feeds/: the manager sees which practitioners have a feed on (names
  and dates, never an address) and turns any of them off — a lost phone, someone
  leaving.

HTTP only: access decides who comes in, scheduling.services writes (audited).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rehabdesk.access.accessors import require
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Capability, person_for
from rehabdesk.accounts.models import User
from rehabdesk.scheduling.choices import FeedKind
from rehabdesk.scheduling.selectors import feed_by_id, practitioner_feeds_live
from rehabdesk.scheduling.services import calendar_feed_turn_off
from rehabdesk.web.feed_pages import Door, feed_page

FEED = "scheduling.calendarfeed"


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def my_calendar_feed(request: HttpRequest) -> HttpResponse:
    if person_for(request.user).practitioner_id is None:
        raise AccessDenied(object_type="web.page", object_id="my_feed", summary="calendar feed")
    door = Door(
        kind=FeedKind.PRACTITIONER,
        route="my-calendar-feed",
        back_url=reverse("my-day"),
        back_label="Back to my day",
    )
    return feed_page(request, door)


@require_GET
@login_required
def calendar_feeds(request: HttpRequest) -> HttpResponse:
    require(user=_user(request), capability=Capability.MANAGE_FEEDS)
    return render(request, "web/feeds/manage.html", {"feeds": practitioner_feeds_live()})


@require_POST
@login_required
def calendar_feed_off(request: HttpRequest, feed_id: int) -> HttpResponse:
    require(user=_user(request), capability=Capability.MANAGE_FEEDS)
    feed = feed_by_id(feed_id=feed_id)
    # A patient's feed is theirs alone to turn off: to the manager it does not exist.
    if feed is None or feed.kind != FeedKind.PRACTITIONER:
        raise AccessDenied(object_type=FEED, object_id=str(feed_id), found=feed is not None)
    if calendar_feed_turn_off(feed=feed, actor=request.user, now=timezone.now()):
        messages.success(request, "Turned off: that calendar feed's address stops working.")
    else:
        messages.info(request, "That calendar feed was already off.")
    return redirect("calendar-feeds")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


urlpatterns: list[URLPattern] = [
    path("staff/my-day/calendar/", my_calendar_feed, name="my-calendar-feed"),
    path("staff/calendar-feeds/", calendar_feeds, name="calendar-feeds"),
    path(
        "staff/calendar-feeds/<int:feed_id>/turn-off/",
        calendar_feed_off,
        name="calendar-feed-turn-off",
    ),
]
