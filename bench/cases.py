"""What `make bench` measures. Three kinds of case:

- `Case`: one client in-process (django.test.Client or a selector), timed per call.
- `HttpCase`: one GET from several clients at once over HTTP, against gunicorn.
- `ContentionCase`: many clients booking at once over HTTP for a while, on a throw-away
  copy of the dataset (bookings change it), counted in attempts per second.

To add one: write a function that sets up (untimed) and returns what to time, then add
one case to CASES. Imported only in a child process, after Django is set up.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import HttpResponseBase
from django.test import Client
from django.utils import timezone

from bench.billing_cases import (
    INVOICE_TARGET_P95_MS,
    RACE_CLIENTS,
    RACE_TARGET_P95_MS,
    RECEIPT_ITERATIONS,
    RECEIPT_TARGET_P95_MS,
    RECEIPT_WARMUPS,
    REPORT_ITERATIONS,
    REPORT_TARGET_P95_MS,
    REPORT_WARMUPS,
    REPORTS,
    Race,
    invoice_at_check_out,
    invoices_at_once,
    receipt_pdf,
    report_page,
)
from bench.builders import (
    FIFTY_LOCATION,
    FIFTY_SERVICE,
    FOLLOW_UP,
    FULLY_BOOKED,
    FULLY_BOOKED_DAYS,
    TEN_DOMAIN,
    TEN_FRONT_DESK,
    TEN_PASSWORD,
    TEN_TOWNS,
)
from bench.care_cases import (
    CHART_TARGET_P95_MS,
    DRAFT_SAVE_TARGET_P95_MS,
    PDF_ITERATIONS,
    PDF_TARGET_MS,
    SIGN_TARGET_P95_MS,
    chart_page,
    chart_pdf,
    draft_save,
    sign,
)
from bench.clients import staff_client
from bench.datasets import FIFTY_BOOKED, FIFTY_FREE, OUTBOX, TEN_LOCATION, TWO_CLINIC
from bench.fhir_cases import (
    APPOINTMENT_DAY_TARGET_P95_MS,
    SLOT_14_DAYS_TARGET_P95_MS,
    appointment_day,
    slot_14_days,
)
from bench.guide_cases import (
    GUIDE_TARGET_P95_MS,
    guide_result_page,
    guide_result_post,
    guide_step_page,
)
from bench.outbox_cases import (
    SMS_TARGET_PER_S,
    WEBHOOK_TARGET_PER_S,
    WORKER_TARGET_PER_S,
    WorkerCase,
)
from bench.outcome_cases import CHART_MEASURES_TARGET_P95_MS, chart_page_3_measures
from bench.plan_cases import (
    PLAN_BOOK_ITERATIONS,
    PLAN_BOOK_TARGET_P95_MS,
    PLAN_BOOK_WARMUPS,
    plan_book_12,
)
from bench.reminder_cases import (
    REMINDER_ITERATIONS,
    REMINDER_WARMUPS,
    REMINDERS_TARGET_P95_MS,
    reminders_tomorrow,
)
from rehabdesk.accounts.models import User
from rehabdesk.api.scheduling import MAX_LIMIT
from rehabdesk.availability.intervals import wall_clock_instant
from rehabdesk.clinic.models import Location, Practitioner, Service, WorkingHours
from rehabdesk.clinic.qualifications import practitioners_qualified
from rehabdesk.demo.clinic import DEMO_PASSWORD, EMAIL_DOMAIN
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import ACTIVE_STATUSES, AppointmentStatus, Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import availability_search
from rehabdesk.testing.factors import staff_device

Operation = Callable[[], object]

# This issue's own budgets, not product requirements (milliseconds unless named).
HOME_TARGET_P95_MS = 30.0
PUBLIC_PAGE_TARGET_P95_MS = 30.0
REGISTRATIONS_TARGET_P95_MS = 50.0
QUALIFIED_SELECTOR_TARGET_P95_MS = 10.0
PATIENT_PAGE_TARGET_P95_MS = 50.0
NEXT_AVAILABLE_TARGET_P95_MS = {TWO_CLINIC: 50.0, TEN_LOCATION: 100.0}
NEXT_AVAILABLE_TARGET_MEDIAN_MS = {TWO_CLINIC: 25.0}
HTTP_TARGET_P95_MS = 100.0
ALL_SLOTS_TARGET_P95_MS = 100.0
FIRST_AFTER_BOOKED_TARGET_P95_MS = 100.0
BOOKING_TARGET_ATTEMPTS_PER_S = 60.0
DAY_VIEW_TARGET_P95_MS = 120.0
ALL_FREE_TIMES_TARGET_P95_MS = 20.0
ALL_FREE_TIMES_TARGET_MEDIAN_MS = 12.0

HTTP_CLIENTS = 8
BOOKING_CLIENTS = 50
BOOKING_SECONDS = 60.0
# "Every slot" asks for as many as the API allows, and must get fewer.
ALL_SLOTS_LIMIT = MAX_LIMIT
AVAILABILITY = "/api/availability"


class CaseError(Exception):
    """The operation did not do what the case means to time, so its timing is void."""


@dataclass(frozen=True)
class Case:
    name: str
    dataset: str
    target_p95_ms: float
    # Sets up (untimed) and returns the operation that is timed.
    prepare: Callable[[], Operation]
    # Also judged on the median: reported as a second record, `<name>-median`.
    target_median_ms: float | None = None
    # Fewer timed calls for an operation that takes seconds (the default: 20 and 200).
    warmups: int | None = None
    iterations: int | None = None
    # It writes what the next run would find changed: measured on the throw-away copy.
    throwaway: bool = False


@dataclass(frozen=True)
class HttpGet:
    path: str
    # Raises CaseError when an answer is not what the case means to time.
    check: Callable[[int, bytes], None]


@dataclass(frozen=True)
class HttpCase:
    name: str
    dataset: str
    target_p95_ms: float
    clients: int
    prepare: Callable[[], HttpGet]


@dataclass(frozen=True)
class BookingPlan:
    """What the booking clients choose from, and who they sign in as."""

    email: str
    password: str
    # The account's authenticator key (hex), for the code after the password.
    totp_key: str
    location_id: int
    service_id: int
    # (practitioner id, ISO start): the times on offer when the run begins.
    times: Sequence[tuple[int, str]]
    patient_ids: Sequence[int]
    window: str
    # The calendar the run can touch, for the overlap check afterwards.
    window_start: datetime
    window_end: datetime

    def body(self, rng: random.Random) -> bytes:
        practitioner_id, start = rng.choice(self.times)
        return json.dumps(
            {
                "patient": rng.choice(self.patient_ids),
                "service": self.service_id,
                "practitioner": practitioner_id,
                "location": self.location_id,
                "start": start,
                "channel": "phone",
            }
        ).encode()


@dataclass(frozen=True)
class ContentionCase:
    name: str
    dataset: str
    target_attempts_per_s: float
    clients: int
    seconds: float
    prepare: Callable[[], BookingPlan]


@dataclass(frozen=True)
class RaceCase:
    """`clients` threads in-process make one call each, all at the same moment, on the
    throw-away copy: each call timed, then what they did together checked."""

    name: str
    dataset: str
    target_p95_ms: float
    clients: int
    prepare: Callable[[], Race]


AnyCase = Case | HttpCase | ContentionCase | RaceCase | WorkerCase


# -- pages and selectors ----------------------------------------------------------------


def _get_ok(client: Client, path: str) -> Operation:
    """A GET that must answer 200: a redirect to sign-in would time the wrong page."""

    def get() -> HttpResponseBase:
        response = client.get(path)
        if response.status_code != 200:
            raise CaseError(f"GET {path} answered {response.status_code}, not 200")
        return response

    return get


def home_page() -> Operation:
    return _get_ok(Client(), "/")


def service_group_page() -> Operation:
    return _get_ok(Client(), "/services/massage-therapy/")


def team_page() -> Operation:
    return _get_ok(Client(), "/team/")


def location_page() -> Operation:
    return _get_ok(Client(), "/locations/pickering/")


def registrations_expiring_page() -> Operation:
    client = staff_client(User.objects.get(email=f"manager@{EMAIL_DOMAIN}"))
    return _get_ok(client, "/staff/registrations/expiring/")


def patient_record_page() -> Operation:
    """A patient's record as the front desk opens it: authorize, fetch, audit, render."""
    client = staff_client(User.objects.get(email=f"frontdesk.pickering@{EMAIL_DOMAIN}"))
    grace = Patient.objects.get(first_name="Grace", last_name="Green")
    return _get_ok(client, f"/staff/patients/{grace.pk}/")


