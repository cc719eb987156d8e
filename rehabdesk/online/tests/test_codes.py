"""The codes of online booking: every visitor asks for one, for any address (the same
work and the same answer whether or not the address is on file; only the e-mail, which
reaches the address's owner alone, says so), limited per connection and per address;
checking one answers every address alike, and is limited per connection."""

from __future__ import annotations

import pytest

from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.online import services as online
from rehabdesk.online.errors import OnlineError, OnlineErrorCode
from rehabdesk.online.models import OneTimeCode
from rehabdesk.online.selectors import bookable_people
from rehabdesk.online.services import online_code_request, online_code_verify, rate_limit_hit
from rehabdesk.online.testing import VISITOR_IP, code_sent_to
from rehabdesk.scheduling.testing import NOW, build_booking_world

pytestmark = pytest.mark.django_db

KNOWN, UNKNOWN = "grace@persona.example", "nobody@example.com"


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def request_code(world, email, ip=VISITOR_IP):
    return online_code_request(email=email, clinic=world.pickering.clinic, client_ip=ip, now=NOW)


def verify(email, code, ip=VISITOR_IP):
    online_code_verify(email=email, code=code, client_ip=ip, now=NOW)


def use_up(limit, subject):
    for _ in range(limit.times):
        rate_limit_hit(limit=limit, subject=subject, now=NOW)


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_a_guardian_proves_their_address_and_may_book_for_their_child(world, personas):
    request_code(world, " Grace@Persona.example")
    verify("grace@persona.example", code_sent_to(KNOWN))
    assert bookable_people(email=KNOWN) == [personas.guardian, personas.child]


@pytest.mark.parametrize("email", [KNOWN, UNKNOWN], ids=["on file", "not on file"])
def test_every_address_is_sent_a_code_and_proves_itself_with_it(world, email):
    assert request_code(world, email) is None
    (message,) = OutboxMessage.objects.filter(kind="online_code", recipient=email)
    assert OneTimeCode.objects.get().email == email
    # Only the e-mail tells its reader whether the address is on file.
    on_file = "We already have this address on file" in message.body_text
    assert on_file == (email == KNOWN)
    verify(email, code_sent_to(email))


def test_a_code_check_answers_every_address_alike(world):
    """Wrong, locked, run out or never sent: one code, one message, for any address."""
    answers = set()
    for email in (KNOWN, UNKNOWN):
        request_code(world, email)
        for _ in range(online.CODE_ATTEMPTS + 1):  # the last one after the lock
            with pytest.raises(OnlineError) as refused:
                verify(email, wrong(code_sent_to(email)))
            answers.add((refused.value.code, refused.value.message, refused.value.field))
    with pytest.raises(OnlineError) as refused:  # no code ever sent to it
        verify("never@example.com", "123456")
    answers.add((refused.value.code, refused.value.message, refused.value.field))
    assert answers == {(OnlineErrorCode.CODE_WRONG, online.CODE_REFUSED, "code")}


@pytest.mark.parametrize(
    ("limit", "subject"),
    [(online.CODES_PER_IP, VISITOR_IP), (online.CODES_PER_EMAIL, KNOWN)],
    ids=["per connection", "per address"],
)
def test_it_refuses_past_the_limit_and_sends_nothing(world, personas, limit, subject):
    use_up(limit, subject)
    with pytest.raises(OnlineError) as refused:
        request_code(world, KNOWN)
    assert refused.value.code == OnlineErrorCode.RATE_LIMITED
    assert not OneTimeCode.objects.exists()


def test_code_checks_are_limited_per_connection_even_with_the_right_code(world):
    request_code(world, KNOWN)
    use_up(online.CODE_CHECKS_PER_IP, VISITOR_IP)
    with pytest.raises(OnlineError) as refused:
        verify(KNOWN, code_sent_to(KNOWN))
    assert refused.value.code == OnlineErrorCode.RATE_LIMITED
    assert OneTimeCode.objects.get().attempts == 0  # not even tried
    verify(KNOWN, code_sent_to(KNOWN), ip="203.0.113.77")  # from elsewhere, it works


def test_the_latest_code_replaces_the_earlier_one(world):
    request_code(world, KNOWN)
    first = code_sent_to(KNOWN)
    request_code(world, KNOWN)
    latest = code_sent_to(KNOWN)
    if first != latest:
        with pytest.raises(OnlineError):
            verify(KNOWN, first)
    verify(KNOWN, latest)
