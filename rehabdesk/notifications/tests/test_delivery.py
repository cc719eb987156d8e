"""One round of the worker: what is due is sent once, and the row says so."""

import smtplib
from datetime import datetime, timedelta

import pytest

from rehabdesk.notifications import services
from rehabdesk.notifications.choices import MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.selectors import messages_failed
from rehabdesk.notifications.services import DeliveryReport, deliver_due
from rehabdesk.notifications.testing import NOW, booking_context, enqueue
from rehabdesk.notifications.transports import PermanentDeliveryError
from rehabdesk.notifications.transports.email import _Sender

pytestmark = pytest.mark.django_db
LATER = NOW + timedelta(seconds=30)


def test_it_sends_a_due_message_as_one_email_with_text_and_html(mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "Pro Fusion Rehab <appointments@profusion.example>"
    message = enqueue()
    report = deliver_due(now=LATER, worker="w1")
    assert report == DeliveryReport(claimed=1, sent=1)
    [email] = mailoutbox
    assert email.to == ["grace.green@mail.example"]
    assert email.from_email == "Pro Fusion Rehab <appointments@profusion.example>"
    assert email.subject == message.subject
    assert email.body == message.body_text
    assert email.alternatives[0] == (message.body_html, "text/html")
    headers = email.message()
    assert (
        headers["Message-ID"] == f"<outbox.{message.pk}.{int(NOW.timestamp())}@profusion.example>"
    )
    assert headers["Auto-Submitted"] == "auto-generated"
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert (message.sent_at, message.claimed_by, message.claimed_at) == (LATER, "w1", LATER)
    assert message.attempts == 1


def test_an_email_is_from_the_clinic_it_is_signed_by_not_from_the_software(mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "Rehabdesk <no-reply@profusion.example>"
    enqueue(context=booking_context(clinic_name="Clinique Santé\nBcc: x@evil.example"))
    enqueue("b@mail.example", context=booking_context(clinic_name=""))
    deliver_due(now=LATER, worker="w1")
    signed, unsigned = mailoutbox
    assert signed.message()["From"] == (
        "=?utf-8?q?Clinique_Sant=C3=A9_Bcc=3A_x=40evil=2Eexample?= <no-reply@profusion.example>"
    )
    assert "Rehabdesk" not in signed.message().as_string()
    assert unsigned.from_email == "Rehabdesk <no-reply@profusion.example>"


def test_a_sent_message_is_never_sent_again(mailoutbox):
    enqueue()
    deliver_due(now=LATER, worker="w1")
    assert deliver_due(now=LATER + timedelta(days=1), worker="w2") == DeliveryReport()
    assert len(mailoutbox) == 1


def test_it_waits_until_a_message_is_due(mailoutbox):
    enqueue(now=NOW)
    assert deliver_due(now=NOW - timedelta(seconds=1), worker="w1").claimed == 0
    assert mailoutbox == []


def test_it_sends_at_most_a_batch_oldest_first(mailoutbox):
    for minute in (3, 1, 2):
        enqueue(f"patient{minute}@mail.example", now=NOW + timedelta(minutes=minute))
    report = deliver_due(now=NOW + timedelta(minutes=5), worker="w1", batch=2)
    assert report == DeliveryReport(claimed=2, sent=2)
    assert [email.to[0] for email in mailoutbox] == [
        "patient1@mail.example",
        "patient2@mail.example",
    ]
    assert deliver_due(now=NOW + timedelta(minutes=5), worker="w1", batch=2).sent == 1


def test_an_idle_round_only_reads(django_assert_num_queries):
    with django_assert_num_queries(2):  # lapsed claims? anything due?
        assert deliver_due(now=NOW, worker="w1") == DeliveryReport()


def test_a_refusal_for_good_fails_the_message_at_once(scripted_transport):
    def refuse(message):
        raise PermanentDeliveryError("The mail server says this address cannot receive mail.")

    scripted_transport(refuse)
    message = enqueue()
    assert deliver_due(now=LATER, worker="w1") == DeliveryReport(claimed=1, failed=1)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 1
    assert message.last_error == (
        "PermanentDeliveryError: The mail server says this address cannot receive mail."
    )
    assert (message.claimed_by, message.claimed_at, message.sent_at) == ("", None, None)
    assert list(messages_failed()) == [message]
    assert deliver_due(now=LATER + timedelta(days=1), worker="w1") == DeliveryReport()


def test_one_failure_does_not_hold_up_the_rest_of_the_batch(scripted_transport):
    def fail_for_bob(message):
        if message.recipient.startswith("bob"):
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    transport = scripted_transport(fail_for_bob)
    alice, bob, carol = (enqueue(f"{name}@mail.example") for name in ("alice", "bob", "carol"))
    assert deliver_due(now=LATER, worker="w1") == DeliveryReport(claimed=3, sent=2, retrying=1)
    assert transport.sent == [alice.pk, carol.pk]
    bob.refresh_from_db()
    assert bob.status == MessageStatus.PENDING
    assert bob.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"


def test_the_error_kept_is_short_and_one_line(scripted_transport):
    def fail(message):
        raise OSError("line one\nline two " + "x" * 500)

    scripted_transport(fail)
    message = enqueue()
    deliver_due(now=LATER, worker="w1")
    message.refresh_from_db()
    assert message.last_error.startswith("OSError: line one line two xxx")
    assert len(message.last_error) == 200


def test_a_round_that_runs_out_of_time_puts_the_rest_back_untried(scripted_transport, monkeypatch):
    monkeypatch.setattr(services, "SEND_BUDGET_SECONDS", 0)
    transport = scripted_transport(lambda message: None)
    first, *rest = (enqueue(f"patient{i}@mail.example") for i in range(3))
    assert deliver_due(now=LATER, worker="w1") == DeliveryReport(claimed=3, sent=1, deferred=2)
    assert transport.sent == [first.pk]
    for message in rest:
        message.refresh_from_db()
        assert (message.status, message.attempts, message.claimed_by) == ("pending", 0, "")
        assert message.available_at == NOW  # still due: the next round takes it


@pytest.mark.parametrize(
    ("codes", "permanent"),
    [({550}, True), ({550, 553}, True), ({450}, False), ({550, 451}, False)],
)
def test_a_mail_server_refusing_every_recipient_for_good_is_permanent(codes, permanent):
    class RefusingConnection:
        def open(self):
            return True

        def send_messages(self, messages):
            refused = {f"r{code}@mail.example": (code, b"No such user") for code in codes}
            raise smtplib.SMTPRecipientsRefused(refused)

        def close(self):
            pass

    sender = _Sender()
    sender._connection = RefusingConnection()
    message = OutboxMessage(pk=1, recipient="r@mail.example", subject="s", created_at=NOW)
    expected = PermanentDeliveryError if permanent else smtplib.SMTPRecipientsRefused
    with pytest.raises(expected):
        sender.send(message)
    assert sender._connection is None  # the next message gets a fresh connection


@pytest.mark.parametrize(
    "mistake",
    [
        {"now": datetime(2027, 3, 10, 9, 0)},  # noqa: DTZ001 - naive on purpose
        {"worker": ""},
        {"worker": "w" * 101},
        {"batch": 0},
    ],
    ids=lambda mistake: next(iter(mistake)),
)
def test_it_refuses_a_malformed_call(mistake):
    with pytest.raises(ValueError):  # noqa: PT011 - each mistake has its own message
        deliver_due(**{"now": NOW, "worker": "w1", **mistake})


def test_the_report_adds_up_and_reads_well():
    total = DeliveryReport(claimed=2, sent=1, retrying=1) + DeliveryReport(claimed=1, sent=1)
    assert total == DeliveryReport(claimed=3, sent=2, retrying=1)
    assert str(total) == "3 claimed, 2 sent, 1 retrying"
    assert str(DeliveryReport()) == "nothing to do"
    assert not DeliveryReport()