def patient_search_page() -> Operation:
    client = staff_client(User.objects.get(email=f"frontdesk.pickering@{EMAIL_DOMAIN}"))
    return _get_ok(client, "/staff/patients/?q=green")


ONLINE_SLOT_PICKER_TARGET_P95_MS = 60.0


def online_slot_picker() -> Operation:
    """The online booking's slot picker, as a visitor opens it: the next free days and
    times for physiotherapy at Milton, first available practitioner."""
    service = Service.objects.filter(
        active=True, online_bookable=True, discipline__slug="physiotherapy"
    ).order_by("pk")[0]
    milton = Location.objects.get(slug="milton")
    return _get_ok(
        Client(), f"/book/times/?service={service.pk}&location={milton.pk}&practitioner="
    )


def busiest_day_view() -> Operation:
    """A location's day on its busiest day ahead, as the front desk opens it: every
    practitioner's column, hours and appointments, the audit event, the page."""
    client = staff_client(User.objects.get(email=f"frontdesk.pickering@{EMAIL_DOMAIN}"))
    busiest = (
        Appointment.objects.filter(status__in=ACTIVE_STATUSES, start__gte=timezone.now())
        .annotate(day=TruncDate("start"))
        .values("location__slug", "day")
        .annotate(booked=Count("pk"))
        .order_by("-booked", "day")
        .first()
    )
    if busiest is None:
        raise CaseError("the dataset has no bookings ahead")
    return _get_ok(
        client, f"/staff/schedule/{busiest['location__slug']}/{busiest['day'].isoformat()}/"
    )


