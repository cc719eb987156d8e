"""The free-times finder of the staff booking pages: booking a caller and moving a
booking share it. The next free times that fit the caller (service, location,
practitioner, part of the day), and once one is picked, the confirmation step.

HTTP only: scheduling.selectors finds free times (the engine the API uses).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from rehabdesk.availability.types import Reason, Slot
from rehabdesk.clinic.models import Location, Practitioner, Service
from rehabdesk.clinic.selectors import locations_active, practitioners_active
from rehabdesk.core.errors import DomainError
from rehabdesk.patients.models import Patient
from rehabdesk.safety.selectors import booking_concerns
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import availability_search
from rehabdesk.scheduling.services import waitlist
from rehabdesk.web.free_times import Day, FreeTime, free_time_from
from rehabdesk.web.prices import priced
from rehabdesk.web.refusals import page_status
from rehabdesk.web.staff.booking_forms import ANY_PART, FindTimesForm, PickedTimeForm

SEARCH_DAYS = 14
SEARCH_LIMIT = 500
SHOWN = 12
REASONS = {
    Reason.BEYOND_HORIZON: "Bookings are not open that far ahead yet: choose an earlier date.",
    Reason.NOBODY_QUALIFIED: "Nobody may deliver this service then.",
    Reason.CLOSED: "Nobody works then.",
    Reason.NO_RESOURCES: "The location lacks a room or the equipment this service needs.",
    Reason.TOO_SOON: "There are hours, but only sooner than the clinic's notice allows.",
    Reason.FULLY_BOOKED: "Fully booked.",
}


def _free_times(
    slots: Iterable[Slot],
    practitioners: Mapping[int, Practitioner],
    locations: Mapping[int, Location],
    part: str = ANY_PART,
    shown: int = SHOWN,
) -> list[Day]:
    """Slots as local times grouped by day, only those in `part` of the day."""
    days: dict[date, list[FreeTime]] = {}
    count = 0
    for slot in slots:
        location = locations.get(slot.location_id)
        practitioner = practitioners.get(slot.practitioner_id)
        if location is None or practitioner is None:
            continue
        local = slot.start.astimezone(location.zone)
        if part and waitlist.day_part(local.time()) != part:
            continue
        days.setdefault(local.date(), []).append(FreeTime(local, practitioner, location))
        count += 1
        if count == shown:
            break
    return [Day(day, times) for day, times in days.items()]


def _search(
    *,
    service: Service,
    locations: Sequence[Location],
    practitioner: Practitioner | None,
    part: str,
    from_day: date | None,
    now: datetime,
) -> tuple[list[Day], str]:
    """The next free times for the caller, and what to say when there are none."""
    zone = timezone.get_current_timezone()
    day_start = datetime.combine(from_day or timezone.localdate(), time(0), tzinfo=zone)
    start = max(day_start, now)
    end = max(day_start, now) + timedelta(days=SEARCH_DAYS)
    result = availability_search(
        service_id=service.pk,
        location_ids=[location.pk for location in locations],
        start=start,
        end=end,
        now=now,
        channel=Channel.PHONE,
        practitioner_ids=None if practitioner is None else [practitioner.pk],
        limit=SEARCH_LIMIT,
    )
    practitioners = {p.pk: p for p in practitioners_active()}
    days = _free_times(result.slots, practitioners, {loc.pk: loc for loc in locations}, part)
    if days:
        return days, ""
    if result.reason is not None:
        return [], f"No free times in the {SEARCH_DAYS} days from then. {REASONS[result.reason]}"
    return [], f"No free times in that part of the day in the {SEARCH_DAYS} days from then."


def _alternatives(slots: Sequence[Slot]) -> list[Day]:
    if not slots:
        return []
    practitioners = {p.pk: p for p in practitioners_active()}
    return _free_times(slots, practitioners, {loc.pk: loc for loc in locations_active()})


def _picked(query: QueryDict) -> FreeTime | None:
    """The time chosen on the finder, if it reads."""
    return free_time_from(query.get("pick", ""), practitioners_active(), locations_active())


def finder(
    request: HttpRequest,
    query: QueryDict,
    *,
    patient: Patient,
    service: Service | None,
    appointment: Appointment | None = None,
    refusal: SchedulingError | None = None,
) -> HttpResponse:
    """The finder page (search form and free times) or, once a time is picked, the
    confirmation step. Booking and moving share it; after a refusal it shows the
    refusal and the next free times instead of a new search."""
    bound = "service" in query or "start" in query
    form = FindTimesForm(
        query if bound else None,
        with_service=service is None,
        initial=None if bound else _prefilled(query),
    )
    days: list[Day] = []
    empty = ""
    searched = form.is_bound and form.is_valid() and refusal is None
    if searched:
        data = form.cleaned_data
        chosen = data.get("service") or service
        assert chosen is not None
        picked = _picked(query) if "pick" in query else None
        if picked is not None:
            return _confirm_page(request, patient, chosen, picked, appointment)
        locations = [data["location"]] if data["location"] else list(locations_active())
        days, empty = _search(
            service=chosen,
            locations=locations,
            practitioner=data["practitioner"],
            part=data["part"],
            from_day=data["start"],
            now=timezone.now(),
        )
    return render(
        request,
        "web/booking/find.html",
        {
            "patient": patient,
            "appointment": appointment,
            "service": service,
            "form": form,
            "searched": searched,
            "days": days,
            "empty": empty,
            "refusal": refusal,
            "alternatives": _alternatives(refusal.alternatives) if refusal else [],
            "criteria": _criteria(query),
        },
        status=page_status(refusal),
    )


PREFILLED = ("location", "practitioner")


def _prefilled(query: QueryDict) -> dict[str, object]:
    """What a link into the finder chose already (the desk's location, say), each only
    when it reads; the rest is the caller's to choose."""
    probe = FindTimesForm(
        {name: query[name] for name in PREFILLED if name in query}, with_service=False
    )
    probe.is_valid()
    return {
        name: probe.cleaned_data[name].pk
        for name in PREFILLED
        if name in query and probe.cleaned_data.get(name) is not None
    }


def _criteria(query: QueryDict) -> list[tuple[str, str]]:
    """The search, carried as hidden fields by each time's button."""
    return [
        (name, query.get(name, ""))
        for name in ("service", "location", "practitioner", "part", "start")
        if name in query
    ]


def _confirm_page(
    request: HttpRequest,
    patient: Patient,
    service: Service,
    picked: FreeTime,
    appointment: Appointment | None,
) -> HttpResponse:
    back = request.GET.copy()
    back.pop("pick", None)
    form = PickedTimeForm(
        initial={
            "practitioner": picked.practitioner.pk,
            "location": picked.location.pk,
            "start": picked.start.isoformat(),
            "service": service.pk,
            # Sent twice (a double click, a retry), the booking is made once.
            "key": uuid.uuid4().hex,
        }
    )
    if appointment is not None:
        del form.fields["note"]
    return _confirm_render(request, patient, service, picked, form, appointment, back)


def overlap_page(
    request: HttpRequest,
    *,
    patient: Patient,
    service: Service,
    form: PickedTimeForm,
    appointment: Appointment | None = None,
    refusal: DomainError | None = None,
) -> HttpResponse:
    """The confirmation again, once the patient turned out to have another visit then
    (or the box was ticked without a reason): the time asked for, the refusal and, in
    a form the view builds with `overlap` for the front desk only, the box to book the
    overlap on purpose."""
    data = form.cleaned_data
    location = data["location"]
    picked = FreeTime(data["start"].astimezone(location.zone), data["practitioner"], location)
    back = finder_query(service=service.pk, start=picked.start.date().isoformat())
    return _confirm_render(request, patient, service, picked, form, appointment, back, refusal)


def _confirm_render(
    request: HttpRequest,
    patient: Patient,
    service: Service,
    picked: FreeTime,
    form: PickedTimeForm,
    appointment: Appointment | None,
    back: QueryDict,
    refusal: DomainError | None = None,
) -> HttpResponse:
    """The confirmation step: the time picked, the form to book it and the way back to
    the times; after a refusal, the refusal too, with its status."""
    return render(
        request,
        "web/booking/confirm.html",
        {
            "patient": patient,
            "appointment": appointment,
            "service": service,
            "picked": picked,
            # What the visit costs on its day, said as the public price list says it.
            "price": priced([service], picked.start.date())[0],
            "form": form,
            "refusal": refusal,
            "back": f"?{back.urlencode()}",
            # A new booking a practitioner must clear first is said so, never why.
            "safety_held": appointment is None
            and booking_concerns(patient_id=patient.pk, service=service).blocking,
        },
        status=page_status(refusal),
    )


def finder_query(**values: object) -> QueryDict:
    """A search of the finder, as its form reads it."""
    query = QueryDict(mutable=True)
    for name, value in values.items():
        query[name] = str(value)
    return query
