"""What `make bench` measures. To add a case: write a function that sets up and returns
the operation to time, then add one `Case` to CASES.

Imported only in a child process, after Django is set up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpResponseBase
from django.test import Client
from django.utils import timezone

from bench.datasets import TWO_CLINIC
from rehabdesk.accounts.models import User
from rehabdesk.clinic.models import Practitioner, Service
from rehabdesk.clinic.qualifications import practitioners_qualified
from rehabdesk.demo.clinic import EMAIL_DOMAIN
from rehabdesk.patients.models import Patient

Operation = Callable[[], object]

# This issue's own budgets (p95, milliseconds, one client), not product requirements.
HOME_TARGET_P95_MS = 30.0
REGISTRATIONS_TARGET_P95_MS = 50.0
QUALIFIED_SELECTOR_TARGET_P95_MS = 10.0
PATIENT_PAGE_TARGET_P95_MS = 50.0


class CaseError(Exception):
    """The operation did not do what the case means to time, so its timing is void."""


@dataclass(frozen=True)
class Case:
    name: str
    dataset: str
    target_p95_ms: float
    # Sets up (untimed) and returns the operation that is timed.
    prepare: Callable[[], Operation]


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


def registrations_expiring_page() -> Operation:
    client = Client()
    client.force_login(User.objects.get(email=f"manager@{EMAIL_DOMAIN}"))
    return _get_ok(client, "/staff/registrations/expiring/")


def patient_record_page() -> Operation:
    """A patient's record as the front desk opens it: authorize, fetch, audit, render."""
    client = Client()
    client.force_login(User.objects.get(email=f"frontdesk.pickering@{EMAIL_DOMAIN}"))
    grace = Patient.objects.get(first_name="Grace", last_name="Green")
    return _get_ok(client, f"/staff/patients/{grace.pk}/")


def patient_search_page() -> Operation:
    client = Client()
    client.force_login(User.objects.get(email=f"frontdesk.pickering@{EMAIL_DOMAIN}"))
    return _get_ok(client, "/staff/patients/?q=green")


def practitioners_qualified_for_acupuncture() -> Operation:
    service = Service.objects.get(name="Acupuncture treatment")
    today = timezone.localdate()

    def select() -> list[Practitioner]:
        return practitioners_qualified(service=service, on=today)

    return select


# Names are what `--case` takes and what latest.json is keyed by: keep them stable.
CASES = [
    Case("home", TWO_CLINIC, HOME_TARGET_P95_MS, home_page),
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
]