def practitioners_qualified_for_acupuncture() -> Operation:
    service = Service.objects.get(name="Acupuncture treatment")
    today = timezone.localdate()

    def select() -> list[Practitioner]:
        return practitioners_qualified(service=service, on=today)

    return select


# -- availability -----------------------------------------------------------------------


def _search_path(params: dict[str, Any]) -> str:
    return f"{AVAILABILITY}?{urlencode(params, doseq=True)}"


def _slots(status: int, body: bytes, path: str) -> list[dict[str, Any]]:
    if status != 200:
        raise CaseError(f"GET {path} answered {status}, not 200")
    slots: list[dict[str, Any]] = json.loads(body)["slots"]
    return slots


def _search(path: str, check: Callable[[list[dict[str, Any]]], None]) -> HttpGet:
    def answered(status: int, body: bytes) -> None:
        check(_slots(status, body, path))

    return HttpGet(path, answered)


def _in_process(search: HttpGet) -> Operation:
    client = Client()

    def get() -> HttpResponseBase:
        response = client.get(search.path)
        search.check(response.status_code, response.content)
        return response

    return get


def _one_slot(slots: list[dict[str, Any]]) -> None:
    if len(slots) != 1:
        raise CaseError(f"expected the next free time, got {len(slots)} slots")


def next_available_search() -> HttpGet:
    """The next free time for a 30-minute physiotherapy follow-up at any location, over
    the next 14 days (the API's default window)."""
    follow_up = Service.objects.get(slug=FOLLOW_UP)
    locations = list(Location.objects.filter(active=True).values_list("pk", flat=True))
    return _search(
        _search_path({"service": follow_up.pk, "location": locations, "limit": 1}), _one_slot
    )


