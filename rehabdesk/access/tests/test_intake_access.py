"""The health intake through the access layer: who may fill it in, who may read it once
sent, and that every look at its answers is on file."""

from __future__ import annotations

import pytest
from django.utils import timezone

from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.intake import intake_for, intake_to_fill, intake_to_fill_by_link
from rehabdesk.audit.models import AuditEvent
from rehabdesk.intake.choices import IntakeChannel, IntakeStatus
from rehabdesk.intake.testing import intake_filled
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.manage_links import manage_token
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import build_booking_world, weekday_at

pytestmark = pytest.mark.django_db
ONLINE, PAPER = IntakeChannel.ONLINE, IntakeChannel.PAPER


def fill(personas, name, patient, channel=ONLINE):
    return intake_to_fill(user=personas.user(name), patient_id=patient.pk, channel=channel)


@pytest.mark.parametrize(
    ("name", "patient", "allowed"),
    [
        ("patient_a", "patient_a", True),
        ("guardian", "child", True),
        ("guardian", "guardian", True),
        ("patient_b", "patient_a", False),
        ("patient_a", "child", False),
        ("physio", "patient_a", False),  # a practitioner reads a sent form, never fills one
        ("massage_therapist", "patient_a", False),
        ("outsider", "patient_a", False),
        ("anonymous", "patient_a", False),
    ],
)
def test_who_may_fill_in_a_patients_form(personas, name, patient, allowed):
    target = getattr(personas, patient)
    if allowed:
        assert fill(personas, name, target).patient == target
    else:
        with pytest.raises(AccessDenied):
            fill(personas, name, target)


@pytest.mark.parametrize("name", ["front_desk", "manager"])
def test_the_desk_types_in_paper_forms_for_anyone(personas, name):
    state = fill(personas, name, personas.patient_b, channel=PAPER)
    assert state.status is None


def test_a_draft_is_shown_on_its_own_channel_only_and_a_sent_form_never(personas):
    draft = intake_filled(personas.patient_a, submit=False)
    own = fill(personas, "patient_a", personas.patient_a)
    assert own.draft == draft
    assert own.draft.answers["emergency_name"] == "Ann Anders"
    desk = fill(personas, "front_desk", personas.patient_a, channel=PAPER)
    assert (desk.draft, desk.elsewhere) == (None, True)
    intake_filled(personas.patient_b, channel=PAPER, actor=personas.front_desk)
    sent = fill(personas, "front_desk", personas.patient_b, channel=PAPER)
    assert (sent.status, sent.draft) == (IntakeStatus.SUBMITTED, None)
    assert fill(personas, "patient_b", personas.patient_b).draft is None


def test_only_a_practitioner_in_care_reads_a_sent_form(personas):
    intake_filled(personas.patient_a)
    patient, response = intake_for(user=personas.physio.user, patient_id=personas.patient_a.pk)
    assert response is not None
    assert response.answers["goals"] == "Garden without pain."
    for user in (
        personas.front_desk,
        personas.manager,
        personas.massage_therapist.user,
        personas.patient_a.user,
    ):
        with pytest.raises(AccessDenied):
            intake_for(user=user, patient_id=personas.patient_a.pk)


def test_a_practitioner_does_not_read_a_draft(personas):
    intake_filled(personas.patient_a, submit=False)
    _, response = intake_for(user=personas.physio.user, patient_id=personas.patient_a.pk)
    assert response is None


def test_each_look_is_one_audit_event_naming_what_was_shown(personas):
    intake_filled(personas.patient_a)
    before = AuditEvent.objects.count()
    intake_for(user=personas.physio.user, patient_id=personas.patient_a.pk)
    fill(personas, "patient_a", personas.patient_a)
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.object_type, e.summary) for e in events] == [
        ("intake.intakeresponse", "health intake answers (form v1)"),
        ("patients.patient", "health form status"),
    ]


def test_the_manage_link_opens_its_booking_patients_form(personas):
    world = build_booking_world(personas)
    booked = appointment_book(
        request=world.request(weekday_at(10), channel=Channel.ONLINE),
        actor=None,
        now=timezone.now(),
    )
    state = intake_to_fill_by_link(token=manage_token(booked), now=timezone.now())
    assert state.patient == booked.patient
    with pytest.raises(AccessDenied):
        intake_to_fill_by_link(token="forged", now=timezone.now())
    with pytest.raises(AccessDenied):
        intake_to_fill_by_link(token=manage_token(booked), now=booked.start)  # expired
