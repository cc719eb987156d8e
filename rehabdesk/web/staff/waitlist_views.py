"""The desk's waitlist: everyone waiting for a time (what they wish for, since when,
the offers made and how they ended), a time picked and offered to one of them, and a
patient taken off the list — each change confirmed first.

HTTP only: rehabdesk.access decides who may look and act (every patient named is put
on file), scheduling.selectors reads, scheduling.services offers and withdraws.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.access.accessors import require, waitlist_entry_for
from rehabdesk.access.policy import Capability
from rehabdesk.clinic.selectors import location_home_among, locations_active, practitioners_active
from rehabdesk.core.clock import clock
from rehabdesk.scheduling.choices import Channel, DayPart, WaitlistStatus
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.models import WaitlistEntry
from rehabdesk.scheduling.selectors import availability_search, waitlist_open
from rehabdesk.scheduling.services import waitlist_fits, waitlist_offer_make, waitlist_withdraw
from rehabdesk.web.free_times import Day, FreeTime, free_time_from
from rehabdesk.web.refusals import page_status
from rehabdesk.web.staff.visible import visible_patient_ids
from rehabdesk.web.staff.waitlist_forms import ALL, WaitlistFilterForm

# How far ahead the offer page looks, and how many times it lists.
LOOK_DAYS = 28
SHOWN = 12
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PARTS = dict(DayPart.choices)


def wished(entry: WaitlistEntry) -> str:
    """The days and times an entry asks for, in words."""
    days = ", ".join(WEEKDAYS[d] for d in entry.weekdays) if entry.weekdays else "Any day"
    parts = ", ".join(PARTS[p].lower() for p in entry.day_parts) if entry.day_parts else ""
    return f"{days}{'; ' + parts if parts else ''}"


@require_GET
@login_required
def waitlist_list(request: HttpRequest) -> HttpResponse:
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    locations = list(locations_active())
    if not locations:
        raise Http404("No location.")
    home = location_home_among(user_id=request.user.pk, locations=locations)
    query = request.GET if "location" in request.GET else {"location": home.slug}
    form = WaitlistFilterForm(query, locations=locations)
    location, service = None, None
    if form.is_valid():
        slug = form.cleaned_data["location"]
        location = next((loc for loc in locations if loc.slug == slug), None)
        service = form.cleaned_data["service"]
    entries = waitlist_open(
        location_id=location.pk if location else None,
        service_id=service.pk if service else None,
    )
    visible = visible_patient_ids(
        request.user,
        [entry.patient for entry in entries],
        summary="waitlist",
        object_type="web.waitlist",
    )
    return render(
        request,
        "web/desk/waitlist.html",
        {
            "form": form,
            "location": location,
            "service": service,
            "rows": [(e, wished(e)) for e in entries if e.patient_id in visible],
            "now": timezone.now(),
            "all": ALL,
        },
    )


def _entry(request: HttpRequest, entry_id: int, summary: str) -> WaitlistEntry:
    """A waiting patient's entry the desk may act on, the look at their name on file."""
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    entry = waitlist_entry_for(user=request.user, entry_id=entry_id)
    visible_patient_ids(request.user, [entry.patient], summary=summary, object_type="web.waitlist")
    return entry


def _times(entry: WaitlistEntry, now: datetime) -> list[Day]:
    """The next free times the entry asks for: its service, locations, practitioner (or
    anyone), days and parts of the day, by its last day."""
    places = {place.pk: place for place in entry.locations.all()}
    if not places:
        return []
    zone = next(iter(places.values())).zone
    last = datetime.combine(entry.valid_until + timedelta(days=1), time(0), tzinfo=zone)
    end = min(now + timedelta(days=LOOK_DAYS), last)
    if end <= now:
        return []
    result = availability_search(
        service_id=entry.service_id,
        location_ids=list(places),
        start=now,
        end=end,
        now=now,
        channel=Channel.PHONE,
        practitioner_ids=None if entry.practitioner_id is None else [entry.practitioner_id],
        limit=500,
    )
    people = {p.pk: p for p in practitioners_active()}
    days: dict[date, list[FreeTime]] = {}
    count = 0
    for slot in result.slots:
        place, person = places.get(slot.location_id), people.get(slot.practitioner_id)
        if place is None or person is None:
            continue
        if not waitlist_fits(entry=entry, start=slot.start, location=place):
            continue
        local = slot.start.astimezone(place.zone)
        days.setdefault(local.date(), []).append(FreeTime(local, person, place))
        count += 1
        if count == SHOWN:
            break
    return [Day(day, times) for day, times in days.items()]


@require_http_methods(["GET", "POST"])
@login_required
def waitlist_offer(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Pick a free time the patient asks for, confirm it, and offer it."""
    entry = _entry(request, entry_id, "waitlist entry (offer a time)")
    value = request.POST.get("pick", "") if request.method == "POST" else request.GET.get("pick")
    picked = (
        free_time_from(value, practitioners_active(), list(locations_active()))
        if value is not None
        else None
    )
    refusal: SchedulingError | None = None
    if request.method == "POST":
        if picked is None:
            messages.error(request, "Choose a time from the list.")
            return redirect("waitlist-offer", entry_id=entry.pk)
        try:
            waitlist_offer_make(
                entry=entry,
                practitioner=picked.practitioner,
                location=picked.location,
                start=picked.start,
                actor=request.user,
                now=timezone.now(),
            )
        except SchedulingError as refused:
            refusal, picked = refused, None
        else:
            messages.success(
                request,
                f"Offered to {entry.patient.full_name}: {picked.start:%A, %B} "
                f"{picked.start.day}, {clock(picked.start)}. The time is held for them.",
            )
            return redirect("waitlist")
    if picked is not None and entry.status == WaitlistStatus.WAITING:
        return render(
            request,
            "web/desk/waitlist_offer_confirm.html",
            {"entry": entry, "picked": picked, "hold_minutes": _hold_minutes(picked)},
        )
    return render(
        request,
        "web/desk/waitlist_offer.html",
        {
            "entry": entry,
            "wished": wished(entry),
            "offerable": entry.status == WaitlistStatus.WAITING,
            "days": _times(entry, timezone.now()),
            "refusal": refusal,
            "look_days": LOOK_DAYS,
        },
        status=page_status(refusal),
    )


def _hold_minutes(picked: FreeTime) -> int:
    return int(picked.location.clinic.waitlist_offer_minutes)


@require_http_methods(["GET", "POST"])
@login_required
def waitlist_remove(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Take a patient off the waitlist, once the desk has confirmed it."""
    entry = _entry(request, entry_id, "waitlist entry (remove)")
    if request.method == "POST":
        try:
            waitlist_withdraw(entry=entry, actor=request.user, now=timezone.now())
        except SchedulingError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request, f"{entry.patient.full_name} is off the waitlist for {entry.service.name}."
            )
        return redirect("waitlist")
    return render(
        request, "web/desk/waitlist_remove.html", {"entry": entry, "wished": wished(entry)}
    )


urlpatterns: list[URLPattern] = [
    path("staff/waitlist/", waitlist_list, name="waitlist"),
    path("staff/waitlist/<int:entry_id>/offer/", waitlist_offer, name="waitlist-offer"),
    path("staff/waitlist/<int:entry_id>/remove/", waitlist_remove, name="waitlist-remove"),
]