def next_available() -> Operation:
    return _in_process(next_available_search())


def _a_practitioner_at_two_locations() -> Practitioner:
    """Two-clinic: Priya Raman (Pickering and Milton); ten-location: a physiotherapist
    who works at two locations."""
    found = Practitioner.objects.filter(slug="priya-raman").first()
    if found is None:
        found = Practitioner.objects.get(user__email=f"practitioner040@{TEN_DOMAIN}")
    return found


def all_slots_90_days() -> Operation:
    """Every free time of one practitioner for one service over the next 90 days."""
    practitioner = _a_practitioner_at_two_locations()
    follow_up = Service.objects.get(slug=FOLLOW_UP)
    locations = list(Location.objects.filter(active=True).values_list("pk", flat=True))
    now = timezone.now()

    def every_slot(slots: list[dict[str, Any]]) -> None:
        if not slots or len(slots) >= ALL_SLOTS_LIMIT:
            raise CaseError(
                f"expected every free time (1 to {ALL_SLOTS_LIMIT - 1}), got {len(slots)}"
            )
        if {slot["practitioner_id"] for slot in slots} != {practitioner.pk}:
            raise CaseError("slots of another practitioner")

    params = {
        "service": follow_up.pk,
        "location": locations,
        "practitioner": practitioner.pk,
        "start": now.isoformat(),
        "end": (now + timedelta(days=90)).isoformat(),
        "limit": ALL_SLOTS_LIMIT,
    }
    return _in_process(_search(_search_path(params), every_slot))


def first_available_after_60_booked() -> Operation:
    """The first free time of a practitioner whose next 60 days are booked solid."""
    practitioner = Practitioner.objects.get(slug=FULLY_BOOKED)
    follow_up = Service.objects.get(slug=FOLLOW_UP)
    locations = list(Location.objects.filter(active=True).values_list("pk", flat=True))
    now = timezone.now()
    # Booked solid from the day the dataset was built, when their hours began.
    built = WorkingHours.objects.filter(practitioner=practitioner).earliest("effective_from")
    solid_until = built.effective_from + timedelta(days=FULLY_BOOKED_DAYS)
    left = (solid_until - timezone.localdate(now)).days
    if left < FULLY_BOOKED_DAYS - 1:
        # Datasets are dated from the day they were built (bench/README.md).
        print(
            f"first-available-after-60-booked: only the next {left} days are booked solid "
            "now that the dataset has aged; delete it to rebuild it",
            file=sys.stderr,
        )

    def after_the_booked_days(slots: list[dict[str, Any]]) -> None:
        _one_slot(slots)
        first = datetime.fromisoformat(slots[0]["start"]).astimezone(built.location.zone)
        if first.date() <= solid_until:
            raise CaseError(f"a free time on {first:%Y-%m-%d}, inside the fully booked days")

    params = {
        "service": follow_up.pk,
        "location": locations,
        "practitioner": practitioner.pk,
        "start": now.isoformat(),
        "end": (now + timedelta(days=90)).isoformat(),
        "limit": 1,
    }
    return _in_process(_search(_search_path(params), after_the_booked_days))


