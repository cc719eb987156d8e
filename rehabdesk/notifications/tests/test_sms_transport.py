"""Text messages as Twilio's Messages API sees them, against a stand-in on 127.0.0.1
that checks the documented wire format: Basic authentication with the account SID and
token, a form with To, From (or MessagingServiceSid), Body and StatusCallback. The
provider's message id is kept on the row; a refused number is given up on at once, a
busy or broken provider is tried again; the body carries time, place and clinic only."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings

from rehabdesk.notifications.choices import MessageChannel, MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.services import deliver_due
from rehabdesk.notifications.testing import NOW, booking_context, enqueue
from rehabdesk.notifications.transports.sms import segments, sms_body
from rehabdesk.testing.sms import FROM_NUMBER, local_sms_provider, sms_provider, sms_settings

pytestmark = pytest.mark.django_db
LATER = NOW + timedelta(seconds=30)
MOBILE = "+14165550199"


def text(recipient: str = MOBILE, kind: str = "booking_confirmation", **arguments):
    return enqueue(
        recipient, kind=kind, channel=MessageChannel.SMS, template=f"sms_{kind}", **arguments
    )


def fresh(message: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)


def test_it_posts_the_documented_form_and_keeps_the_provider_s_message_id():
    message = text()
    with sms_provider() as provider:
        report = deliver_due(now=LATER, worker="w1")
    assert report.sent == 1
    [form] = provider.received
    assert form["To"] == MOBILE
    assert form["From"] == FROM_NUMBER
    assert "MessagingServiceSid" not in form
    assert form["Body"] == (
        "Pro Fusion Rehab: appointment booked for Wednesday, March 10, 2027 at 10:00 AM "
        "at Pickering. Reply C to confirm, STOP to opt out."
    )
    callback = urlsplit(form["StatusCallback"])
    assert (callback.scheme, callback.netloc, callback.path) == (
        "https",
        "clinic.example",
        "/sms/status/",
    )
    assert parse_qs(callback.query) == {"outbox": [message.idempotency_key]}
    stored = fresh(message)
    assert stored.status == MessageStatus.SENT
    assert stored.provider_id == provider.sids[0]
    assert stored.provider_id.startswith("SM")


def test_a_messaging_service_sends_in_place_of_a_number():
    text()
    with sms_provider(TWILIO_MESSAGING_SERVICE_SID="MG" + "1" * 32) as provider:
        assert deliver_due(now=LATER, worker="w1").sent == 1
    [form] = provider.received
    assert form["MessagingServiceSid"] == "MG" + "1" * 32
    assert "From" not in form


def test_a_text_carries_time_place_and_clinic_but_no_health_detail_in_one_segment():
    for kind in ("booking_confirmation", "booking_changed", "booking_cancelled"):
        body = sms_body(text(kind=kind, dedupe_key=kind))
        assert "Physiotherapy" not in body
        assert "Priya" not in body
        assert "Grace" not in body
        assert "Pickering" in body
        assert "10:00 AM" in body
        assert segments(body) == 1, body


def test_segments_count_as_carriers_do():
    assert segments("a" * 160) == 1
    assert segments("a" * 161) == 2
    assert segments("é" * 160) == 1  # é is in the GSM alphabet
    assert segments("ł" * 70) == 1  # ł is not: 70 characters a segment
    assert segments("ł" * 71) == 2


def test_wrong_credentials_are_refused_and_tried_again_later():
    message = text()
    with (
        local_sms_provider() as (provider, url),
        override_settings(**sms_settings(url, TWILIO_AUTH_TOKEN="not-the-token")),
    ):
        report = deliver_due(now=LATER, worker="w1")
    assert report.retrying == 1
    assert provider.received == []
    stored = fresh(message)
    assert stored.status == MessageStatus.PENDING
    assert stored.last_error == "DeliveryError: The SMS provider answered 401 (error 20003)."


def test_a_number_that_cannot_be_texted_is_given_up_on_at_once():
    message = text()
    with sms_provider() as provider:
        provider.refusals.append((400, 21614))  # not a mobile number
        report = deliver_due(now=LATER, worker="w1")
    assert report.failed == 1
    stored = fresh(message)
    assert stored.status == MessageStatus.FAILED
    assert "400 (error 21614)" in stored.last_error
    assert MOBILE not in stored.last_error


def test_a_number_that_replied_stop_is_given_up_on_at_once():
    message = text()
    with sms_provider() as provider:
        provider.stopped.add(MOBILE)
        assert deliver_due(now=LATER, worker="w1").failed == 1
    assert "error 21610" in fresh(message).last_error


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_busy_or_broken_provider_is_tried_again(status):
    message = text()
    with sms_provider() as provider:
        provider.refusals.append((status, 20429 if status == 429 else 20500))
        assert deliver_due(now=LATER, worker="w1").retrying == 1
        stored = fresh(message)
        assert stored.status == MessageStatus.PENDING
        assert deliver_due(now=stored.available_at, worker="w1").sent == 1
    assert fresh(message).provider_id == provider.sids[-1]


def test_a_provider_that_is_not_there_is_tried_again():
    message = text()
    with local_sms_provider() as (_, url):
        pass  # stopped: nothing listens there now
    with override_settings(**sms_settings(url)):
        assert deliver_due(now=LATER, worker="w1").retrying == 1
    assert fresh(message).last_error.startswith("ConnectionRefusedError")


def test_one_refusal_does_not_spoil_the_rest_of_the_batch():
    first, second, third = (text(f"+1416555010{n}", dedupe_key=str(n)) for n in (1, 2, 3))
    with sms_provider() as provider:
        provider.stopped.add(second.recipient)
        report = deliver_due(now=LATER, worker="w1")
    assert (report.sent, report.failed) == (2, 1)
    assert [form["To"] for form in provider.received] == [first.recipient, third.recipient]


def test_an_address_that_is_no_mobile_number_is_stored_failed_and_never_sent():
    message = text("905-555")
    assert message.status == MessageStatus.FAILED
    assert message.last_error == "Not a valid phone number."
    spelled = text("416-555-0199", dedupe_key="spelled")
    assert spelled.last_error == "The number is not written in E.164 (+14165550199)."


def test_without_an_account_nothing_is_sent_and_the_message_waits():
    message = text()
    with override_settings(SMS_TRANSPORT="twilio", TWILIO_ACCOUNT_SID="", TWILIO_AUTH_TOKEN=""):
        assert deliver_due(now=LATER, worker="w1").retrying == 1
    assert "not set up" in fresh(message).last_error


def test_while_developing_a_text_is_a_file_under_var_sms(tmp_path):
    message = text(context=booking_context(clinic_name="Pro Fusion Rehab"))
    with override_settings(SMS_TRANSPORT="file", SMS_FILE_PATH=tmp_path):
        assert deliver_due(now=LATER, worker="w1").sent == 1
    [written] = tmp_path.iterdir()
    assert written.read_text().startswith(f"To: {MOBILE}\n\nPro Fusion Rehab: appointment")
    assert fresh(message).provider_id == f"file:{written.name}"
