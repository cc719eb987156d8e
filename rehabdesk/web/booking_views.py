"""Staff pages for booking by phone and for one appointment: find the next free times,
book, move, cancel (with the late-cancellation fee shown first), check in, no-show,
keep, the waitlist and series.

HTTP only: rehabdesk.access decides whose bookings a person may touch (and audits the
look), scheduling.selectors finds free times (the engine the API uses), and the
scheduling services decide and record every change.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from rehabdesk.access.accessors import appointment_for, patient_for, require
from rehabdesk.access.policy import Action, Capability, can, person_for
from rehabdesk.availability.types import Reason, Slot
from rehabdesk.clinic.models import Location, Practitioner, Service
from rehabdesk.core.money import format_money
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling import services as booking
from rehabdesk.scheduling.choices import AppointmentStatus, CancelledBy, Channel
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.messages import local_text
from rehabdesk.scheduling.models import Appointment, AppointmentEvent
from rehabdesk.scheduling.selectors import (
    appointments_for_patient,
    availability_search,
    patient_attendance,
)
from rehabdesk.scheduling.services import series as series_services
from rehabdesk.scheduling.services import waitlist
from rehabdesk.web.booking_forms import (
    ANY_PART,
    CancelForm,
    FindTimesForm,
    NoShowForm,
    PickedTimeForm,
    SeriesForm,
    WaitlistForm,
    active_locations,
    active_practitioners,
)
from rehabdesk.web.free_times import Day, FreeTime, free_time_from

# The finder looks two weeks ahead, across every practitioner and location asked for,
# and shows the first dozen times that fit the caller's part of the day.
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


# --- The free-times finder -------------------------------------------------------------


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
    practitioners = {p.pk: p for p in active_practitioners()}
    days = _free_times(result.slots, practitioners, {loc.pk: loc for loc in locations}, part)
    if days:
        return days, ""
    if result.reason is not None:
        return [], f"No free times in the {SEARCH_DAYS} days from then. {REASONS[result.reason]}"
    return [], f"No free times in that part of the day in the {SEARCH_DAYS} days from then."


def _alternatives(slots: Sequence[Slot]) -> list[Day]:
    if not slots:
        return []
    practitioners = {p.pk: p for p in active_practitioners()}
    return _free_times(slots, practitioners, {loc.pk: loc for loc in active_locations()})


def _picked(query: QueryDict) -> FreeTime | None:
    """The time chosen on the finder, if it reads."""
    return free_time_from(query.get("pick", ""), active_practitioners(), active_locations())


def _finder(
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
    form = FindTimesForm(
        query if ("service" in query or "start" in query) else None,
        with_service=service is None,
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
        locations = [data["location"]] if data["location"] else list(active_locations())
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
        status=409 if refusal else 200,
    )


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
    return render(
        request,
        "web/booking/confirm.html",
        {
            "patient": patient,
            "appointment": appointment,
            "service": service,
            "picked": picked,
            "form": form,
            "back": f"?{back.urlencode()}",
        },
    )


# --- Booking by phone ------------------------------------------------------------------


def _patient(request: HttpRequest, patient_id: int) -> Patient:
    """A patient whose bookings the staff member may manage (staff pages only)."""
    require(user=request.user, capability=Capability.SEARCH_PATIENTS)
    return patient_for(
        user=request.user,
        patient_id=patient_id,
        action=Action.MANAGE_BOOKINGS,
        summary="patient bookings",
        view=request.method == "GET",
    )


def _appointment(request: HttpRequest, appointment_id: int, *, view: bool) -> Appointment:
    require(user=request.user, capability=Capability.SEARCH_PATIENTS)
    return appointment_for(user=request.user, appointment_id=appointment_id, view=view)


def _booked_patient(appointment: Appointment) -> Patient:
    """The patient of an appointment from appointment_for, which refuses the rest."""
    if appointment.patient is None:
        raise Http404
    return appointment.patient


@require_http_methods(["GET", "POST"])
@login_required
def patient_book(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    if request.method == "GET":
        return _finder(request, request.GET, patient=patient, service=None)
    form = PickedTimeForm(request.POST)
    if not form.is_valid() or form.cleaned_data["service"] is None:
        messages.error(request, "Choose a time from the list.")
        return redirect("patient-book", patient_id=patient.pk)
    data = form.cleaned_data
    try:
        appointment = booking.appointment_book(
            request=booking.BookingRequest(
                patient=patient,
                practitioner=data["practitioner"],
                service=data["service"],
                location=data["location"],
                start=data["start"],
                channel=Channel.PHONE,
            ),
            actor=request.user,
            now=timezone.now(),
            idempotency_key=data["key"],
            note=data["note"],
        )
    except SchedulingError as refused:
        return _finder(
            request,
            _query(service=data["service"].pk),
            patient=patient,
            service=None,
            refusal=refused,
        )
    messages.success(request, f"Booked: {_summary(appointment)}.")
    return redirect("appointment-detail", appointment_id=appointment.pk)


def _query(**values: object) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in values.items():
        query[name] = str(value)
    return query


def _summary(appointment: Appointment) -> str:
    return (
        f"{appointment.service.name} with {appointment.practitioner.display_name} at "
        f"{appointment.location.name}, {local_text(appointment.start, appointment)}"
    )


# --- One appointment -------------------------------------------------------------------


@require_http_methods(["GET"])
@login_required
def appointment_detail(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _appointment(request, appointment_id, view=True)
    now = timezone.now()
    zone = appointment.location.zone
    booked = appointment.status == AppointmentStatus.BOOKED
    local_day = appointment.start.astimezone(zone).date()
    desk = can(person_for(request.user), Capability.RUN_THE_DESK)
    events = (
        AppointmentEvent.objects.filter(appointment=appointment)
        .select_related("actor")
        .order_by("occurred_at", "pk")
    )
    return render(
        request,
        "web/booking/appointment.html",
        {
            "appointment": appointment,
            "patient": appointment.patient,
            "local_start": appointment.start.astimezone(zone),
            "local_end": appointment.end.astimezone(zone),
            "events": events,
            "can_move": booked,
            "can_cancel": appointment.status
            in (AppointmentStatus.PENDING, AppointmentStatus.BOOKED),
            # What the desk may do now (the services check again when it is done).
            "can_arrive": desk and booked and now.astimezone(zone).date() == local_day,
            "can_noshow": desk and booked and now >= appointment.start,
            "can_keep": desk and appointment.outside_hours_since is not None,
            "noshow_form": NoShowForm(),
            "fee_text": format_money(appointment.fee_due) if appointment.fee_due else "",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def appointment_reschedule(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _appointment(request, appointment_id, view=request.method == "GET")
    if request.method == "GET":
        return _finder(
            request,
            request.GET,
            patient=_booked_patient(appointment),
            service=appointment.service,
            appointment=appointment,
        )
    form = PickedTimeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a time from the list.")
        return redirect("appointment-reschedule", appointment_id=appointment.pk)
    data = form.cleaned_data
    before = local_text(appointment.start, appointment)
    try:
        moved = booking.appointment_reschedule(
            appointment=appointment,
            start=data["start"],
            actor=request.user,
            now=timezone.now(),
            channel=Channel.PHONE,
            practitioner=data["practitioner"],
            location=data["location"],
        )
    except SchedulingError as refused:
        return _finder(
            request,
            _query(start=timezone.localdate().isoformat()),
            patient=_booked_patient(appointment),
            service=appointment.service,
            appointment=appointment,
            refusal=refused,
        )
    messages.success(request, f"Moved: {_summary(moved)} (was {before}).")
    return redirect("appointment-detail", appointment_id=moved.pk)


@require_http_methods(["GET", "POST"])
@login_required
def appointment_cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _appointment(request, appointment_id, view=request.method == "GET")
    desk = can(person_for(request.user), Capability.RUN_THE_DESK)
    form = CancelForm(request.POST or None, desk=desk)
    if request.method == "POST" and form.is_valid():
        by, waive_fee = form.terms()
        try:
            cancelled = booking.appointment_cancel(
                appointment=appointment,
                actor=request.user,
                now=timezone.now(),
                by=by,
                reason=form.cleaned_data["reason"],
                waive_fee=waive_fee,
            )
        except SchedulingError as refused:
            messages.error(request, refused.message)
        else:
            text = "Cancelled."
            if cancelled.late_cancellation:
                text += (
                    f" A late cancellation: a fee of {format_money(cancelled.fee_due)} is recorded."
                    if cancelled.fee_due
                    else " A late cancellation; the fee is waived."
                )
            messages.success(request, text)
        return redirect("appointment-detail", appointment_id=appointment.pk)
    now = timezone.now()
    by_patient = booking.cancellation_terms(
        appointment=appointment, by=CancelledBy.PATIENT, now=now
    )
    return render(
        request,
        "web/booking/cancel.html",
        {
            "appointment": appointment,
            "patient": appointment.patient,
            "local_start": appointment.start.astimezone(appointment.location.zone),
            "form": form,
            "desk": desk,
            "late": by_patient.late,
            "fee_text": format_money(by_patient.fee) if by_patient.fee else "",
            "notice_hours": appointment.location.clinic.cancellation_notice_hours,
            "active": appointment.status in (AppointmentStatus.PENDING, AppointmentStatus.BOOKED),
        },
    )


def _desk_appointment(request: HttpRequest, appointment_id: int) -> Appointment:
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    return appointment_for(user=request.user, appointment_id=appointment_id, view=False)


def _back(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    """Back where the desk came from (`next`: a path on this site only), else the
    appointment."""
    target = request.POST.get("next", "")
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return redirect(target)
    return redirect("appointment-detail", appointment_id=appointment.pk)


@require_POST
@login_required
def appointment_arrive(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _desk_appointment(request, appointment_id)
    try:
        booking.appointment_arrive(appointment=appointment, actor=request.user, now=timezone.now())
    except SchedulingError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"{_booked_patient(appointment).full_name} is checked in.")
    return _back(request, appointment)


@require_POST
@login_required
def appointment_noshow(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _desk_appointment(request, appointment_id)
    form = NoShowForm(request.POST)
    waive_fee = form.is_valid() and form.cleaned_data["waive_fee"]
    try:
        marked = booking.appointment_mark_noshow(
            appointment=appointment, actor=request.user, now=timezone.now(), waive_fee=waive_fee
        )
    except SchedulingError as refused:
        messages.error(request, refused.message)
    else:
        fee = f"; a fee of {format_money(marked.fee_due)} is recorded" if marked.fee_due else ""
        messages.success(
            request, f"{_booked_patient(appointment).full_name}: marked as a no-show{fee}."
        )
    return _back(request, appointment)


@require_POST
@login_required
def appointment_keep(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _desk_appointment(request, appointment_id)
    try:
        booking.appointment_keep(appointment=appointment, actor=request.user, now=timezone.now())
    except SchedulingError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "Kept outside the changed hours.")
    return _back(request, appointment)


# --- Waitlist and series ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def patient_waitlist_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    form = WaitlistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = form.join(patient=patient, actor=request.user, now=timezone.now())
        if entry is not None:
            messages.success(
                request,
                f"{patient.full_name} is on the waitlist for {entry.service.name} "
                f"until {entry.valid_until:%B} {entry.valid_until.day}.",
            )
            return redirect("patient-detail", patient_id=patient.pk)
    return render(request, "web/booking/waitlist.html", {"patient": patient, "form": form})


@dataclass(frozen=True)
class ConflictRow:
    """A conflicting date of a series as the resolution form shows it."""

    name: str  # the radio group: "resolve:<the pattern's start>"
    start: datetime  # local
    message: str
    nearest: datetime | None  # local, with the series' practitioner
    # The nearest time with someone else, for information: (their name, local time).
    nearest_other: tuple[str, datetime] | None


RESOLVE = "resolve:"
SKIP = "skip"


def _replacements(post: QueryDict) -> dict[datetime, datetime | None]:
    """The desk's choices for conflicting dates: keep the nearest time, or skip."""
    chosen: dict[datetime, datetime | None] = {}
    for name, value in post.items():
        if not name.startswith(RESOLVE):
            continue
        try:
            original = datetime.fromisoformat(name.removeprefix(RESOLVE))
            replacement = None if value == SKIP else datetime.fromisoformat(str(value))
        except ValueError:
            continue
        if original.tzinfo is None or (replacement is not None and replacement.tzinfo is None):
            continue
        chosen[original] = replacement
    return chosen