def all_free_times_14_days() -> Operation:
    """Every free time at the fifty-practitioner location for its 60-minute service over
    the API's default window (14 days from now), as the public API is asked for it."""
    location = Location.objects.get(slug=FIFTY_LOCATION)
    service = Service.objects.get(slug=FIFTY_SERVICE)

    def every_free_time(slots: list[dict[str, Any]]) -> None:
        if not slots or len(slots) >= ALL_SLOTS_LIMIT:
            raise CaseError(
                f"expected every free time (1 to {ALL_SLOTS_LIMIT - 1}), got {len(slots)}"
            )

    params = {"service": service.pk, "location": location.pk, "limit": ALL_SLOTS_LIMIT}
    search = _search(_search_path(params), every_free_time)
    client = Client()
    first = client.get(search.path)
    search.check(first.status_code, first.content)

    def get() -> HttpResponseBase:
        # Checked whole above; timed answers by their status and how many slots they
        # hold: parsing 430 KB of JSON takes 3 ms here, the client's work, not the API's.
        response = client.get(search.path)
        found = response.content.count(b'"practitioner_id"')
        if response.status_code != 200 or not 0 < found < ALL_SLOTS_LIMIT:
            raise CaseError(f"GET {search.path} answered {response.status_code}, {found} slots")
        return response

    return get


# -- booking ----------------------------------------------------------------------------


# The two days the booking clients race for: the first two weekdays in a row, at least
# RACE_NOTICE_DAYS ahead, with RACE_MIN_FREE free times or more between them, looking
# up to RACE_LOOK_DAYS ahead (the demo's history books its near days almost full).
RACE_NOTICE_DAYS = 3
RACE_MIN_FREE = 8
RACE_LOOK_DAYS = 28


def booking_contention() -> BookingPlan:
    """The front desk books 30-minute follow-ups at one location in a two-day window a
    few days ahead, for patients who have been seen before (a follow-up needs that),
    each attempt a time that was on offer when the run began: so the clients race for
    the same times, and most attempts lose once the free times are gone."""
    two_clinic = Location.objects.filter(slug="pickering").exists()
    slug = "pickering" if two_clinic else TEN_TOWNS[0].lower()
    location = Location.objects.select_related("clinic").get(slug=slug)
    follow_up = Service.objects.get(slug=FOLLOW_UP)
    now = timezone.now()
    earliest = timezone.localdate(now) + timedelta(days=RACE_NOTICE_DAYS)
    last = earliest + timedelta(days=RACE_LOOK_DAYS)
    free = availability_search(
        service_id=follow_up.pk,
        location_ids=[location.pk],
        start=wall_clock_instant(earliest, time(0), location.zone),
        end=wall_clock_instant(last, time(0), location.zone),
        now=now,
        channel=Channel.PHONE,
    ).slots
    by_day = Counter(slot.start.astimezone(location.zone).date() for slot in free)
    first = race_days(by_day, earliest=earliest, last=last, minimum=RACE_MIN_FREE)
    if first is None:
        raise CaseError(
            f"fewer than {RACE_MIN_FREE} free times at {location} on any two weekdays in a "
            f"row from {earliest} to {last}"
        )
    start = wall_clock_instant(first, time(0), location.zone)
    end = wall_clock_instant(first + timedelta(days=2), time(0), location.zone)
    offered = [slot for slot in free if start <= slot.start < end]
    known = sorted(
        set(
            Appointment.objects.filter(status=AppointmentStatus.FULFILLED).values_list(
                "patient_id", flat=True
            )[:20000]
        )
    )
    picker = random.Random(50)  # noqa: S311 - a seeded sample
    desk = User.objects.get(
        email=f"frontdesk.pickering@{EMAIL_DOMAIN}" if two_clinic else TEN_FRONT_DESK
    )
    return BookingPlan(
        email=desk.email,
        password=DEMO_PASSWORD if two_clinic else TEN_PASSWORD,
        totp_key=staff_device(desk).key,
        location_id=location.pk,
        service_id=follow_up.pk,
        times=[(slot.practitioner_id, slot.start.isoformat()) for slot in offered],
        patient_ids=picker.sample(known, min(500, len(known))),
        window=f"{location.name}, {first:%a %d %b} and the day after (the first two "
        f"weekdays in a row from {earliest:%a %d %b} with {RACE_MIN_FREE} or more free), "
        f"{len(offered)} times free at the start",
        window_start=start,
        window_end=end,
    )


