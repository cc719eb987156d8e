"""Grace, who signs in to the portal, and her son Charlie each have a first assessment
booked at Pickering a few days after the demo is loaded — far enough ahead to move or
cancel online — and both confirmations are in Grace's mail, each with its calendar file
and a link to manage that booking without signing in.

One demo, loaded as of NOW, is shared by the module; these tests only read it."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from rehabdesk.demo.clinic import FRONT_DESK
from rehabdesk.demo.history import FAMILY_VISITS_FROM
from rehabdesk.demo.tests.shared import NOW
from rehabdesk.notifications.choices import MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.selectors import messages_about
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.manage_links import manage_link_read
from rehabdesk.scheduling.messages import RELATED_TYPE
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import self_service_terms

pytestmark = pytest.mark.django_db

GRACE = "grace.green@mail.example"
LINK = re.compile(r"https?://\S+/manage/[^/\s]+/")


def family_visits() -> list[Appointment]:
    return list(
        Appointment.objects.filter(patient__last_name="Green")
        .select_related("patient", "service", "location__clinic", "created_by")
        .order_by("start")
    )


def test_grace_then_charlie_have_a_first_assessment_at_pickering(shared_demo):
    grace, charlie = family_visits()

    assert [v.patient.first_name for v in (grace, charlie)] == ["Grace", "Charlie"]
    for visit in (grace, charlie):
        assert visit.service.name == "Physiotherapy initial assessment"
        assert visit.location.slug == "pickering"
        assert (visit.status, visit.channel) == (AppointmentStatus.BOOKED, Channel.PHONE)
        assert visit.created_by.email == FRONT_DESK
        assert visit.start >= NOW + FAMILY_VISITS_FROM
    # Charlie's the next day or later: one trip each, not two children at once.
    assert charlie.start.date() > grace.start.date()
    assert charlie.start - NOW < timedelta(days=21)


def test_both_can_be_moved_or_cancelled_online(shared_demo):
    for visit in family_visits():
        assert self_service_terms(appointment=visit, now=NOW).allowed


def test_both_confirmations_go_to_grace_with_a_calendar_file(shared_demo):
    for visit in family_visits():
        email, text = sorted(
            messages_about(related_type=RELATED_TYPE, related_id=visit.pk),
            key=lambda m: m.channel,
        )
        message = email
        # Grace agreed to text messages too: the time and place, to her phone.
        assert (text.channel, text.recipient) == ("sms", "+19055550201")
        assert visit.patient.first_name not in text.body_text

        assert (message.kind, message.recipient, message.status) == (
            "booking_confirmation",
            GRACE,
            MessageStatus.PENDING,
        )
        assert message.body_text.startswith("Hello Grace Green,")
        assert f"For:    {visit.patient.full_name}" in message.body_text
        assert "METHOD:REQUEST" in message.calendar
        assert f"UID:appointment-{visit.pk}@pro-fusion-rehab" in message.calendar
    # Nothing else was queued (each confirmation by e-mail and text) but the
    # questionnaire the demo asks its regular patient (demo/progress.py) and the privacy
    # officer's demo (demo/privacy.py): the patient told of an emergency opening, and of
    # a breach. The imported calendars tell nobody.
    kinds = OutboxMessage.objects.values_list("kind", flat=True)
    assert sorted(kinds) == [
        "booking_confirmation",
        "booking_confirmation",
        "booking_confirmation",
        "booking_confirmation",
        "lockbox_opened",
        "measure_request",
        "privacy_breach_notice",
    ]


def test_each_confirmation_links_to_managing_that_booking(shared_demo):
    for visit in family_visits():
        [message] = [
            m
            for m in messages_about(related_type=RELATED_TYPE, related_id=visit.pk)
            if m.channel == "email"
        ]
        [link] = set(LINK.findall(message.body_text))
        token = resolve(urlsplit(link).path).kwargs["token"]
        read = manage_link_read(token, now=NOW)

        assert f'href="{link}"' in message.body_html
        assert read is not None
        assert (read.appointment_id, read.patient_id) == (visit.pk, visit.patient_id)
        assert read.expires_at == visit.start
        assert manage_link_read(token, now=visit.start) is None  # good until it starts
