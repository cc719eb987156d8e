"""Staff pages for booking by phone and for one appointment: book a caller at a time
from the finder (finder.py), then move, cancel (with the late-cancellation fee shown
first), check in, no-show, keep. Waitlist and series are series_views.py.

HTTP only: rehabdesk.access decides whose bookings a person may touch (and audits the
look), and the scheduling services decide and record every change.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from rehabdesk.access.accessors import appointment_for, patient_for, require
from rehabdesk.access.policy import Action, Capability, can, person_for
from rehabdesk.access.safety import safety_panel_for
from rehabdesk.core.money import format_money
from rehabdesk.patients.models import Patient
from rehabdesk.safety.errors import SafetyError
from rehabdesk.safety.services import booking_safety_validate
from rehabdesk.scheduling import services as booking
from rehabdesk.scheduling.choices import AppointmentStatus, CancelledBy, Channel
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.messages import local_text
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import appointment_history
from rehabdesk.web.staff.booking_forms import CancelForm, NoShowForm, PickedTimeForm
from rehabdesk.web.staff.finder import finder, finder_query, overlap_page

# --- Booking by phone ------------------------------------------------------------------


def booking_patient(request: HttpRequest, patient_id: int) -> Patient:
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
    patient = booking_patient(request, patient_id)
    if request.method == "GET":
        return finder(request, request.GET, patient=patient, service=None)
    desk = can(person_for(request.user), Capability.RUN_THE_DESK)
    form = PickedTimeForm(request.POST, overlap=desk)
    if _reason_missing(form) and form.cleaned_data["service"] is not None:
        return overlap_page(
            request, patient=patient, service=form.cleaned_data["service"], form=form
        )
    if not form.is_valid() or form.cleaned_data["service"] is None:
        messages.error(request, "Choose a time from the list.")
        return redirect("patient-book", patient_id=patient.pk)
    data = form.cleaned_data
    try:
        booking_safety_validate(patient_id=patient.pk, service=data["service"])
    except SafetyError as held:
        return overlap_page(
            request, patient=patient, service=data["service"], form=form, refusal=held
        )
    try:
        appointment = booking.appointment_book(
            request=booking.BookingRequest(
                patient=patient,
                practitioner=data["practitioner"],
                service=data["service"],
                location=data["location"],
                start=data["start"],
                channel=Channel.PHONE,
                overlap_reason=form.overlap_reason(),
            ),
            actor=request.user,
            now=timezone.now(),
            idempotency_key=data["key"],
            note=data["note"],
        )
    except SchedulingError as refused:
        if desk and refused.code == SchedulingErrorCode.PATIENT_BUSY:
            return overlap_page(
                request, patient=patient, service=data["service"], form=form, refusal=refused
            )
        return finder(
            request,
            finder_query(service=data["service"].pk),
            patient=patient,
            service=None,
            refusal=refused,
        )
    messages.success(request, f"Booked: {_summary(appointment)}.")
    return redirect("appointment-detail", appointment_id=appointment.pk)


def _reason_missing(form: PickedTimeForm) -> bool:
    """The desk ticked the box to book an overlap but gave no reason: the only fault."""
    return not form.is_valid() and set(form.errors) == {"overlap_reason"}


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
    events = appointment_history(appointment_id=appointment.pk)
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
            "safety": safety_panel_for(user=request.user, patient_id=appointment.patient_id),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def appointment_reschedule(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _appointment(request, appointment_id, view=request.method == "GET")
    if request.method == "GET":
        return finder(
            request,
            request.GET,
            patient=_booked_patient(appointment),
            service=appointment.service,
            appointment=appointment,
        )
    desk = can(person_for(request.user), Capability.RUN_THE_DESK)
    form = PickedTimeForm(request.POST, overlap=desk)
    patient, service = _booked_patient(appointment), appointment.service
    if _reason_missing(form):
        return overlap_page(
            request, patient=patient, service=service, form=form, appointment=appointment
        )
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
            overlap_reason=form.overlap_reason(),
        )
    except SchedulingError as refused:
        if desk and refused.code == SchedulingErrorCode.PATIENT_BUSY:
            return overlap_page(
                request,
                patient=patient,
                service=service,
                form=form,
                appointment=appointment,
                refusal=refused,
            )
        return finder(
            request,
            finder_query(start=timezone.localdate().isoformat()),
            patient=patient,
            service=service,
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


urlpatterns: list[URLPattern] = [
    path("staff/patients/<int:patient_id>/book/", patient_book, name="patient-book"),
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