def race_days(free: Mapping[date, int], *, earliest: date, last: date, minimum: int) -> date | None:
    """The first of two weekdays in a row from `earliest`, both before `last`, with at
    least `minimum` free times (`free`, by day) between them; None when there are none."""
    day = earliest
    while day + timedelta(days=1) < last:
        if (
            day.weekday() <= 3
            and free.get(day, 0) + free.get(day + timedelta(days=1), 0) >= minimum
        ):
            return day
        day += timedelta(days=1)
    return None


# Names are what `--case` takes and what latest.json is keyed by: keep them stable.
CASES: list[AnyCase] = [
    Case("home", TWO_CLINIC, HOME_TARGET_P95_MS, home_page),
    Case("service-group-page", TWO_CLINIC, PUBLIC_PAGE_TARGET_P95_MS, service_group_page),
    Case("team-page", TWO_CLINIC, PUBLIC_PAGE_TARGET_P95_MS, team_page),
    Case("location-page", TWO_CLINIC, PUBLIC_PAGE_TARGET_P95_MS, location_page),
    Case(
        "registrations-expiring",
        TWO_CLINIC,
        REGISTRATIONS_TARGET_P95_MS,
        registrations_expiring_page,
    ),
    Case(
        "practitioners-qualified",
        TWO_CLINIC,
        QUALIFIED_SELECTOR_TARGET_P95_MS,
        practitioners_qualified_for_acupuncture,
    ),
    Case("patient-record", TWO_CLINIC, PATIENT_PAGE_TARGET_P95_MS, patient_record_page),
    Case("patient-search", TWO_CLINIC, PATIENT_PAGE_TARGET_P95_MS, patient_search_page),
    Case("busiest-day-view", TWO_CLINIC, DAY_VIEW_TARGET_P95_MS, busiest_day_view),
    Case("online-slot-picker", TWO_CLINIC, ONLINE_SLOT_PICKER_TARGET_P95_MS, online_slot_picker),
    Case("fhir-appointment-day", TWO_CLINIC, APPOINTMENT_DAY_TARGET_P95_MS, appointment_day),
    Case("fhir-slot-14-days", TWO_CLINIC, SLOT_14_DAYS_TARGET_P95_MS, slot_14_days),
]
for _dataset in (TWO_CLINIC, TEN_LOCATION):
    CASES += [
        Case(
            "next-available",
            _dataset,
            NEXT_AVAILABLE_TARGET_P95_MS[_dataset],
            next_available,
            target_median_ms=NEXT_AVAILABLE_TARGET_MEDIAN_MS.get(_dataset),
        ),
        HttpCase(
            "next-available-http-8",
            _dataset,
            HTTP_TARGET_P95_MS,
            HTTP_CLIENTS,
            next_available_search,
        ),
        Case("all-slots-90-days", _dataset, ALL_SLOTS_TARGET_P95_MS, all_slots_90_days),
        Case(
            "first-available-after-60-booked",
            _dataset,
            FIRST_AFTER_BOOKED_TARGET_P95_MS,
            first_available_after_60_booked,
        ),
        ContentionCase(
            "booking-contention",
            _dataset,
            BOOKING_TARGET_ATTEMPTS_PER_S,
            BOOKING_CLIENTS,
            BOOKING_SECONDS,
            booking_contention,
        ),
    ]
for _dataset in (FIFTY_FREE, FIFTY_BOOKED):
    CASES.append(
        Case(
            "all-free-times-14-days",
            _dataset,
            ALL_FREE_TIMES_TARGET_P95_MS,
            all_free_times_14_days,
            target_median_ms=ALL_FREE_TIMES_TARGET_MEDIAN_MS,
        )
    )

