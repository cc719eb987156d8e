"""Asking a patient for a measure: the request made (audited, refused for another
patient's visit), e-mailed with a link of its own (only the token's SHA-256 kept, a
fresh token each time, no health detail in the e-mail), refused when it cannot be
answered or shown, and cancelled with its visit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings

from rehabdesk.audit.models import AuditEvent
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.outcomes.errors import OutcomeError, OutcomeErrorCode
from rehabdesk.outcomes.models import MeasureRequest
from rehabdesk.outcomes.selectors import request_by_token
from rehabdesk.outcomes.services import (
    measure_request_create,
    measure_request_send,
    measure_requests_cancel,
    measure_requests_send_due,
    token_digest,
)
from rehabdesk.outcomes.testing import request_make, result_record, wording_enter
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db
LINK = f"{settings.SITE_URL}/measure/"


def sent(request, now):
    """Send the request; the token as the e-mail carries it, and the message."""
    measure_request_send(request=request, now=now)
    message = OutboxMessage.objects.filter(kind="measure_request").latest("pk")
    link = next(word for word in message.body_text.split() if "/measure/" in word)
    return link.split("/measure/")[1].rstrip("/"), message


def refusal(call) -> OutcomeError:
    with pytest.raises(OutcomeError) as caught:
        call()
    return caught.value


def test_a_request_is_made_for_a_visit_and_audited(personas, visit, now):
    appointment = visit()
    request = measure_request_create(
        patient=personas.patient_a,
        instrument="odi",
        purpose="assessment",
        due_on=appointment.start.date(),
        appointment=appointment,
        plan_id=7,
        requested_by=personas.physio.user,
        now=now,
    )
    stored = MeasureRequest.objects.get(pk=request.pk)
    assert (stored.instrument, stored.purpose, stored.plan_id) == ("odi", "assessment", 7)
    assert (stored.token_digest, stored.sent_at, stored.cancelled_at) == (None, None, None)
    event = AuditEvent.objects.get(object_type="outcomes.measurerequest", object_id=request.pk)
    assert (event.action, event.actor) == ("create", personas.physio.user)
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]


def test_a_request_is_refused_what_it_cannot_be(personas, visit, now):
    arguments = {
        "patient": personas.patient_a,
        "instrument": "nprs",
        "purpose": "by_hand",
        "due_on": now.date(),
        "now": now,
    }
    for change, field in [
        ({"instrument": "pgic"}, "instrument"),
        ({"purpose": "because"}, "purpose"),
        ({"appointment": visit(patient=personas.patient_b)}, "appointment"),
        ({"patient": personas.child, "appointment": visit(at(9, 14))}, "appointment"),
    ]:
        error = refusal(lambda change=change: measure_request_create(**arguments | change))
        assert (error.code, error.field) == (OutcomeErrorCode.INVALID, field)
    assert not MeasureRequest.objects.exists()


def test_the_link_carries_a_token_the_database_keeps_only_hashed(personas, now):
    request = request_make(patient=personas.patient_a, now=now, instrument="psfs")
    token, message = sent(request, now)
    stored = MeasureRequest.objects.get(pk=request.pk)
    assert stored.token_digest == token_digest(token) != token
    assert stored.sent_at == now
    assert len(token) >= 40
    assert request_by_token(token) == stored
    assert request_by_token(token + "x") is None
    assert f"{LINK}{token}/" in message.body_text
    assert f'href="{LINK}{token}/"' in message.body_html
    assert message.recipient == "alice@persona.example"
    assert message.related_type == "outcomes.measurerequest"
    event = AuditEvent.objects.filter(object_type="outcomes.measurerequest").latest("pk")
    assert (event.action, event.summary) == ("change", "outcome measure request e-mailed")
    # Sent again: a fresh link, and the first one void.
    second, _ = sent(request, now + timedelta(hours=1))
    assert second != token
    assert request_by_token(token) is None
    assert request_by_token(second).pk == request.pk


def test_the_e_mail_never_names_the_questionnaire(personas, now):
    wording_enter(instrument="ndi", manager=personas.manager, now=now)
    request = request_make(patient=personas.patient_a, now=now, instrument="ndi")
    token, message = sent(request, now)
    assert message.subject == "A short questionnaire from Persona Clinic"
    for text in (message.subject, message.body_text, message.body_html):
        # The link's random token taken out: it may spell "ndi" or "pain" by chance.
        words = text.replace(token, "TOKEN").lower()
        for detail in ("neck", "ndi", "disability", "pain", "question 1"):
            assert detail not in words
    assert "Alice" not in message.subject
    assert "Hello Alice Anders" in message.body_text
    assert "asks you to fill in a short questionnaire before Monday, March 8" in (message.body_text)
    assert "It works until Monday, March 22" in message.body_text


def test_a_child_is_asked_through_the_guardian_and_nobody_unwilling_is_e_mailed(personas, now):
    request = request_make(patient=personas.child, now=now)
    _token, message = sent(request, now)
    assert message.recipient == "grace@persona.example"
    assert "Hello Grace Green" in message.body_text
    assert "asks Charlie to fill in" in message.body_text
    assert "Charlie" not in message.subject
    patient = personas.patient_b
    patient.contact_by_email = False
    patient.save(update_fields=["contact_by_email"])
    request = request_make(patient=patient, now=now)
    error = refusal(lambda: measure_request_send(request=request, now=now))
    assert (error.code, error.field) == (OutcomeErrorCode.INVALID, "patient")
    assert MeasureRequest.objects.get(pk=request.pk).sent_at is None


def test_a_licensed_instrument_is_sent_only_once_the_clinic_entered_its_wording(personas, now):
    request = request_make(patient=personas.patient_a, now=now, instrument="quickdash")
    error = refusal(lambda: measure_request_send(request=request, now=now))
    assert error.code == OutcomeErrorCode.NO_WORDING
    assert MeasureRequest.objects.get(pk=request.pk).token_digest is None
    assert not OutboxMessage.objects.exists()
    wording_enter(instrument="quickdash", manager=personas.manager, now=now)
    measure_request_send(request=request, now=now)
    assert OutboxMessage.objects.filter(kind="measure_request").count() == 1


def test_an_answered_cancelled_or_lapsed_request_is_not_sent(personas, visit, now):
    answered = request_make(patient=personas.patient_a, now=now)
    result_record(patient=personas.patient_a, now=now, request=answered)
    error = refusal(lambda: measure_request_send(request=answered, now=now))
    assert error.code == OutcomeErrorCode.ALREADY_ANSWERED
    appointment = visit()
    cancelled = request_make(patient=personas.patient_a, now=now, appointment=appointment)
    assert measure_requests_cancel(appointment=appointment, now=now) == 1
    error = refusal(lambda: measure_request_send(request=cancelled, now=now))
    assert error.code == OutcomeErrorCode.REQUEST_CLOSED
    lapsed = request_make(patient=personas.patient_a, now=now)
    later = now + timedelta(days=15)
    assert lapsed.closes_on == now.date() + timedelta(days=14)
    error = refusal(lambda: measure_request_send(request=lapsed, now=later))
    assert error.code == OutcomeErrorCode.REQUEST_CLOSED
    assert not OutboxMessage.objects.exists()


def test_cancelling_a_visit_cancels_its_open_requests_only(personas, visit, now):
    appointment = visit()
    open_one = request_make(patient=personas.patient_a, now=now, appointment=appointment)
    token, _ = sent(open_one, now)
    answered = request_make(patient=personas.patient_a, now=now, appointment=appointment)
    result_record(patient=personas.patient_a, now=now, request=answered)
    other_visit = request_make(patient=personas.patient_a, now=now)
    later = now + timedelta(hours=2)
    assert measure_requests_cancel(appointment=appointment, now=later) == 1
    cancelled = dict(MeasureRequest.objects.values_list("pk", "cancelled_at"))
    assert cancelled == {open_one.pk: later, answered.pk: None, other_visit.pk: None}
    assert request_by_token(token) is None
    event = AuditEvent.objects.filter(object_type="scheduling.appointment").latest("pk")
    assert event.summary == "outcome measure requests cancelled (1)"
    assert measure_requests_cancel(appointment=appointment, now=later) == 0


# --- E-mailed by the scheduler as they come due ---------------------------------------


def measure_emails() -> list[str]:
    return list(
        OutboxMessage.objects.filter(kind="measure_request").values_list("related_id", flat=True)
    )


def test_the_scheduler_emails_each_questionnaire_two_days_before_it_is_due_once(personas, now):
    soon = request_make(patient=personas.patient_a, now=now, due_on=at(10, 10).date())
    later = request_make(patient=personas.patient_a, now=now, due_on=at(12, 10).date())
    # Monday 8 March at 10:00: the 10th is two days away, the 12th four.
    assert measure_requests_send_due(now=at(8, 10)) == 1
    assert measure_emails() == [str(soon.pk)]
    assert measure_requests_send_due(now=at(8, 10, 1)) == 0
    assert measure_requests_send_due(now=at(10, 10)) == 1
    assert measure_emails() == [str(soon.pk), str(later.pk)]


def test_nothing_is_emailed_in_quiet_hours(personas, now):
    request_make(patient=personas.patient_a, now=now, due_on=at(9, 10).date())
    assert measure_requests_send_due(now=at(8, 22)) == 0
    assert measure_requests_send_due(now=at(9, 7, 59)) == 0
    assert measure_requests_send_due(now=at(9, 8)) == 1


def test_answered_cancelled_or_sent_by_hand_ones_are_not_emailed_again(personas, visit, now):
    by_hand = request_make(patient=personas.patient_a, now=now, due_on=at(9, 10).date())
    sent(by_hand, now)
    answered = request_make(patient=personas.patient_a, now=now, due_on=at(9, 10).date())
    result_record(patient=personas.patient_a, now=now, request=answered)
    appointment = visit()
    cancelled = request_make(
        patient=personas.patient_a, now=now, due_on=at(9, 10).date(), appointment=appointment
    )
    measure_requests_cancel(appointment=appointment, now=now)
    assert measure_requests_send_due(now=at(8, 10)) == 0
    assert measure_emails() == [str(by_hand.pk)]
    assert MeasureRequest.objects.get(pk=cancelled.pk).sent_at is None


def test_one_nobody_may_be_emailed_about_waits_and_the_others_go(personas, now):
    personas.patient_b.contact_by_email = False
    personas.patient_b.save(update_fields=["contact_by_email"])
    request_make(patient=personas.patient_b, now=now, due_on=at(9, 10).date())
    reachable = request_make(patient=personas.patient_a, now=now, due_on=at(9, 10).date())
    assert measure_requests_send_due(now=at(8, 10)) == 1
    assert measure_emails() == [str(reachable.pk)]


def test_a_first_sending_is_refused_once_sent_so_two_schedulers_send_one_link(personas, now):
    request = request_make(patient=personas.patient_a, now=now, due_on=at(9, 10).date())
    measure_request_send(request=request, now=now, first_time=True)
    error = refusal(lambda: measure_request_send(request=request, now=now, first_time=True))
    assert error.code == OutcomeErrorCode.ALREADY_SENT
    assert len(measure_emails()) == 1
