"""`manage.py load_demo --without-history` loads the clinic and its people without a
single appointment; `manage.py demo_welcome` prints where the demo is served, on the
port given, and the sign-ins README.md lists."""

from __future__ import annotations

from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from rehabdesk.audit.models import AuditEvent
from rehabdesk.demo.clinic import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_sign_ins
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.models import Appointment, AppointmentEvent

README_SIGN_INS = [
    "manager@profusion.example",
    "frontdesk.pickering@profusion.example",
    "priya.raman@profusion.example",
    "grace.green@mail.example",
]


def welcome(*arguments: str) -> list[str]:
    out = StringIO()
    call_command("demo_welcome", *arguments, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.django_db
def test_without_history_it_loads_people_and_no_appointment_or_message(capsys):
    call_command("load_demo", "--without-history")

    assert "20 patients, 0 appointments." in capsys.readouterr().out
    assert Patient.objects.count() == 20
    assert not Appointment.objects.exists()
    assert not AppointmentEvent.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert not AuditEvent.objects.filter(summary="appointments (imported)").exists()


# The welcome asks the database for the demo's regular patient (none here).
@pytest.mark.django_db
def test_welcome_prints_each_address_on_the_port_given_and_each_resolves():
    addresses = [word for line in welcome("--port", "8123") for word in line.split()]
    urls = [word for word in addresses if word.startswith("http")]

    assert len(urls) == 13  # the privacy officer's desk and the calendar feeds among them
    for url in urls:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("http", "127.0.0.1:8123")
        try:
            resolve(parts.path)
        except Resolver404:
            pytest.fail(f"demo_welcome prints {url}, which no page answers")


@pytest.mark.django_db
def test_welcome_prints_the_sign_ins_and_their_password():
    lines = welcome()
    heading = lines.index(f"Demo sign-ins (password for all: {DEMO_PASSWORD})")
    rows = [line.split() for line in lines[heading + 1 :] if line]

    assert [(" ".join(row[:-1]), row[-1]) for row in rows] == demo_sign_ins()
    assert set(README_SIGN_INS) <= {row[-1] for row in rows}


@pytest.mark.django_db
def test_welcome_prints_the_staff_s_authenticator_key():
    assert f"  {DEMO_TOTP_SECRET}  (the same for every demo staff account)" in welcome()


@pytest.mark.django_db
def test_welcome_defaults_to_port_8000():
    assert "  Home                     http://127.0.0.1:8000/" in welcome()