# The treatment guide (issue 21): a step, the last step's POST (evaluate and store), the result.
CASES += [
    Case("guide-step", TWO_CLINIC, GUIDE_TARGET_P95_MS, guide_step_page),
    Case("guide-result-post", TWO_CLINIC, GUIDE_TARGET_P95_MS, guide_result_post),
    Case("guide-result-page", TWO_CLINIC, GUIDE_TARGET_P95_MS, guide_result_page),
]

# The clinical record (issue 22): a 100-note chart, its PDF, a draft saved, a note signed.
CASES += [
    Case("chart-page-100-notes", TWO_CLINIC, CHART_TARGET_P95_MS, chart_page),
    Case("note-draft-save", TWO_CLINIC, DRAFT_SAVE_TARGET_P95_MS, draft_save),
    Case("note-sign", TWO_CLINIC, SIGN_TARGET_P95_MS, sign),
    Case(
        "chart-pdf-100-notes",
        TWO_CLINIC,
        PDF_TARGET_MS,
        chart_pdf,
        warmups=1,
        iterations=PDF_ITERATIONS,
    ),
]

# Billing (issue 23) on two years of the ten-location clinic's books: check-out, a
# receipt's PDF, each report over a year for all locations, fifty desks at once.
CASES += [
    Case(
        "invoice-at-check-out",
        TEN_LOCATION,
        INVOICE_TARGET_P95_MS,
        invoice_at_check_out,
        throwaway=True,
    ),
    Case(
        "receipt-pdf",
        TEN_LOCATION,
        RECEIPT_TARGET_P95_MS,
        receipt_pdf,
        warmups=RECEIPT_WARMUPS,
        iterations=RECEIPT_ITERATIONS,
    ),
    *(
        Case(
            f"report-{name}-year",
            TEN_LOCATION,
            REPORT_TARGET_P95_MS,
            report_page(name),
            warmups=REPORT_WARMUPS,
            iterations=REPORT_ITERATIONS,
        )
        for name in REPORTS
    ),
    RaceCase(
        "invoices-50-at-once", TEN_LOCATION, RACE_TARGET_P95_MS, RACE_CLIENTS, invoices_at_once
    ),
]

# Outcome measures on the chart (issue 24): three measures of twenty scores and a plan.
CASES += [
    Case(
        "chart-page-3-measures",
        TWO_CLINIC,
        CHART_MEASURES_TARGET_P95_MS,
        chart_page_3_measures,
    ),
]

# Treatment plans (issue 24): a plan of twelve visits proposed and booked, on the
# throw-away copy (it books).
CASES += [
    Case(
        "plan-book-12",
        TWO_CLINIC,
        PLAN_BOOK_TARGET_P95_MS,
        plan_book_12,
        warmups=PLAN_BOOK_WARMUPS,
        iterations=PLAN_BOOK_ITERATIONS,
        throwaway=True,
    ),
]

# Reminders (issue 26): a day's reminders for the ten-location clinic queued in one
# scheduler round (bench/reminder_cases.py).
CASES.append(
    Case(
        "reminders-tomorrow-10-locations",
        TEN_LOCATION,
        REMINDERS_TARGET_P95_MS,
        reminders_tomorrow,
        warmups=REMINDER_WARMUPS,
        iterations=REMINDER_ITERATIONS,
        throwaway=True,
    )
)

# The outbox (issue 26): worker processes sending to a local SMTP server (e-mails a
# second), to the SMS stand-in (texts a second) and a webhook fan-out to a local HTTP
# receiver (deliveries a second), on the throw-away copy (bench/outbox_cases.py).
CASES += [
    WorkerCase("outbox-worker-1", OUTBOX, WORKER_TARGET_PER_S, workers=1),
    WorkerCase("outbox-workers-2", OUTBOX, WORKER_TARGET_PER_S, workers=2),
    WorkerCase("outbox-sms-worker-1", OUTBOX, SMS_TARGET_PER_S, workers=1, channel="sms"),
    WorkerCase("webhook-fan-out-1000", OUTBOX, WEBHOOK_TARGET_PER_S, workers=1, channel="webhook"),
]
