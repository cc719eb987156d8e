"""Billing (issue 23) on the ten-location dataset, two years of books: a visit invoiced
at check-out, a receipt's PDF from the desk, each manager's report over the last year
for all locations, and fifty desks invoicing at once.

The dataset's books cover every visit but those of its last UNBILLED_DAYS days
(bench/builders.py), which the writing cases invoice. They write, so they run on the
throw-away copy (bench/README.md): every run finds the same visits still to invoice,
and the numbers they get go on from the same last number."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import close_old_connections, connections
from django.db.models import Exists, OuterRef
from django.http import HttpResponseBase
from django.test import Client
from django.utils import timezone

from bench.builders import TEN_FRONT_DESK, TEN_MANAGER
from bench.clients import staff_client
from rehabdesk.accounts.models import User
from rehabdesk.billing.choices import InvoicePurpose, LineKind, SequenceKind
from rehabdesk.billing.models import DocumentSequence, Invoice, InvoiceLine
from rehabdesk.billing.services import invoice_for_visit
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

Operation = Callable[[], object]

# This issue's own budgets (milliseconds).
INVOICE_TARGET_P95_MS = 50.0
RECEIPT_TARGET_P95_MS = 300.0
REPORT_TARGET_P95_MS = 500.0
# Fifty desks at once queue for the sequence's lock: the last waits for 49 others.
RACE_TARGET_P95_MS = 3000.0
RACE_CLIENTS = 50
INVOICE_CALLS = 20 + 1 + 200  # the measure's warm-ups, its counted call, its timed calls
RECEIPT_WARMUPS, RECEIPT_ITERATIONS = 5, 50
REPORT_WARMUPS, REPORT_ITERATIONS = 3, 30
REPORTS = ("revenue", "hst", "receivables", "utilization", "cancellations", "new-patients")


class BillingCaseError(Exception):
    pass


def _unbilled_visits(count: int) -> list[Appointment]:
    """The latest visits seen and not invoiced yet: the dataset's last days."""
    invoiced = Invoice.objects.filter(appointment=OuterRef("pk"), purpose=InvoicePurpose.VISIT)
    visits = list(
        Appointment.objects.filter(
            status__in=(AppointmentStatus.FULFILLED, AppointmentStatus.ARRIVED),
            start__lt=timezone.now(),
            patient__isnull=False,
        )
        .filter(~Exists(invoiced))
        .order_by("-start", "pk")[:count]
    )
    if len(visits) < count:
        raise BillingCaseError(f"{len(visits)} visits left to invoice, not {count}")
    return visits


def _desk() -> User:
    return User.objects.get(email=TEN_FRONT_DESK)


def invoice_at_check_out() -> Operation:
    """The desk's "Issue invoice" at check-out: invoice_for_visit for the next visit
    not invoiced yet (one service call: lock, number, lines with their tax, audit)."""
    visits = _unbilled_visits(INVOICE_CALLS)
    desk = _desk()

    def issue() -> Invoice:
        if not visits:
            raise BillingCaseError("more calls than visits prepared")
        return invoice_for_visit(appointment=visits.pop(), by=desk, now=timezone.now())

    return issue


def _get_pdf(client: Client, path: str) -> Operation:
    def get() -> HttpResponseBase:
        response = client.get(path)
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            raise BillingCaseError(f"GET {path} answered {response.status_code}, not a PDF")
        return response

    return get


def receipt_pdf() -> Operation:
    """A paid massage visit's receipt (HST, the practitioner's registration, the
    payment), downloaded as the desk does: accessor, audit, receipt, PDF."""
    line = (
        InvoiceLine.objects.filter(
            kind=LineKind.SERVICE,
            tax__gt=0,
            invoice__purpose=InvoicePurpose.VISIT,
            invoice__allocations__isnull=False,
        )
        .order_by("-invoice__issued_at")
        .select_related("invoice")
        .first()
    )
    if line is None:
        raise BillingCaseError("no paid, taxed visit invoice in the dataset")
    client = staff_client(_desk())
    return _get_pdf(client, f"/staff/invoices/{line.invoice_id}/receipt.pdf")


def report_page(name: str) -> Callable[[], Operation]:
    """The manager's report over the last year (365 days to today) for all locations."""

    def prepare() -> Operation:
        client = staff_client(User.objects.get(email=TEN_MANAGER))
        today = timezone.localdate()
        query = f"start={today - timedelta(days=364)}&end={today}&location="
        path = f"/staff/reports/{name}/?{query}"

        def get() -> HttpResponseBase:
            response = client.get(path)
            if response.status_code != 200:
                raise BillingCaseError(f"GET {path} answered {response.status_code}, not 200")
            return response

        return get

    return prepare


@dataclass(frozen=True)
class Race:
    """What each of the threads does once they all start together, and the check of
    what they did together (raises when wrong; returns the lines for under the table)."""

    call: Callable[[int], object]
    check: Callable[[Sequence[object]], list[str]]


def invoices_at_once() -> Race:
    """RACE_CLIENTS desks each invoice a different visit at the same moment: the
    numbers must be RACE_CLIENTS distinct ones, following on from the last given."""
    visits = _unbilled_visits(RACE_CLIENTS)
    desk = _desk()
    clinic_id = visits[0].location.clinic_id
    before = DocumentSequence.objects.get(clinic_id=clinic_id, kind=SequenceKind.INVOICE)

    def call(index: int) -> Invoice:
        return invoice_for_visit(appointment=visits[index], by=desk, now=timezone.now())

    def check(results: Sequence[object]) -> list[str]:
        numbers = sorted(invoice.number for invoice in results if isinstance(invoice, Invoice))
        wanted = list(range(before.last_number + 1, before.last_number + RACE_CLIENTS + 1))
        if numbers != wanted:
            raise BillingCaseError(
                f"{len(numbers)} invoices numbered {numbers[:3]}…{numbers[-3:]}, not "
                f"{wanted[0]}–{wanted[-1]} once each"
            )
        return [f"{RACE_CLIENTS} invoices at once got numbers {wanted[0]}–{wanted[-1]}, once each"]

    return Race(call, check)


def run_race(race: Race, clients: int) -> tuple[list[float], list[object]]:
    """Start `clients` threads together; each makes its call once, timed. Each thread
    has its own database connection, closed when it ends."""
    import time

    barrier = threading.Barrier(clients)
    samples: list[float] = [0.0] * clients
    results: list[object] = [None] * clients
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            close_old_connections()
            barrier.wait()
            started = time.perf_counter_ns()
            results[index] = race.call(index)
            samples[index] = (time.perf_counter_ns() - started) / 1_000_000
        except BaseException as error:  # noqa: BLE001 - reported below, whatever it is
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise BillingCaseError(f"{len(errors)} of {clients} calls failed: {errors[0]!r}")
    return samples, results
