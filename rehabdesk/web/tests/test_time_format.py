"""One time format across the app: "9:00 AM" (rehabdesk/core/formats/en/formats.py).

The pages a patient, the desk and a manager read, and the e-mail a patient gets, all
write an afternoon time as "2:30 PM" — never "14:30" or Django's en-CA "2:30 p.m." —
and no template or message asks for another time format of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, at, build_booking_world

ROOT = Path(__file__).resolve().parents[2]  # the rehabdesk package
# Letters of Django's date/time format language that write part of a time of day.
TIME_LETTERS = set("aAfgGhHiPsu")
# Machine formats (an ISO attribute, a URL's day) say nothing to a reader.
MACHINE = {"c", "Y-m-d", "U"}
FORMAT_IN_TEMPLATE = re.compile(r"\|(date|time|when):\s*(\"[^\"]*\"|'[^']*')")
# strftime/f-string time formats for people; `format="%H:%M"` of an <input type=time>
# and the ISO "%Y-%m-%dT%H:%M" of an <input type=datetime-local> are machine formats.
FORMAT_IN_PYTHON = re.compile(r"%-?I|%p|\{[\w.()]+:[^{}\"']*%H:%M[^{}\"']*\}")
PYTHON_READ_BY_PEOPLE = [
    ROOT / "web",
    ROOT / "notifications",
    ROOT / "clinic" / "services",
    ROOT / "scheduling" / "messages.py",
    ROOT / "scheduling" / "services" / "series.py",
]


def templates() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*")
        if path.suffix in {".html", ".txt"} and "templates" in path.parts
    ]


def test_no_template_asks_for_a_time_format_of_its_own():
    found = []
    for path in templates():
        for match in FORMAT_IN_TEMPLATE.finditer(path.read_text()):
            name, quoted = match.group(1), match.group(2)[1:-1]
            letters = set(re.sub(r"\\.", "", quoted))
            if name == "time" or (quoted not in MACHINE and letters & TIME_LETTERS):
                found.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert found == [], "write a time with |time and a date and time with |when:"


def test_no_message_or_page_code_formats_a_time_itself():
    files = [
        p
        for base in PYTHON_READ_BY_PEOPLE
        for p in ([base] if base.is_file() else base.rglob("*.py"))
    ]
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in files
        if "tests" not in path.parts
        for match in FORMAT_IN_PYTHON.finditer(path.read_text())
    ]
    assert found == [], "use rehabdesk.core.clock"


def test_the_source_check_catches_the_formats_it_forbids():
    for bad in ('{{ a|time:"H:i" }}', '{{ a|date:"M j, g:i A" }}', "{{ a|when:'l H:i' }}"):
        match = FORMAT_IN_TEMPLATE.search(bad)
        assert match
        quoted = match.group(2)[1:-1]
        assert match.group(1) == "time" or set(quoted) & TIME_LETTERS
    assert FORMAT_IN_PYTHON.search('f"{start:%H:%M}"')
    assert FORMAT_IN_PYTHON.search('f"{c.start.astimezone(zone):%Y-%m-%d %H:%M}"')
    assert FORMAT_IN_PYTHON.search('moment.strftime("%-I %p")')
    assert not FORMAT_IN_PYTHON.search('TimeInput(format="%H:%M")')


@pytest.mark.django_db
def test_pages_and_the_e_mail_write_an_afternoon_time_one_way(client, personas):
    world = build_booking_world(personas)
    appointment = appointment_book(
        request=world.request(at(15, 14, 30), patient=personas.patient_a), actor=None, now=NOW
    )
    client.force_login(personas.manager)
    pages = {
        "appointment": reverse("appointment-detail", args=[appointment.pk]),
        "patient": reverse("patient-detail", args=[personas.patient_a.pk]),
        "hours": reverse("staff-hours"),
        "schedule": reverse(
            "schedule-day", kwargs={"location": world.pickering.slug, "day": "2027-03-15"}
        ),
    }
    for name, url in pages.items():
        page = client.get(url).text
        assert not re.search(r"\b\d{1,2}:\d\d ?[ap]\.m\.", page), name
        assert not re.search(r">[^<]*\b(1[3-9]|2[0-3]):[0-5]\d\b", page), name
        expected = "5:00 PM" if name == "hours" else "2:30 PM"
        assert expected in page, name
    (confirmation,) = OutboxMessage.objects.filter(kind="booking_confirmation")
    assert "Monday, March 15, 2027 at 2:30 PM" in confirmation.body_text
    assert "Monday, March 15, 2027 at 2:30 PM" in confirmation.body_html


def test_the_when_filter_writes_a_date_then_the_time():
    from django.template import engines

    template = engines["django"].from_string('{{ start|when:"l, F j" }} · {{ start|time }}')
    assert template.render({"start": at(15, 14, 30)}) == "Monday, March 15, 2:30 PM · 2:30 PM"
