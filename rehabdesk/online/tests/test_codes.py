"""The codes of online booking: a returning patient asks for one (the same answer
whether or not the address is on file, limited per connection and per address) and
proves their address with it; a new patient is sent another to confirm their booking,
within the limit, and confirms with it."""

from __future__ import annotations

import pytest

from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.online import services as online
from rehabdesk.online.errors import OnlineError, OnlineErrorCode
from rehabdesk.online.models import OneTimeCode
from rehabdesk.online.services import (
    online_book_new_patient,
    online_code_request,
    online_code_resend,
    online_code_verify,
    online_confirm_new,
    online_terms_accept,
    online_time_pick,
    rate_limit_hit,
)
from rehabdesk.online.testing import NINA, VISITOR_IP, chosen_time, code_sent_to
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.testing import NOW, at, build_booking_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def request_code(world, email, ip=VISITOR_IP):
    online_code_request(email=email, clinic=world.pickering.clinic, client_ip=ip, now=NOW)


def use_up(limit, subject):
    for _ in range(limit.times):
        rate_limit_hit(limit=limit, subject=subject, now=NOW)


def test_a_guardian_proves_their_address_and_may_book_for_their_child(world, personas):
    request_code(world, " Grace@Persona.example")
    code = code_sent_to("grace@persona.example")
    people = online_code_verify(email="grace@persona.example", code=code, now=NOW)
    assert people == [personas.guardian, personas.child]


def test_a_wrong_code_is_refused(world, personas):
    request_code(world, "grace@persona.example")
    right = code_sent_to("grace@persona.example")
    with pytest.raises(OnlineError) as refused:
        online_code_verify(
            email="grace@persona.example", code="000000" if right != "000000" else "111111", now=NOW
        )
    assert refused.value.code == OnlineErrorCode.CODE_WRONG


def test_an_address_not_on_file_gets_the_same_answer_and_no_email(world):
    assert request_code(world, "nobody@example.com") is None
    assert not OneTimeCode.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    ("limit", "subject"),
    [(online.CODES_PER_IP, VISITOR_IP), (online.CODES_PER_EMAIL, "grace@persona.example")],
    ids=["per connection", "per address"],
)
def test_it_refuses_past_the_limit_and_sends_nothing(world, personas, limit, subject):
    use_up(limit, subject)
    with pytest.raises(OnlineError) as refused:
        request_code(world, "grace@persona.example")
    assert refused.value.code == OnlineErrorCode.RATE_LIMITED
    assert not OneTimeCode.objects.exists()


@pytest.fixture
def new_patients_hold(world):
    time = chosen_time(world, at(9, 10))
    hold = online_time_pick(time=time, previous_hold_id=None, client_ip=VISITOR_IP, now=NOW)
    held = online_book_new_patient(
        details=NINA, time=time, hold_id=hold.pk, client_ip=VISITOR_IP, now=NOW
    )
    online_terms_accept(appointment=held, notice_version=1, new_patient=True, now=NOW)
    return held


def test_a_new_patient_confirms_with_the_latest_code_sent(new_patients_hold):
    online_code_resend(appointment=new_patients_hold, now=NOW)
    first, latest = OneTimeCode.objects.order_by("pk")
    assert first.used_at == NOW  # replaced by the one sent again
    assert latest.used_at is None
    booked = online_confirm_new(
        appointment=new_patients_hold, code=code_sent_to("nina@example.com"), now=NOW
    )
    assert booked.status == AppointmentStatus.BOOKED


def test_another_code_past_the_limit_per_address_is_refused_and_not_sent(new_patients_hold):
    use_up(online.CODES_PER_EMAIL, "nina@example.com")
    sent = OneTimeCode.objects.count()
    with pytest.raises(OnlineError) as refused:
        online_code_resend(appointment=new_patients_hold, now=NOW)
    assert refused.value.code == OnlineErrorCode.RATE_LIMITED
    assert OneTimeCode.objects.count() == sent
