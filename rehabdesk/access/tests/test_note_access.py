"""Visit notes are clinical: a practitioner in the patient's care opens and writes
them, every look on file; the front desk, a manager, a practitioner not in the care,
a patient and an outsider are refused (a 404, the attempt on file). A draft is its
author's alone until signed. A note's refusals answer with their statuses."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import RequestFactory

from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.middleware import record_denial
from rehabdesk.access.notes import note_for, notes_for, patient_for_note, visit_for_note
from rehabdesk.access.policy import Action
from rehabdesk.access.refusals import http_status
from rehabdesk.audit.models import AuditEvent
from rehabdesk.care.choices import VisitType
from rehabdesk.care.errors import CareErrorCode
from rehabdesk.care.testing import GENERAL, SOAP, note_write, template_create
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, at, build_booking_world

pytestmark = pytest.mark.django_db
REFUSED = ["front_desk", "manager", "massage_therapist", "patient_a", "outsider"]
WRITTEN = {"complaint": "Shoulder", "plan": "Rotator cuff loading"}


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


@pytest.fixture
def appointment(world, personas):
    return appointment_book(
        request=world.request(at(9, 10)), actor=personas.front_desk, now=NOW, tell=False
    )


@pytest.fixture
def template(db):
    template_create(code="general-entry", definition=GENERAL, visit_type=VisitType.OTHER, now=NOW)
    return template_create(
        code="physio-follow-up", discipline="physiotherapy", definition=SOAP, now=NOW
    )


@pytest.fixture
def signed(personas, template, appointment):
    return note_write(
        actor=personas.physio.user,
        template=template,
        appointment=appointment,
        content=WRITTEN,
        now=at(9, 11),
    )


def views(object_type="care.visitnote"):
    return AuditEvent.objects.filter(action="view", object_type=object_type)


def denied(personas, who, call, **kwargs) -> AccessDenied:
    with pytest.raises(AccessDenied) as refusal:
        call(user=personas.user(who), **kwargs)
    return refusal.value


def test_a_practitioner_in_care_opens_the_signed_note_and_the_look_is_on_file(personas, signed):
    note = note_for(user=personas.physio.user, note_id=signed.pk)
    assert note == signed
    (event,) = views()
    assert (event.object_id, event.actor, event.summary) == (
        str(signed.pk),
        personas.physio.user,
        "clinical note",
    )
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]


@pytest.mark.parametrize("who", REFUSED)
def test_everyone_else_is_refused_the_note_and_the_refusal_is_on_file(personas, signed, who):
    refusal = denied(personas, who, note_for, note_id=signed.pk)
    assert (refusal.found, refusal.patient_ids) == (True, [personas.patient_a.pk])
    assert not views().exists()
    record_denial(RequestFactory().get("/"), refusal)
    (event,) = AuditEvent.objects.filter(action="deny")
    assert (event.outcome, event.object_type, event.object_id) == (
        "denied",
        "care.visitnote",
        str(signed.pk),
    )


def test_an_unknown_note_is_not_found(personas, db):
    refusal = denied(personas, "physio", note_for, note_id=999_999)
    assert (refusal.found, refusal.patient_ids) == (False, [])


def test_a_draft_is_its_authors_alone(personas, template, appointment, world):
    draft = note_write(
        actor=personas.physio.user,
        template=template,
        appointment=appointment,
        content=WRITTEN,
        now=at(9, 11),
        sign=False,
    )
    assert note_for(user=personas.physio.user, note_id=draft.pk, action=Action.CHANGE_CLINICAL)
    # Another practitioner with the patient in their care (a booked massage):
    appointment_book(
        request=world.request(
            at(10, 13), practitioner=world.massage_therapist, service=world.massage
        ),
        actor=personas.front_desk,
        now=NOW,
        tell=False,
    )
    refusal = denied(personas, "massage_therapist", note_for, note_id=draft.pk)
    assert refusal.found


def test_the_visit_is_reached_for_writing_by_a_practitioner_in_care(personas, appointment):
    assert visit_for_note(user=personas.physio.user, appointment_id=appointment.pk) == appointment
    assert views("scheduling.appointment").get().summary == "visit for a clinical note"


@pytest.mark.parametrize("who", REFUSED)
def test_the_visit_is_refused_for_writing_to_everyone_else(personas, appointment, who):
    refusal = denied(personas, who, visit_for_note, appointment_id=appointment.pk)
    assert refusal.patient_ids == [personas.patient_a.pk]
    assert not views("scheduling.appointment").exists()


def test_a_standalone_entrys_patient_is_reached_by_a_practitioner_in_care(personas):
    assert patient_for_note(user=personas.physio.user, patient_id=personas.patient_a.pk) == (
        personas.patient_a
    )
    assert views("patients.patient").count() == 1


@pytest.mark.parametrize("who", REFUSED)
def test_a_standalone_entrys_patient_is_refused_to_everyone_else(personas, who):
    refusal = denied(personas, who, patient_for_note, patient_id=personas.patient_a.pk)
    assert refusal.patient_ids == [personas.patient_a.pk]
    unknown = denied(personas, who, patient_for_note, patient_id=999_999)
    assert not unknown.found


def test_the_record_is_one_audit_event_for_the_list(personas, signed):
    entries = notes_for(user=personas.physio.user, patient_id=personas.patient_a.pk)
    assert [e.note for e in entries] == [signed]
    (event,) = views()
    assert (event.object_id, event.summary) == ("", "clinical notes (1)")


@pytest.mark.parametrize("who", REFUSED)
def test_the_record_is_refused_to_everyone_else(personas, signed, who):
    refusal = denied(personas, who, notes_for, patient_id=personas.patient_a.pk)
    assert (refusal.object_type, refusal.patient_ids) == (
        "patients.patient",
        [personas.patient_a.pk],
    )
    assert not views().exists()


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (CareErrorCode.SIGNED, HTTPStatus.CONFLICT),
        (CareErrorCode.STALE_DRAFT, HTTPStatus.CONFLICT),
        (CareErrorCode.NOTE_EXISTS, HTTPStatus.CONFLICT),
        (CareErrorCode.NOT_AUTHOR, HTTPStatus.FORBIDDEN),
        (CareErrorCode.NOT_THEIR_VISIT, HTTPStatus.FORBIDDEN),
        (CareErrorCode.INVALID, HTTPStatus.UNPROCESSABLE_ENTITY),
        (CareErrorCode.TOO_LONG, HTTPStatus.UNPROCESSABLE_ENTITY),
        (CareErrorCode.NEEDLE_COUNT_MISMATCH, HTTPStatus.UNPROCESSABLE_ENTITY),
    ],
)
def test_a_notes_refusals_answer_with_their_status(code, status):
    assert http_status(code) == status
