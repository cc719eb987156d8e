"""A patient's reply to a text message: "C" confirms their next booked visit (dated,
with an event and an audit record; a move asks again), "STOP" stops texts to their
number, "START" undoes a STOP (never a box unticked by hand). Anything else, or an
unknown number, changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.patients.models import FamilyLink, Patient
from rehabdesk.patients.services import patient_update
from rehabdesk.scheduling.choices import Channel, EventKind
from rehabdesk.scheduling.models import Appointment, AppointmentEvent
from rehabdesk.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
)
from rehabdesk.scheduling.services.text_replies import Reply, reply_meaning, text_reply_receive
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db
MOBILE = "+14165550199"


def texted(patient: Patient, phone: str = MOBILE) -> Patient:
    patient.phone, patient.contact_by_sms = phone, True
    return patient_update(actor=None, patient=patient)


def book(world, start, **kwargs) -> Appointment:
    return appointment_book(request=world.request(start, **kwargs), actor=None, now=NOW)


def fresh(appointment: Appointment) -> Appointment:
    return Appointment.objects.get(pk=appointment.pk)


@pytest.mark.parametrize("body", ["C", "c", " yes ", "Yes!", "Y", "confirm", "OUI"])
def test_it_reads_a_confirmation_in_any_case(body):
    assert reply_meaning(body) is Reply.CONFIRM


@pytest.mark.parametrize("body", ["STOP", "stop", "Stop.", "unsubscribe", "ARRÊT", "quit"])
def test_it_reads_an_opt_out_as_carriers_do(body):
    assert reply_meaning(body) is Reply.STOP


@pytest.mark.parametrize("body", ["START", "start", "Start!", "UNSTOP", " unstop. "])
def test_it_reads_an_opt_in_as_twilio_does_but_yes(body):
    assert reply_meaning(body) is Reply.START


@pytest.mark.parametrize("body", ["", "Can I come at 3 instead?", "cc", "no", "C C", "restart"])
def test_anything_else_is_for_the_front_desk(body):
    assert reply_meaning(body) is Reply.OTHER


def test_c_confirms_the_patient_s_next_booked_visit_once(world):
    texted(world.patient)
    later = book(world, at(11, 10))
    sooner = book(world, at(10, 10))
    outcome = text_reply_receive(from_number=MOBILE, body="C", now=NOW)
    assert outcome.appointment_id == sooner.pk
    assert fresh(sooner).patient_confirmed_at == NOW
    assert fresh(later).patient_confirmed_at is None
    event = AppointmentEvent.objects.filter(appointment=sooner).latest("pk")
    assert (event.kind, event.actor) == (EventKind.PATIENT_CONFIRMED, None)
    audited = AuditEvent.objects.latest("pk")
    assert audited.summary == "appointment (confirmed by the patient)"
    assert MOBILE not in audited.summary
    text_reply_receive(from_number=MOBILE, body="yes", now=NOW + timedelta(minutes=5))
    assert fresh(sooner).patient_confirmed_at == NOW
    assert AppointmentEvent.objects.filter(kind=EventKind.PATIENT_CONFIRMED).count() == 1


def test_a_record_with_the_number_as_typed_long_ago_is_found_too(world):
    texted(world.patient, "416-555-0199")
    visit = book(world, at(10, 10))
    assert text_reply_receive(from_number=MOBILE, body="C", now=NOW).appointment_id == visit.pk


def test_moving_a_confirmed_visit_asks_for_confirmation_again(world):
    texted(world.patient)
    visit = book(world, at(10, 10))
    text_reply_receive(from_number=MOBILE, body="C", now=NOW)
    appointment_reschedule(
        appointment=visit, start=at(10, 14), actor=None, now=NOW, channel=Channel.STAFF
    )
    assert fresh(visit).patient_confirmed_at is None


def test_a_cancelled_or_past_visit_is_never_confirmed(world):
    texted(world.patient)
    cancelled = book(world, at(10, 10))
    appointment_cancel(appointment=cancelled, actor=None, now=NOW)
    past = book(world, at(9, 10))
    outcome = text_reply_receive(from_number=MOBILE, body="C", now=at(9, 12))
    assert outcome.appointment_id is None
    assert fresh(cancelled).patient_confirmed_at is None
    assert fresh(past).patient_confirmed_at is None


def test_a_parent_confirms_the_visit_of_the_child_they_book_for(world, personas):
    parent = texted(world.other_patient)
    FamilyLink.objects.create(
        guardian=parent, dependent=world.patient, relationship="parent", manages_bookings=True
    )
    visit = book(world, at(10, 10))
    assert text_reply_receive(from_number=MOBILE, body="c", now=NOW).appointment_id == visit.pk


def test_stop_stops_texts_to_everyone_at_the_number_and_is_audited(world):
    first = texted(world.patient)
    second = texted(world.other_patient, "(416) 555-0199")
    outcome = text_reply_receive(from_number=MOBILE, body="STOP", now=NOW)
    assert set(outcome.stopped) == {first.pk, second.pk}
    assert not Patient.objects.filter(pk__in=[first.pk, second.pk], contact_by_sms=True).exists()
    summaries = list(
        AuditEvent.objects.filter(object_id__in=[str(first.pk), str(second.pk)])
        .order_by("-pk")
        .values_list("summary", flat=True)[:2]
    )
    assert summaries == ["patient record: contact_by_sms (replied STOP to a text message)"] * 2
    assert text_reply_receive(from_number=MOBILE, body="STOP", now=NOW).stopped == ()


def test_an_unknown_number_or_a_chat_changes_nothing(world):
    texted(world.patient)
    visit = book(world, at(10, 10))
    before = AuditEvent.objects.count()
    assert text_reply_receive(from_number="+14165550000", body="C", now=NOW).appointment_id is None
    assert text_reply_receive(from_number=MOBILE, body="see you then", now=NOW).reply is Reply.OTHER
    assert text_reply_receive(from_number="not a number", body="STOP", now=NOW).stopped == ()
    assert fresh(visit).patient_confirmed_at is None
    assert Patient.objects.get(pk=world.patient.pk).contact_by_sms
    assert AuditEvent.objects.count() == before


def summaries_of(*patients: Patient) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id__in=[str(p.pk) for p in patients])
        .order_by("-pk")
        .values_list("summary", flat=True)[: len(patients)]
    )


def test_start_texts_again_everyone_a_stop_reply_stopped_and_is_audited(world):
    first = texted(world.patient)
    second = texted(world.other_patient, "(416) 555-0199")
    text_reply_receive(from_number=MOBILE, body="STOP", now=NOW)
    stopped = Patient.objects.filter(pk__in=[first.pk, second.pk])
    assert list(stopped.values_list("sms_stopped_at", flat=True)) == [NOW, NOW]
    later = NOW + timedelta(days=2)
    outcome = text_reply_receive(from_number=MOBILE, body="START", now=later)
    assert outcome.reply is Reply.START
    assert set(outcome.started) == {first.pk, second.pk}
    for patient in stopped:
        assert (patient.contact_by_sms, patient.sms_stopped_at) == (True, None)
        assert patient.updated_at == later
    assert (
        summaries_of(first, second)
        == ["patient record: contact_by_sms (replied START to a text message)"] * 2
    )
    assert text_reply_receive(from_number=MOBILE, body="unstop", now=later).started == ()


def test_start_leaves_off_whoever_unticked_the_box_themselves(world):
    own_choice = texted(world.patient)
    own_choice.contact_by_sms = False
    patient_update(actor=None, patient=own_choice)
    replied = texted(world.other_patient)
    text_reply_receive(from_number=MOBILE, body="STOP", now=NOW)
    assert Patient.objects.get(pk=own_choice.pk).sms_stopped_at is None  # STOP found it off
    outcome = text_reply_receive(from_number=MOBILE, body="START", now=NOW)
    assert outcome.started == (replied.pk,)
    assert not Patient.objects.get(pk=own_choice.pk).contact_by_sms


def test_a_box_changed_on_a_form_after_a_stop_is_the_person_s_choice_from_then_on(world):
    patient = texted(world.patient)
    text_reply_receive(from_number=MOBILE, body="STOP", now=NOW)
    patient = Patient.objects.get(pk=patient.pk)
    patient.contact_by_sms = True  # ticked again at the desk
    patient_update(actor=None, patient=patient)
    patient.contact_by_sms = False  # and unticked again on the portal
    patient_update(actor=None, patient=patient)
    assert Patient.objects.get(pk=patient.pk).sms_stopped_at is None
    assert text_reply_receive(from_number=MOBILE, body="START", now=NOW).started == ()
    assert not Patient.objects.get(pk=patient.pk).contact_by_sms


def test_start_from_an_unknown_number_changes_nothing(world):
    texted(world.patient)
    text_reply_receive(from_number=MOBILE, body="STOP", now=NOW)
    before = AuditEvent.objects.count()
    assert text_reply_receive(from_number="+14165550000", body="START", now=NOW).started == ()
    assert text_reply_receive(from_number="not a number", body="START", now=NOW).started == ()
    assert not Patient.objects.get(pk=world.patient.pk).contact_by_sms
    assert AuditEvent.objects.count() == before
