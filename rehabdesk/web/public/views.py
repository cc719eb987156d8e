"""The public site: what the clinic offers, what it costs, where it is, who works
there, and the privacy notice. No sign-in; every text comes from the clinic's
configuration, read through clinic.selectors in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from rehabdesk.clinic import selectors
from rehabdesk.clinic.models import Location, ServiceGroup
from rehabdesk.consents.selectors import privacy_notice_current
from rehabdesk.web.prices import PricedService, priced

PHYSIO_OR_MASSAGE = "physio-or-massage"
# The two disciplines that page compares (reference data shipped by the clinic app).
COMPARED_DISCIPLINES = ("physiotherapy", "massage-therapy")


def _groups_with_prices(
    groups: Iterable[ServiceGroup], on: date
) -> list[tuple[ServiceGroup, list[PricedService]]]:
    return [(group, priced(group.shown_services, on)) for group in groups]  # type: ignore[attr-defined]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "web/home.html",
        {
            "locations": list(selectors.locations_for_display(today=today)),
            "groups": list(selectors.service_groups_listed()),
        },
    )


@require_GET
def services(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    groups = list(selectors.service_groups_for_display())
    return render(
        request, "web/public/services.html", {"groups": _groups_with_prices(groups, today)}
    )


@require_GET
def service_group(request: HttpRequest, slug: str) -> HttpResponse:
    today = timezone.localdate()
    try:
        group = selectors.service_group_for_display(slug=slug)
    except ServiceGroup.DoesNotExist:
        raise Http404("No such service") from None
    return render(
        request,
        "web/public/service_group.html",
        {"group": group, "services": priced(group.shown_services, today)},  # type: ignore[attr-defined]
    )


@require_GET
def physio_or_massage(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/public/physio_or_massage.html",
        {
            "text": selectors.page_text(slug=PHYSIO_OR_MASSAGE),
            "disciplines": selectors.disciplines_for_display(slugs=COMPARED_DISCIPLINES),
            "groups": list(selectors.service_groups_listed()),
        },
    )


@require_GET
def location(request: HttpRequest, slug: str) -> HttpResponse:
    today = timezone.localdate()
    try:
        place = selectors.location_for_display(slug=slug, today=today)
    except Location.DoesNotExist:
        raise Http404("No such location") from None
    offered = selectors.services_offered_at(location=place, today=today)
    return render(
        request,
        "web/public/location.html",
        {"location": place, "services": priced(offered, today)},
    )


@require_GET
def team(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "web/public/team.html",
        {"practitioners": list(selectors.team_for_display(today=today))},
    )


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    notice = privacy_notice_current()
    paragraphs = [p.strip() for p in notice.body.split("\n\n") if p.strip()] if notice else []
    return render(request, "web/online/privacy.html", {"notice": notice, "paragraphs": paragraphs})


urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
    path("services/", services, name="services"),
    path("services/<slug:slug>/", service_group, name="service-group"),
    path("physiotherapy-or-massage-therapy/", physio_or_massage, name="physio-or-massage"),
    path("locations/<slug:slug>/", location, name="location"),
    path("team/", team, name="team"),
    path("privacy/", privacy_notice, name="privacy-notice"),
]
