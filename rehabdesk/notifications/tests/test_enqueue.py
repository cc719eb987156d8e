"""Queueing a message: one row, rendered now, in the caller's transaction."""

from datetime import datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from rehabdesk.notifications.choices import MessageChannel, MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.selectors import messages_about, messages_failed
from rehabdesk.notifications.services import deliver_due, message_enqueue
from rehabdesk.notifications.testing import NOW, booking_context, enqueue

pytestmark = pytest.mark.django_db


def test_it_stores_the_rendered_message_due_now_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        message = message_enqueue(
            channel=MessageChannel.EMAIL,
            kind="booking_confirmation",
            recipient="  grace.green@mail.example ",
            template="booking_confirmation",
            context=booking_context(),
            related_type="scheduling.appointment",
            related_id=42,
            now=NOW,
        )
    message.refresh_from_db()
    assert (message.channel, message.kind, message.recipient) == (
        "email",
        "booking_confirmation",
        "grace.green@mail.example",
    )
    assert message.subject == "Your appointment is booked for Wednesday, March 10, 2027 at 10:00 AM"
    assert "Hello Grace Green," in message.body_text
    assert "Hello Grace Green," in message.body_html
    assert (message.related_type, message.related_id) == ("scheduling.appointment", "42")
    assert message.status == MessageStatus.PENDING
    assert message.attempts == 0
    assert message.available_at == message.created_at == NOW
    assert (message.claimed_by, message.claimed_at, message.sent_at) == ("", None, None)
    assert list(messages_about(related_type="scheduling.appointment", related_id=42)) == [message]


def test_it_keeps_the_text_as_it_was_when_queued():
    context = booking_context()
    message = enqueue(context=context)
    context["start_local"] = "Friday, March 12, 2027 at 4:00 PM"
    message.refresh_from_db()
    assert "Wednesday, March 10, 2027 at 10:00 AM" in message.body_text


def test_a_message_queued_in_a_transaction_that_rolls_back_never_existed(mailoutbox):
    def booking_that_fails():
        with transaction.atomic():
            enqueue()
            assert OutboxMessage.objects.count() == 1  # written at once, no on_commit
            raise RuntimeError("the booking failed")

    with pytest.raises(RuntimeError):
        booking_that_fails()
    assert OutboxMessage.objects.count() == 0
    assert deliver_due(now=NOW + timedelta(hours=1), worker="w1").claimed == 0
    assert mailoutbox == []


def test_the_same_dedupe_key_stores_one_message_and_returns_it():
    first = enqueue(dedupe_key="booking_confirmation:42")
    again = enqueue(
        dedupe_key="booking_confirmation:42",
        context=booking_context(start_local="Friday, March 12, 2027 at 4:00 PM"),
        now=NOW + timedelta(minutes=5),
    )
    assert again.pk == first.pk
    assert "Wednesday" in again.subject  # the first request wins
    assert OutboxMessage.objects.count() == 1


def test_a_duplicate_leaves_the_callers_transaction_usable():
    # Without the savepoint, PostgreSQL refuses every later statement of the caller's
    # transaction after the unique violation.
    enqueue(dedupe_key="booking_confirmation:42")
    with transaction.atomic():
        enqueue(dedupe_key="booking_confirmation:42")
        other = enqueue("someone.else@mail.example", dedupe_key="booking_confirmation:43")
    assert OutboxMessage.objects.count() == 2
    assert OutboxMessage.objects.filter(pk=other.pk).exists()


def test_messages_without_a_dedupe_key_are_never_merged():
    enqueue()
    enqueue()
    assert OutboxMessage.objects.count() == 2


def test_the_database_refuses_a_second_row_under_one_key():
    enqueue(dedupe_key="booking_confirmation:42")
    duplicate = OutboxMessage.objects.get()
    duplicate.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save(force_insert=True)


@pytest.mark.parametrize(
    ("recipient", "reason"),
    [
        ("", "No e-mail address on file."),
        ("grace.green@", "Not a valid e-mail address."),
        ("grace\n@mail.example", "Not a valid e-mail address."),
        ("g" * 250 + "@mail.example", "The e-mail address is too long."),
    ],
    ids=["none", "malformed", "header-injection", "too-long"],
)
def test_an_unusable_address_is_kept_as_failed_for_the_front_desk(recipient, reason, mailoutbox):
    message = enqueue(recipient)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.last_error == reason
    assert list(messages_failed()) == [message]
    assert deliver_due(now=NOW, worker="w1").claimed == 0
    assert mailoutbox == []


@pytest.mark.parametrize(
    "mistake",
    [
        {"channel": "pigeon"},
        {"kind": "Booking Confirmation"},
        {"kind": "x" * 41},
        {"template": "../../settings"},
        {"related_type": "appointment"},
        {"related_id": 42},
        {"related_type": "scheduling.appointment", "related_id": "9" * 65},
        {"dedupe_key": "k" * 201},
        {"context": {"patient_name": "Grace"}},
        {"context": booking_context(start_local="x" * 200)},
        {"now": datetime(2027, 3, 10, 9, 0)},  # noqa: DTZ001 - naive on purpose
    ],
    ids=lambda mistake: next(iter(mistake)),
)
def test_it_refuses_a_malformed_call_and_stores_nothing(mistake):
    arguments = {
        "channel": MessageChannel.EMAIL,
        "kind": "booking_confirmation",
        "recipient": "grace.green@mail.example",
        "template": "booking_confirmation",
        "context": booking_context(),
        "now": NOW,
        **mistake,
    }
    with pytest.raises(ValueError):  # noqa: PT011 - each mistake has its own message
        message_enqueue(**arguments)
    assert OutboxMessage.objects.count() == 0
