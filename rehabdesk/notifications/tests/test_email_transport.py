"""The e-mail transport as a mail program and a mail server see it: the calendar file
attached the way invitations are recognised, text only when there is no HTML, one
connection for a batch and a fresh one after a failure, and a server that takes
nothing is a failure to try again, never a message marked sent."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import ClassVar

import pytest
from django.core.mail.backends.locmem import EmailBackend

from rehabdesk.notifications.choices import MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.services import DeliveryReport, deliver_due
from rehabdesk.notifications.testing import NOW, enqueue
from rehabdesk.notifications.transports import transport_for
from rehabdesk.notifications.transports.email import EmailTransport, message_id

pytestmark = pytest.mark.django_db
LATER = NOW + timedelta(seconds=30)
BACKEND = f"{__name__}.CountingBackend"
INVITATION = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Rehabdesk//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:appointment-42@clinic\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


class CountingBackend(EmailBackend):
    """Django's memory backend, counting connections; it can be told to fail a send,
    refuse to take a message, or fail to close."""

    opened: ClassVar[int] = 0
    closed: ClassVar[int] = 0
    fail_for: ClassVar[set[str]] = set()
    accept: ClassVar[bool] = True
    close_fails: ClassVar[bool] = False

    def open(self):
        type(self).opened += 1
        return True

    def close(self):
        type(self).closed += 1
        if self.close_fails:
            raise OSError("connection reset while saying goodbye")

    def send_messages(self, messages):
        if any(address in self.fail_for for message in messages for address in message.to):
            raise OSError("connection lost")
        if not self.accept:
            return 0
        return super().send_messages(messages)


@pytest.fixture
def counting(settings):
    settings.EMAIL_BACKEND = BACKEND
    CountingBackend.opened = CountingBackend.closed = 0
    CountingBackend.fail_for = set()
    CountingBackend.accept = True
    CountingBackend.close_fails = False
    return CountingBackend


def with_calendar(ics: str) -> OutboxMessage:
    return enqueue(calendar=ics)


def test_a_calendar_file_is_attached_as_an_invitation(mailoutbox):
    message = with_calendar(INVITATION)
    deliver_due(now=LATER, worker="w1")
    [email] = mailoutbox
    [part] = [p for p in email.message().walk() if p.get_content_type() == "text/calendar"]

    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "appointment.ics"
    assert part.get_content_disposition() == "attachment"
    assert part.get_payload(decode=True).decode() == message.calendar


def test_a_calendar_without_a_method_is_attached_without_one(mailoutbox):
    with_calendar(INVITATION.replace("METHOD:REQUEST\r\n", ""))
    deliver_due(now=LATER, worker="w1")
    [part] = [p for p in mailoutbox[0].message().walk() if p.get_content_type() == "text/calendar"]

    assert part.get_param("method") is None


def test_a_message_without_html_or_calendar_is_plain_text(mailoutbox):
    message = enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(body_html="")
    deliver_due(now=LATER, worker="w1")
    [email] = mailoutbox

    assert email.alternatives == []
    assert email.attachments == []
    assert email.message().get_content_type() == "text/plain"


def test_a_message_sent_again_after_a_takeover_carries_the_same_message_id(mailoutbox):
    message = enqueue()
    deliver_due(now=LATER, worker="w1")
    # As if w1 had died before recording the send, and its claim had been put back.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.PENDING, sent_at=None, claimed_by="", claimed_at=None
    )
    deliver_due(now=LATER + timedelta(minutes=11), worker="w2")

    first, second = (email.message()["Message-ID"] for email in mailoutbox)
    assert first == second == message_id(message)


def test_a_batch_goes_through_one_connection(counting, mailoutbox):
    for name in ("alice", "bob", "carol"):
        enqueue(f"{name}@mail.example")

    assert deliver_due(now=LATER, worker="w1") == DeliveryReport(claimed=3, sent=3)
    assert (counting.opened, counting.closed) == (1, 1)
    assert len(mailoutbox) == 3


def test_after_a_failed_send_the_next_message_gets_a_fresh_connection(counting, mailoutbox):
    counting.fail_for = {"bob@mail.example"}
    alice, bob, carol = (enqueue(f"{name}@mail.example") for name in ("alice", "bob", "carol"))

    assert deliver_due(now=LATER, worker="w1") == DeliveryReport(claimed=3, sent=2, retrying=1)
    assert (counting.opened, counting.closed) == (2, 2)
    assert [email.to for email in mailoutbox] == [["alice@mail.example"], ["carol@mail.example"]]
    bob.refresh_from_db()
    assert (bob.status, bob.last_error) == (MessageStatus.PENDING, "OSError: connection lost")


def test_a_server_that_takes_nothing_is_tried_again_not_marked_sent(counting):
    counting.accept = False
    message = enqueue()

    assert deliver_due(now=LATER, worker="w1") == DeliveryReport(claimed=1, retrying=1)
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert message.sent_at is None
    assert message.last_error == "DeliveryError: The mail backend did not accept the message."


def test_a_connection_that_fails_to_close_has_still_sent(counting, mailoutbox, caplog):
    counting.close_fails = True
    message = enqueue()

    with caplog.at_level(logging.WARNING, logger="rehabdesk.notifications.transports.email"):
        assert deliver_due(now=LATER, worker="w1") == DeliveryReport(claimed=1, sent=1)

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(mailoutbox) == 1
    assert "Closing the mail connection failed" in caplog.text


def test_every_channel_has_a_transport_and_an_unknown_one_has_none():
    assert isinstance(transport_for("email"), EmailTransport)
    assert transport_for("email").recipient_problem("grace.green@mail.example") == ""
    with pytest.raises(KeyError):
        transport_for("pigeon")
