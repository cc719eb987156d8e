"""Online booking for patients: service -> location -> practitioner -> a free time ->
who it is for (a new patient, or a returning one proven by a code e-mailed to them,
booking for themselves or a dependent they manage) -> review and consent -> booked.

HTTP only. Free times come from scheduling.selectors.availability_search (channel
online: the clinic's minimum online notice applies); every booking write goes through
the booking service, via rehabdesk.online.services (rate limits, codes, new patients).
What the visitor chose is kept server-side in their session; once a time is held, the
pages are keyed by a random token for that hold, so no personal detail is in a URL.

A hold needs a patient, so the time is held the moment we know who it is for (the new
patient's details, or the returning patient's choice of person), not before.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.access.accessors import patients_for
from rehabdesk.access.policy import person_for
from rehabdesk.audit.middleware import client_ip
from rehabdesk.availability.types import Reason, Slot
from rehabdesk.clinic.models import Location, Practitioner, Service
from rehabdesk.clinic.selectors import service_price_on
from rehabdesk.consents import services as consents
from rehabdesk.consents.choices import ConsentChannel
from rehabdesk.consents.selectors import privacy_notice_current
from rehabdesk.core.money import format_money
from rehabdesk.online import services as online
from rehabdesk.online.errors import OnlineError
from rehabdesk.online.models import OneTimeCode
from rehabdesk.online.selectors import bookable_people
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling import services as booking
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import availability_search
from rehabdesk.web.free_times import Day, FreeTime, free_time_from

SESSION_KEY = "online_booking"
# The slot picker: the next free times over two weeks, the first few days of them.
SEARCH_DAYS = 14
SEARCH_LIMIT = 60  # DAYS_SHOWN x TIMES_PER_DAY at most are shown
DAYS_SHOWN = 5
TIMES_PER_DAY = 12
REASONS = {
    Reason.BEYOND_HORIZON: "Online booking is not open that far ahead yet.",
    Reason.NOBODY_QUALIFIED: "Nobody offers this service then.",
    Reason.CLOSED: "We are closed then.",
    Reason.NO_RESOURCES: "This location cannot offer this service.",
    Reason.TOO_SOON: "The next times are too soon to book online: please call us.",
    Reason.FULLY_BOOKED: "We are fully booked then.",
}


# --- Session state ------------------------------------------------------------------


def _state(request: HttpRequest) -> dict[str, Any]:
    state = request.session.get(SESSION_KEY)
    return state if isinstance(state, dict) else {}


def _save(request: HttpRequest, state: dict[str, Any]) -> None:
    request.session[SESSION_KEY] = state
    request.session.modified = True


def _ip(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


# --- The catalogue --------------------------------------------------------------------


def _services() -> Any:
    return (
        Service.objects.filter(active=True, online_bookable=True)
        .select_related("discipline", "tax_category")
        .prefetch_related("tax_category__rates")
        .order_by("discipline__name", "name")
    )


def _locations() -> Any:
    return Location.objects.filter(active=True).select_related("clinic").order_by("name")


def _practitioners(service: Service) -> Any:
    return (
        Practitioner.objects.filter(active=True, disciplines=service.discipline_id)
        .order_by("display_name")
        .distinct()
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


@dataclass(frozen=True)
class Choice:
    """What the visitor has chosen so far (from the query string: no personal detail)."""

    service: Service
    location: Location | None
    practitioner: Practitioner | None

    def query(self, **extra: object) -> str:
        parts = {
            "service": self.service.pk,
            "location": self.location.pk if self.location else "",
            "practitioner": self.practitioner.pk if self.practitioner else "",
            **extra,
        }
        return "&".join(f"{key}={value}" for key, value in parts.items())


def _choice(request: HttpRequest) -> Choice | None:
    params = request.GET if request.method == "GET" else request.POST
    service = _services().filter(pk=_int(params.get("service"))).first()
    if service is None:
        return None
    location = _locations().filter(pk=_int(params.get("location"))).first()
    practitioner = _practitioners(service).filter(pk=_int(params.get("practitioner"))).first()
    return Choice(service, location, practitioner)


@require_GET
def book_start(request: HttpRequest) -> HttpResponse:
    return render(request, "web/online/service.html", {"services": _services(), "step": 1})


@require_GET
def book_location(request: HttpRequest) -> HttpResponse:
    choice = _choice(request)
    if choice is None:
        messages.error(request, "Please choose a service.")
        return redirect("book-start")
    return render(
        request,
        "web/online/location.html",
        {"choice": choice, "locations": _locations(), "step": 2},
    )


@require_GET
def book_practitioner(request: HttpRequest) -> HttpResponse:
    choice = _choice(request)
    if choice is None:
        messages.error(request, "Please choose a service.")
        return redirect("book-start")
    return render(
        request,
        "web/online/practitioner.html",
        {"choice": choice, "practitioners": _practitioners(choice.service), "step": 3},
    )


# --- The slot picker ------------------------------------------------------------------


def slot_days(slots: list[Slot], days_shown: int = DAYS_SHOWN) -> list[Day]:
    """Slots as local times grouped by day: the first few days, a dozen times each."""
    locations = {loc.pk: loc for loc in _locations()}
    ids = {slot.practitioner_id for slot in slots}
    practitioners = {p.pk: p for p in Practitioner.objects.filter(pk__in=ids)}
    days: dict[date, list[FreeTime]] = {}
    for slot in slots:
        location = locations.get(slot.location_id)
        practitioner = practitioners.get(slot.practitioner_id)
        if location is None or practitioner is None:
            continue
        local = slot.start.astimezone(location.zone)
        times = days.get(local.date())
        if times is None:
            if len(days) == days_shown:
                break
            times = days[local.date()] = []
        if len(times) < TIMES_PER_DAY:
            times.append(FreeTime(local, practitioner, location))
    return [Day(day, times) for day, times in days.items()]


def slot_picker_days(
    choice: Choice, *, from_day: date | None, now: datetime
) -> tuple[list[Day], str]:
    """The next free days and times for the choice, and what to say when there are none."""
    zone = timezone.get_current_timezone()
    start = max(datetime.combine(from_day, time(0), tzinfo=zone), now) if from_day else now
    result = availability_search(
        service_id=choice.service.pk,
        location_ids=[choice.location.pk] if choice.location else [loc.pk for loc in _locations()],
        start=start,
        end=start + timedelta(days=SEARCH_DAYS),
        now=now,
        channel=Channel.ONLINE,
        practitioner_ids=[choice.practitioner.pk] if choice.practitioner else None,
        limit=SEARCH_LIMIT,
    )
    days = slot_days(list(result.slots))
    if days:
        return days, ""
    why = REASONS.get(result.reason, "") if result.reason else ""
    return [], f"No free times in the next {SEARCH_DAYS} days. {why}".strip()


def _picked(value: str) -> FreeTime | None:
    return free_time_from(value, Practitioner.objects.filter(active=True), _locations())


@require_http_methods(["GET", "POST"])
def book_times(request: HttpRequest) -> HttpResponse:
    choice = _choice(request)
    if choice is None:
        messages.error(request, "Please choose a service.")
        return redirect("book-start")
    if request.method == "POST":
        picked = _picked(request.POST.get("pick", ""))
        if picked is None:
            messages.error(request, "Please choose a time.")
            return redirect(f"{reverse('book-times')}?{choice.query()}")
        pick = Pick(choice.service, picked.start, picked.practitioner, picked.location)
        _release_pick(request)
        # The time is held at once, for nobody yet: the details step puts the patient
        # on it, so it cannot go to someone else while they type.
        try:
            hold = online.online_hold(
                request=_request_for(pick, None), client_ip=_ip(request), now=timezone.now()
            )
        except OnlineError as refusal:
            messages.error(request, refusal.message)
            return redirect(f"{reverse('book-times')}?{choice.query()}")
        except SchedulingError as refusal:
            return _just_taken(request, pick, refusal)
        state = _state(request)
        state["pick"] = {
            "service": choice.service.pk,
            "start": picked.start.isoformat(),
            "practitioner": picked.practitioner.pk,
            "location": picked.location.pk,
            "hold": hold.pk,
        }
        _save(request, state)
        return redirect("book-details")
    from_day = None
    with contextlib.suppress(ValueError):
        from_day = date.fromisoformat(request.GET.get("from", ""))
    days, empty = slot_picker_days(choice, from_day=from_day, now=timezone.now())
    later = days[-1].day + timedelta(days=1) if days else None
    return render(
        request,
        "web/online/times.html",
        {
            "choice": choice,
            "days": days,
            "empty": empty,
            "later_query": choice.query(**{"from": later.isoformat()}) if later else "",
            "step": 4,
        },
    )


# --- Who the booking is for -----------------------------------------------------------


@dataclass(frozen=True)
class Pick:
    service: Service
    start: datetime
    practitioner: Practitioner
    location: Location


def _pick(request: HttpRequest) -> Pick | None:
    data = _state(request).get("pick")
    if not isinstance(data, dict):
        return None
    service = _services().filter(pk=data.get("service")).first()
    picked = _picked(f"{data.get('start')}|{data.get('practitioner')}|{data.get('location')}")
    if service is None or picked is None:
        return None
    return Pick(service, picked.start, picked.practitioner, picked.location)


def _no_pick(request: HttpRequest) -> HttpResponse:
    messages.error(request, "Please choose a service and a time first.")
    return redirect("book-start")


def _just_taken(request: HttpRequest, pick: Pick, error: SchedulingError) -> HttpResponse:
    """The time went meanwhile (or is no longer on offer): say so kindly, with the
    nearest alternatives to choose from."""
    choice = Choice(pick.service, pick.location, None)
    return render(
        request,
        "web/online/times.html",
        {
            "choice": choice,
            "days": slot_days(list(error.alternatives)),
            "refusal": error.message,
            "empty": "" if error.alternatives else "No other times are free soon: please call us.",
            "later_query": "",
            "step": 4,
        },
        status=409,
    )


def _held(request: HttpRequest, appointment: Appointment, *, new: bool) -> HttpResponse:
    token = secrets.token_urlsafe(16)
    state = _state(request)
    holds = state.setdefault("holds", {})
    holds[token] = {"appointment": appointment.pk, "new": new}
    _save(request, state)
    return redirect("book-review", token=token)


@require_GET
def book_details(request: HttpRequest) -> HttpResponse:
    pick = _pick(request)
    if pick is None:
        return _no_pick(request)
    if person_for(request.user).patient_id is not None:
        return redirect("book-returning")  # signed in: they choose from their family
    return render(request, "web/online/details.html", {"pick": pick, "step": 5})


class NewPatientForm(forms.Form):
    first_name = forms.CharField(
        max_length=80, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=80, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    date_of_birth = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        help_text="As on your health card.",
    )
    email = forms.EmailField(
        label="E-mail address",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We send a code here to confirm your booking.",
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate() or born.year < 1900:
            raise forms.ValidationError("Please enter your date of birth.")
        return born


def _release_pick(request: HttpRequest) -> None:
    """A visitor choosing another time gives back the one held for them before."""
    previous = _state(request).get("pick")
    if not isinstance(previous, dict):
        return
    held = Appointment.objects.filter(
        pk=_int(str(previous.get("hold"))) or 0,
        status=AppointmentStatus.PENDING,
        patient__isnull=True,
    ).first()
    if held is not None:
        booking.appointment_cancel(
            appointment=held, actor=None, now=timezone.now(), reason="another time chosen"
        )


def _claim(request: HttpRequest, pick: Pick, patient: Patient, now: datetime) -> Appointment:
    """Put the patient on the time held when it was chosen; if that hold has lapsed,
    hold the time again for them (it may have gone meanwhile: SchedulingError)."""
    held = (
        Appointment.objects.filter(pk=_int(str(_state(request)["pick"].get("hold"))) or 0)
        .filter(status=AppointmentStatus.PENDING, patient__isnull=True, hold_expires_at__gt=now)
        .first()
    )
    if held is not None:
        return booking.appointment_hold_claim(
            appointment=held, patient=patient, actor=None, now=now
        )
    return online.online_hold(request=_request_for(pick, patient), client_ip=_ip(request), now=now)


def _request_for(pick: Pick, patient: Patient | None) -> booking.BookingRequest:
    return booking.BookingRequest(
        patient=patient,
        practitioner=pick.practitioner,
        service=pick.service,
        location=pick.location,
        start=pick.start,
        channel=Channel.ONLINE,
    )


@require_http_methods(["GET", "POST"])
def book_new(request: HttpRequest) -> HttpResponse:
    pick = _pick(request)
    if pick is None:
        return _no_pick(request)
    state = _state(request)
    form = NewPatientForm(request.POST or None, initial=state.get("new_patient") or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        state["new_patient"] = {**data, "date_of_birth": data["date_of_birth"].isoformat()}
        _save(request, state)
        now = timezone.now()
        try:
            with transaction.atomic():
                # A refused claim leaves no patient record behind.
                patient = online.online_patient_register(**data)
                hold = _claim(request, pick, patient, now)
        except OnlineError as error:
            form.add_error(None, error.message)
        except SchedulingError as error:
            if error.alternatives or error.code in {"slot_taken", "slot_unavailable"}:
                return _just_taken(request, pick, error)
            form.add_error(None, error.message)
        else:
            return _held(request, hold, new=True)
    return render(request, "web/online/new.html", {"pick": pick, "form": form, "step": 5})


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="Code",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "The code is six digits."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        help_text="Six digits, from the e-mail we just sent.",
    )


def _people(request: HttpRequest, state: dict[str, Any]) -> list[Patient]:
    """Who the visitor may book for: a signed-in patient's own family (no code needed),
    or the people the e-mail address they proved with a code reaches."""
    person = person_for(request.user)
    if person.patient_id is not None:
        return patients_for(
            user=request.user,
            patients=Patient.objects.filter(
                pk__in=person.managed_patient_ids, active=True
            ).order_by("date_of_birth", "pk"),
            summary="online booking: who it is for",
            object_type="web.book_returning",
        )
    return bookable_people(email=state["email"]) if state.get("email") else []


@require_http_methods(["GET", "POST"])
def book_returning(request: HttpRequest) -> HttpResponse:
    pick = _pick(request)
    if pick is None:
        return _no_pick(request)
    state = _state(request)
    signed_in = person_for(request.user).patient_id is not None
    action = request.POST.get("action", "")
    email_form = EmailForm(request.POST if action == "send" else None)
    code_form = CodeForm(request.POST if action == "verify" else None)
    error = ""
    now = timezone.now()
    if action == "send" and email_form.is_valid():
        email = email_form.cleaned_data["email"].lower()
        try:
            online.rate_limit_hit(limit=online.CODES_PER_IP, subject=_ip(request), now=now)
            online.rate_limit_hit(limit=online.CODES_PER_EMAIL, subject=email, now=now)
        except OnlineError as refusal:
            error = refusal.message
        else:
            # The same answer whether or not the address is on file.
            if bookable_people(email=email):
                online.code_issue(
                    email=email,
                    purpose=OneTimeCode.Purpose.SIGN_IN,
                    clinic=pick.location.clinic,
                    now=now,
                )
            state.update(code_email=email, email="")
            _save(request, state)
            messages.success(request, "If this address is on file, we have e-mailed it a code.")
            return redirect("book-returning")
    elif action == "verify" and code_form.is_valid() and state.get("code_email"):
        try:
            online.code_check(
                email=state["code_email"],
                purpose=OneTimeCode.Purpose.SIGN_IN,
                code=code_form.cleaned_data["code"],
                now=now,
            )
        except OnlineError as refusal:
            code_form.add_error("code", refusal.message)
        else:
            state["email"] = state["code_email"]
            _save(request, state)
            return redirect("book-returning")
    elif action == "restart":
        state.update(code_email="", email="")
        _save(request, state)
        return redirect("book-returning")
    elif action == "choose" and (signed_in or state.get("email")):
        by_pk = {p.pk: p for p in _people(request, state)}
        person = by_pk.get(_int(request.POST.get("person")) or 0)
        if person is None:
            error = "Please choose who the appointment is for."
        else:
            try:
                hold = _claim(request, pick, person, now)
            except OnlineError as refusal:
                error = refusal.message
            except SchedulingError as refusal:
                if refusal.code in {"slot_taken", "slot_unavailable"}:
                    return _just_taken(request, pick, refusal)
                error = refusal.message
            else:
                return _held(request, hold, new=False)
    people = _people(request, state)
    return render(
        request,
        "web/online/returning.html",
        {
            "pick": pick,
            "email_form": email_form,
            "code_form": code_form,
            "code_sent": bool(state.get("code_email")),
            "verified": signed_in or bool(state.get("email")),
            "people": people,
            "error": error,
            "step": 5,
        },
        status=429 if error and "hour" in error else 200,
    )


# --- Review, confirmation ------------------------------------------------------------


def _hold(request: HttpRequest, token: str) -> tuple[Appointment, bool]:
    entry = _state(request).get("holds", {}).get(token)
    if not isinstance(entry, dict):
        raise Http404
    appointment = (
        Appointment.objects.select_related(
            "patient", "practitioner", "location__clinic", "service__tax_category"
        )
        .prefetch_related("service__tax_category__rates")
        .filter(pk=_int(str(entry.get("appointment"))) or 0)
        .first()
    )
    if appointment is None or appointment.patient is None:
        raise Http404
    return appointment, bool(entry.get("new"))


def _patient_of(appointment: Appointment) -> Patient:
    """The patient of a hold from _hold, which refuses holds without one."""
    if appointment.patient is None:
        raise Http404
    return appointment.patient


def _expired(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    messages.error(
        request, "The time we held for you has been released: please choose a time again."
    )
    choice = f"service={appointment.service_id}&location={appointment.location_id}&practitioner="
    return redirect(f"{reverse('book-times')}?{choice}")


def booking_summary(appointment: Appointment) -> dict[str, Any]:
    clinic = appointment.location.clinic
    local = appointment.start.astimezone(appointment.location.zone)
    quote = service_price_on(service=appointment.service, on=local.date())
    fee = clinic.late_cancellation_fee_percent
    return {
        "appointment": appointment,
        "local_start": local,
        "quote": quote,
        "price": format_money(quote.price),
        "tax_lines": [(line.name, line.percent, format_money(line.amount)) for line in quote.lines],
        "total": format_money(quote.total),
        "notice_hours": clinic.cancellation_notice_hours,
        "late_fee": format_money(appointment.service.price * fee / 100) if fee else "",
        "late_fee_percent": fee,
        "no_show_fee_percent": clinic.no_show_fee_percent,
        "clinic": clinic,
    }


@require_http_methods(["GET", "POST"])
def book_review(request: HttpRequest, token: str) -> HttpResponse:
    appointment, new = _hold(request, token)
    if appointment.status == AppointmentStatus.BOOKED:
        return redirect("book-done", token=token)
    now = timezone.now()
    if appointment.status != AppointmentStatus.PENDING or (
        appointment.hold_expires_at and appointment.hold_expires_at <= now
    ):
        return _expired(request, appointment)
    notice = privacy_notice_current()
    consent_error = ""
    if request.method == "POST":
        if (
            notice is None
            or request.POST.get("consent") != "yes"
            or _int(request.POST.get("notice")) != notice.version
        ):
            consent_error = "Please read the privacy notice and tick the box to agree to it."
        else:
            try:
                with transaction.atomic():
                    consents.consent_record(
                        patient=_patient_of(appointment),
                        notice=notice,
                        channel=ConsentChannel.ONLINE,
                        actor=None,
                        now=now,
                    )
                    if new:
                        online.code_issue(
                            email=_patient_of(appointment).email,
                            purpose=OneTimeCode.Purpose.CONFIRM,
                            clinic=appointment.location.clinic,
                            now=now,
                        )
                    else:
                        booking.appointment_confirm(appointment=appointment, actor=None, now=now)
            except SchedulingError:
                return _expired(request, appointment)
            return redirect("book-verify" if new else "book-done", token=token)
    return render(
        request,
        "web/online/review.html",
        {
            **booking_summary(appointment),
            "notice": notice,
            "consent_error": consent_error,
            "new": new,
            "token": token,
            "step": 6,
        },
    )


@require_http_methods(["GET", "POST"])
def book_verify(request: HttpRequest, token: str) -> HttpResponse:
    appointment, new = _hold(request, token)
    if appointment.status == AppointmentStatus.BOOKED:
        return redirect("book-done", token=token)
    if not new:
        return redirect("book-review", token=token)
    now = timezone.now()
    form = CodeForm(request.POST if request.POST.get("action") == "verify" else None)
    if request.method == "POST" and request.POST.get("action") == "resend":
        try:
            online.rate_limit_hit(
                limit=online.CODES_PER_EMAIL, subject=_patient_of(appointment).email, now=now
            )
        except OnlineError as refusal:
            messages.error(request, refusal.message)
        else:
            online.code_issue(
                email=_patient_of(appointment).email,
                purpose=OneTimeCode.Purpose.CONFIRM,
                clinic=appointment.location.clinic,
                now=now,
            )
            messages.success(request, "We have sent a new code.")
        return redirect("book-verify", token=token)
    if form.is_bound and form.is_valid():
        try:
            online.online_confirm_new(
                appointment=appointment, code=form.cleaned_data["code"], now=now
            )
        except OnlineError as refusal:
            form.add_error("code", refusal.message)
        except SchedulingError:
            return _expired(request, appointment)
        else:
            return redirect("book-done", token=token)
    return render(
        request,
        "web/online/verify.html",
        {**booking_summary(appointment), "form": form, "token": token, "step": 7},
    )


@require_GET
def book_done(request: HttpRequest, token: str) -> HttpResponse:
    appointment, _new = _hold(request, token)
    if appointment.status != AppointmentStatus.BOOKED:
        return redirect("book-review", token=token)
    return render(request, "web/online/done.html", {**booking_summary(appointment), "step": 8})


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    notice = privacy_notice_current()
    paragraphs = [p.strip() for p in notice.body.split("\n\n") if p.strip()] if notice else []
    return render(request, "web/online/privacy.html", {"notice": notice, "paragraphs": paragraphs})


urlpatterns: list[URLPattern] = [
    path("book/", book_start, name="book-start"),
    path("book/location/", book_location, name="book-location"),
    path("book/practitioner/", book_practitioner, name="book-practitioner"),
    path("book/times/", book_times, name="book-times"),
    path("book/details/", book_details, name="book-details"),
    path("book/details/new/", book_new, name="book-new"),
    path("book/details/returning/", book_returning, name="book-returning"),
    path("book/hold/<str:token>/review/", book_review, name="book-review"),
    path("book/hold/<str:token>/confirm/", book_verify, name="book-verify"),
    path("book/hold/<str:token>/booked/", book_done, name="book-done"),
    path("privacy/", privacy_notice, name="privacy-notice"),
]