def _conflict_rows(
    conflicts: Sequence[series_services.Conflict],
    plan: series_services.SeriesPlan,
) -> list[ConflictRow]:
    zone = plan.location.zone
    # A replacement time that conflicts in turn is resolved under its original date.
    original_of = {new: old for old, new in plan.replacements.items() if new is not None}
    names = {p.pk: p.display_name for p in active_practitioners()}
    rows = []
    for conflict in conflicts:
        original = original_of.get(conflict.start, conflict.start)
        alternative = conflict.alternative
        same = alternative is not None and alternative.practitioner_id == plan.practitioner.pk
        other = None
        if alternative is not None and not same:
            name = names.get(alternative.practitioner_id, "another practitioner")
            other = (name, alternative.start.astimezone(zone))
        rows.append(
            ConflictRow(
                name=f"{RESOLVE}{original.isoformat()}",
                start=conflict.start.astimezone(zone),
                message=conflict.message,
                nearest=alternative.start.astimezone(zone) if same and alternative else None,
                nearest_other=other,
            )
        )
    return rows


@require_http_methods(["GET", "POST"])
@login_required
def patient_series(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    form = SeriesForm(
        request.POST or None, initial={"first_day": timezone.localdate() + timedelta(days=1)}
    )
    conflicts: list[ConflictRow] = []
    kept: dict[datetime, datetime | None] = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = series_services.SeriesPlan(
            patient=patient,
            practitioner=data["practitioner"],
            service=data["service"],
            location=data["location"],
            channel=Channel.PHONE,
            pattern=form.pattern(),
            first_day=data["first_day"],
            weeks=data["weeks"],
            replacements=_replacements(request.POST),
        )
        try:
            created = series_services.series_book(plan=plan, actor=request.user, now=timezone.now())
        except series_services.SeriesConflict as refused:
            conflicts = _conflict_rows(refused.conflicts, plan)
            open_names = {row.name for row in conflicts}
            kept = {
                old: new
                for old, new in plan.replacements.items()
                if f"{RESOLVE}{old.isoformat()}" not in open_names
            }
        except SchedulingError as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            count = created.appointments.count()
            messages.success(request, f"Booked a series of {count} visits for {patient.full_name}.")
            return redirect("patient-detail", patient_id=patient.pk)
    return render(
        request,
        "web/booking/series.html",
        {
            "patient": patient,
            "form": form,
            "conflicts": conflicts,
            "kept": [
                (f"{RESOLVE}{old.isoformat()}", SKIP if new is None else new.isoformat())
                for old, new in kept.items()
            ],
            "skip": SKIP,
        },
        status=409 if conflicts else 200,
    )


def patient_bookings(patient: Patient) -> dict[str, Any]:
    """What the patient page shows about bookings (its Bookings section)."""
    upcoming = list(
        appointments_for_patient(patient_id=patient.pk)
        .filter(
            end__gte=timezone.now(),
            status__in=[
                AppointmentStatus.PENDING,
                AppointmentStatus.BOOKED,
                AppointmentStatus.ARRIVED,
            ],
        )
        .order_by("start")[:20]
    )
    attendance = patient_attendance(patient_id=patient.pk)
    return {
        "upcoming": [(a, a.start.astimezone(a.location.zone)) for a in upcoming],
        "attendance": attendance,
        "fees_text": format_money(attendance.fees_due) if attendance.fees_due else "",
    }


urlpatterns: list[URLPattern] = [
    path("staff/patients/<int:patient_id>/book/", patient_book, name="patient-book"),
    path(
        "staff/patients/<int:patient_id>/waitlist/",
        patient_waitlist_add,
        name="patient-waitlist-add",
    ),
    path("staff/patients/<int:patient_id>/series/", patient_series, name="patient-series"),
    path(
        "staff/appointments/<int:appointment_id>/",
        appointment_detail,
        name="appointment-detail",
    ),
    path(
        "staff/appointments/<int:appointment_id>/reschedule/",
        appointment_reschedule,
        name="appointment-reschedule",
    ),
    path(
        "staff/appointments/<int:appointment_id>/cancel/",
        appointment_cancel,
        name="appointment-cancel",
    ),
    path(
        "staff/appointments/<int:appointment_id>/arrive/",
        appointment_arrive,
        name="appointment-arrive",
    ),
    path(
        "staff/appointments/<int:appointment_id>/noshow/",
        appointment_noshow,
        name="appointment-noshow",
    ),
    path(
        "staff/appointments/<int:appointment_id>/keep/",
        appointment_keep,
        name="appointment-keep",
    ),
]
