"""The "Subscribe in your calendar" page, shared by its two doors: a practitioner's
(/staff/my-day/calendar/, their appointments) and a patient's (/my/calendar/, their and
their family's upcoming visits). docs/domain/calendar-feeds.md.

The address is shown once, on the answer to "Turn on" or "Make a new address" (only
its hash is kept); later visits say the feed is on, since when and when a calendar
last read it, and offer a new address or turning it off. Each door decides who may
come in; this reads one form and calls one service. HTTP only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from rehabdesk.accounts.models import User
from rehabdesk.core.links import site_link
from rehabdesk.scheduling.choices import FeedKind
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.selectors import feed_live
from rehabdesk.scheduling.services import calendar_feed_create, calendar_feed_turn_off
from rehabdesk.web.refusals import page_status

NEW, OFF = "new", "off"


class FeedChoiceForm(forms.Form):
    action = forms.ChoiceField(choices=[(NEW, "Make an address"), (OFF, "Turn off")])


@dataclass(frozen=True)
class Door:
    """Whose feed, and the page's words and way back."""

    kind: FeedKind
    route: str  # this page's URL name
    back_url: str
    back_label: str


def feed_page(request: HttpRequest, door: Door) -> HttpResponse:
    """GET: the feed's state. POST: a new address (shown on this answer only) or off."""
    user = cast(User, request.user)  # the doors are login_required
    live = feed_live(owner_id=user.pk, kind=door.kind)
    address = ""
    status = 200
    form = FeedChoiceForm()
    if request.method == "POST":
        form = FeedChoiceForm(request.POST)
        if not form.is_valid():
            status = 400
        elif form.cleaned_data["action"] == OFF:
            if live is not None and calendar_feed_turn_off(
                feed=live, actor=user, now=timezone.now()
            ):
                messages.success(request, "Your calendar feed is off: its address stops working.")
            else:
                messages.info(request, "Your calendar feed was already off.")
            return redirect(door.route)
        else:
            try:
                made = calendar_feed_create(
                    owner=user,
                    kind=door.kind,
                    actor=user,
                    now=timezone.now(),
                )
            except SchedulingError as refused:
                form.add_error(None, refused.message)
                status = page_status(refused)
            else:
                live = made.feed
                address = site_link(reverse("calendar-feed", kwargs={"secret": made.secret}))
    # The page's own address carries no secret, so the site's referrer policy stays:
    # "no-referrer" here would make browsers send `Origin: null` with the page's forms,
    # which the CSRF check refuses. The address shown leaves only by hand or through
    # the calendar link, which sends no referrer (rel="noreferrer").
    return render(
        request,
        "web/feeds/own.html",
        {
            "door": door,
            "live": live,
            "address": address,
            "webcal": address.replace("https://", "webcal://", 1).replace(
                "http://", "webcal://", 1
            ),
            "practitioner": door.kind == FeedKind.PRACTITIONER,
            "form": form,
        },
        status=status,
    )
