"""The sign-ins README.md prints for the demo work as it says: each person signs in with
the demo password and lands where they work — the manager in the clinic's
configuration, the front desk at the desk, a practitioner on their day, and Grace in
the portal, where she switches to her son Charlie's bookings.

The demo is loaded once for the module as of the real clock, like `make run`: the pages
read it. Each test signs in (a session, an audit row), in its own rolled-back savepoint.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP

from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role, roles_of
from rehabdesk.clinic.models import Practitioner
from rehabdesk.demo.clinic import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_sign_ins
from rehabdesk.demo.patients import regular_patient_email
from rehabdesk.notifications.selectors import messages_about
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.messages import RELATED_TYPE
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import practitioner_day

pytestmark = pytest.mark.django_db

README = Path(settings.BASE_DIR) / "README.md"
# | Front desk | frontdesk.pickering@profusion.example | rehabdesk-demo |
ROW = re.compile(r"^\| (?P<who>[^|]+?) \| (?P<email>\S+@\S+) \| (?P<password>\S+) \|$", re.M)


def readme_sign_ins() -> list[tuple[str, str, str]]:
    section = README.read_text().split("### The demo clinic", 1)[1].split("\n## ", 1)[0]
    return [(m["who"], m["email"], m["password"]) for m in ROW.finditer(section)]


def signed_in(email: str, password: str = DEMO_PASSWORD) -> tuple[Client, str]:
    """A browser that signed in through the sign-in page (staff: then with a code from
    an app holding the demo's published secret), and where /start/ sent it."""
    browser = Client()
    response = browser.post(reverse("sign-in"), {"username": email, "password": password})
    assert response.status_code == 302, f"{email} could not sign in"
    if response["Location"].startswith(reverse("sign-in-factor")):
        code = TOTP(base64.b32decode(DEMO_TOTP_SECRET)).token()
        response = browser.post(response["Location"], {"code": f"{code:06d}"})
        assert response.status_code == 302, f"{email}'s demo code was refused"
    assert response["Location"] == reverse("start")
    return browser, browser.get(reverse("start"))["Location"]


def test_the_readme_lists_the_four_sign_ins_the_demo_creates_with_its_password():
    rows = readme_sign_ins()

    assert [who for who, _, _ in rows] == [
        "Manager and privacy officer",
        "Front desk",
        "Practitioner",
        "Patient (a parent of two)",
    ]
    assert {password for _, _, password in rows} == {DEMO_PASSWORD}
    assert {email for _, email, _ in rows} <= {email for _, email in demo_sign_ins()}


@pytest.mark.parametrize(
    ("email", "roles"),
    [
        (email, roles)
        for (_, email, _), roles in zip(
            readme_sign_ins(),
            [
                {Role.MANAGER, Role.PRIVACY_OFFICER},
                {Role.FRONT_DESK},
                {Role.PRACTITIONER},
                {Role.PATIENT},
            ],
            strict=True,
        )
    ],
)
def test_each_readme_account_holds_its_roles_and_signs_in_with_the_demo_password(
    demo_loaded_today, email, roles
):
    user = User.objects.get(email=email)

    assert roles_of(user.pk) == roles
    assert user.check_password(DEMO_PASSWORD)
    assert user.is_staff == (Role.MANAGER in roles)


def test_the_manager_lands_at_the_desk_and_reaches_the_clinics_configuration(
    demo_loaded_today,
):
    browser, landed = signed_in("manager@profusion.example")
    admin = browser.get(reverse("admin:index"))

    assert landed == reverse("desk-day")
    assert admin.status_code == 200
    assert "Clinic configuration" in admin.text
    assert reverse("admin:clinic_practitioner_changelist") in admin.text
    practitioners = browser.get(reverse("admin:clinic_practitioner_changelist"))
    assert "Priya Raman, PT" in practitioners.text


def test_the_front_desk_lands_on_its_own_location_s_desk_and_switches_to_milton(
    demo_loaded_today,
):
    browser, landed = signed_in("frontdesk.pickering@profusion.example")
    desk = browser.get(landed)
    milton = browser.get(landed, {"location": "milton"})

    assert landed == reverse("desk-day")
    # Where this desk works (its home location); every desk page offers the other.
    assert "<h1>Front desk — Pickering" in desk.text
    assert '<option value="milton">Milton</option>' in desk.text
    assert "<h1>Front desk — Milton" in milton.text
    assert browser.get(reverse("admin:index")).status_code == 302  # not a manager


def test_the_practitioner_lands_on_their_day_with_their_own_patients(demo_loaded_today):
    browser, landed = signed_in("priya.raman@profusion.example")
    page = browser.get(landed)
    priya = Practitioner.objects.get(user__email="priya.raman@profusion.example")
    now = timezone.now()
    today = practitioner_day(practitioner_id=priya.pk, day=timezone.localdate(now), now=now)

    assert landed == reverse("my-day")
    assert page.status_code == 200
    assert "<h1>My day" in page.text
    for visit in today:
        assert visit.appointment.patient.full_name in page.text
    if not today:
        assert "No patients are booked with you today." in page.text


def test_grace_lands_in_the_portal_and_switches_to_charlies_bookings(demo_loaded_today):
    browser, landed = signed_in("grace.green@mail.example")
    own = browser.get(landed)
    charlie, maya = (
        Patient.objects.get(first_name=name, last_name="Green") for name in ("Charlie", "Maya")
    )
    charlies = browser.get(reverse("my-person", args=[charlie.pk]))

    assert landed == reverse("my-family")
    assert "<h1>Hello, Grace</h1>" in own.text
    for dependent in (charlie, maya):
        assert f'href="{reverse("my-person", args=[dependent.pk])}"' in own.text
    assert "Physiotherapy initial assessment" in own.text  # her own visit, booked
    assert charlies.status_code == 200
    assert "<h1>Charlie Green</h1>" in charlies.text
    assert "Physiotherapy initial assessment" in charlies.text


def test_the_wrong_password_signs_nobody_in(demo_loaded_today):
    response = Client().post(
        reverse("sign-in"), {"username": "grace.green@mail.example", "password": "rehabdesk"}
    )

    assert response.status_code == 200
    assert "Please enter a correct e-mail address and password." in response.text


def test_the_link_in_charlies_confirmation_opens_his_booking_without_signing_in(
    demo_loaded_today,
):
    visit = Appointment.objects.select_related("service").get(patient__first_name="Charlie")
    [message] = [
        m
        for m in messages_about(related_type=RELATED_TYPE, related_id=visit.pk)
        if m.channel == "email"
    ]
    words = message.body_text.split()
    [link] = {word for word in words if "/manage/" in word and not word.endswith("/intake/")}
    page = Client().get(urlsplit(link).path)

    assert page.status_code == 200
    assert "<h1>Charlie&#x27;s appointment</h1>" in page.text  # his, not the reader's
    assert visit.service.name in page.text
    assert "Move to another time" in page.text  # days ahead: his mother may change it


def test_a_regular_patient_signs_in_and_finds_their_receipts_of_the_year(demo_loaded_today):
    regular = [email for what, email in demo_sign_ins() if what == "Patient (exercises, receipts)"]
    assert len(regular) == 1
    latest = Patient.objects.get(email=regular[0]).invoices.latest("issued_at")
    year = timezone.localdate(latest.issued_at).year
    browser, landed = signed_in(regular[0])
    receipts = browser.get(reverse("my-receipts"), {"year": year})

    assert landed == reverse("my-family")
    assert receipts.status_code == 200
    assert f"<h1>Receipts of {year}" in receipts.text
    assert reverse("my-receipt-pdf", args=[latest.pk]) in receipts.text


def test_the_manager_as_privacy_officer_finds_work_on_each_privacy_page(demo_loaded_today):
    browser, _ = signed_in("manager@profusion.example")

    requests = browser.get(reverse("staff-privacy-requests"))
    corrections = browser.get(reverse("staff-privacy-corrections"))
    openings = browser.get(reverse("privacy-emergency"))
    breaches = browser.get(reverse("staff-privacy-breaches"))

    assert [p.status_code for p in (requests, corrections, openings, breaches)] == [200] * 4
    regular = Patient.objects.get(email=regular_patient_email())
    assert regular.last_name in requests.text
    assert regular.last_name in corrections.text
    assert "<strong>Emergency</strong>" in openings.text
    assert "Disclosed without authority: misdirected" in breaches.text
