"""Twilio's calls to us: a delivery report updates the outbox row it names, a reply
confirms, opts out or opts back in, and only when X-Twilio-Signature verifies against our auth
token, computed as Twilio documents it. An unverified call is refused with 403,
changes nothing, and is logged without the number or the text."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.test import override_settings

from rehabdesk.notifications.choices import DeliveryStatus, MessageChannel, MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.services import deliver_due
from rehabdesk.notifications.testing import NOW, enqueue
from rehabdesk.notifications.twilio import signature, signature_valid
from rehabdesk.patients.models import Patient
from rehabdesk.patients.services import patient_update
from rehabdesk.testing.sms import AUTH_TOKEN, sms_provider
from rehabdesk.web.sms_webhooks import TWIML_EMPTY

pytestmark = pytest.mark.django_db
PUBLIC = "https://clinic.example"
MOBILE = "+14165550199"
SIGNED = override_settings(TWILIO_AUTH_TOKEN=AUTH_TOKEN, SMS_PUBLIC_URL=PUBLIC)


def test_the_signature_is_twilio_s_documented_example():
    # Twilio's own example (docs/usage/security): URL, form and token, and the answer.
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    assert signature(url, params.items(), "12345") == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert signature_valid(url, params.items(), "12345", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert not signature_valid(url, params.items(), "12346", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert not signature_valid(url, [], "", signature(url, [], ""))  # no token, no trust


def test_the_signature_by_hand_is_the_url_then_the_sorted_names_and_values():
    import base64
    import hashlib
    import hmac

    signed = b"https://x.example/sms/status/?outbox=o-1MessageSidSM1MessageStatusdelivered"
    expected = base64.b64encode(hmac.new(b"token", signed, hashlib.sha1).digest()).decode()
    params = [("MessageStatus", "delivered"), ("MessageSid", "SM1")]
    assert signature("https://x.example/sms/status/?outbox=o-1", params, "token") == expected


def post(client, path: str, form: dict[str, str], *, sign: bool = True, url: str = ""):
    body = urlencode(form)
    headers = {}
    if sign:
        headers["HTTP_X_TWILIO_SIGNATURE"] = signature(
            url or PUBLIC + path, form.items(), AUTH_TOKEN
        )
    return client.post(path, body, content_type="application/x-www-form-urlencoded", **headers)


@pytest.fixture
def sent(db):
    message = enqueue(MOBILE, channel=MessageChannel.SMS, template="sms_booking_confirmation")
    with sms_provider():
        deliver_due(now=NOW + timedelta(seconds=1), worker="w1")
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    return message


def report(message: OutboxMessage, status: str) -> tuple[str, dict[str, str]]:
    path = f"/sms/status/?outbox={message.idempotency_key}"
    return path, {
        "MessageSid": message.provider_id,
        "MessageStatus": status,
        "AccountSid": "AC" + "0" * 32,
        "To": MOBILE,
    }


@SIGNED
@pytest.mark.parametrize(
    "status", [DeliveryStatus.DELIVERED, DeliveryStatus.UNDELIVERED, DeliveryStatus.FAILED]
)
def test_a_signed_delivery_report_updates_the_row_it_names(client, sent, status):
    response = post(client, *report(sent, status))
    assert response.status_code == 200
    assert response.content.decode() == TWIML_EMPTY
    sent.refresh_from_db()
    assert sent.delivery_status == status
    assert sent.delivery_reported_at is not None
    assert sent.status == MessageStatus.SENT


@SIGNED
def test_a_late_report_on_the_way_never_hides_the_final_one(client, sent):
    post(client, *report(sent, "delivered"))
    post(client, *report(sent, "sent"))
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.DELIVERED


@SIGNED
def test_a_report_naming_another_row_changes_nothing(client, sent):
    path, form = report(sent, "delivered")
    path = path.replace(f"outbox-{sent.pk}-", f"outbox-{sent.pk + 1}-")
    assert post(client, path, form).status_code == 200
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.UNKNOWN


@SIGNED
def test_an_unverified_report_is_refused_changes_nothing_and_is_logged_plainly(
    client, sent, caplog
):
    path, form = report(sent, "delivered")
    caplog.set_level(logging.WARNING, logger="rehabdesk.web.sms_webhooks")
    forged = {**form, "MessageStatus": "failed"}
    wrong = signature(PUBLIC + path, form.items(), AUTH_TOKEN)  # signed another form
    responses = [
        post(client, path, form, sign=False),
        client.post(
            path,
            urlencode(forged),
            content_type="application/x-www-form-urlencoded",
            HTTP_X_TWILIO_SIGNATURE=wrong,
        ),
        post(client, path, form, url="https://elsewhere.example" + path),
        client.post(path, form, HTTP_X_TWILIO_SIGNATURE=wrong),  # multipart: never Twilio's
    ]
    assert [response.status_code for response in responses] == [403] * 4
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.UNKNOWN
    ours = [r.getMessage() for r in caplog.records if r.name == "rehabdesk.web.sms_webhooks"]
    assert ours == ["Refused an unverified SMS provider call to sms-status"] * 4
    assert MOBILE not in caplog.text


def test_with_no_auth_token_set_nothing_is_ever_verified(client, sent):
    with override_settings(TWILIO_AUTH_TOKEN="", SMS_PUBLIC_URL=PUBLIC):
        assert post(client, *report(sent, "delivered")).status_code == 403


@override_settings(TWILIO_AUTH_TOKEN=AUTH_TOKEN, SMS_PUBLIC_URL="")
def test_without_a_public_address_the_address_called_is_the_one_signed(client, sent):
    path, form = report(sent, "delivered")
    assert post(client, path, form, url="http://testserver" + path).status_code == 200
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.DELIVERED


def test_the_webhooks_take_only_posts(client):
    assert client.get("/sms/status/").status_code == 405
    assert client.get("/sms/inbound/").status_code == 405


@SIGNED
def test_a_signed_stop_opts_the_patient_out_and_an_unsigned_one_does_not(client, personas, caplog):
    patient = personas.patient_a
    patient.phone, patient.contact_by_sms = MOBILE, True
    patient_update(actor=None, patient=patient)
    reply = {"From": MOBILE, "To": "+16135550100", "Body": "STOP", "MessageSid": "SM1"}
    caplog.set_level(logging.WARNING, logger="rehabdesk.web.sms_webhooks")
    assert post(client, "/sms/inbound/", reply, sign=False).status_code == 403
    assert Patient.objects.get(pk=patient.pk).contact_by_sms
    assert "STOP" not in caplog.text
    assert MOBILE not in caplog.text
    response = post(client, "/sms/inbound/", reply)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.decode() == TWIML_EMPTY
    assert not Patient.objects.get(pk=patient.pk).contact_by_sms


@SIGNED
def test_a_signed_start_after_a_stop_opts_the_patient_back_in_and_an_unsigned_one_does_not(
    client, personas
):
    patient = personas.patient_a
    patient.phone, patient.contact_by_sms = MOBILE, True
    patient_update(actor=None, patient=patient)
    reply = {"From": MOBILE, "To": "+16135550100", "MessageSid": "SM1"}
    post(client, "/sms/inbound/", {**reply, "Body": "STOP"})
    assert not Patient.objects.get(pk=patient.pk).contact_by_sms
    start = {**reply, "Body": "START", "MessageSid": "SM2"}
    assert post(client, "/sms/inbound/", start, sign=False).status_code == 403
    assert not Patient.objects.get(pk=patient.pk).contact_by_sms
    response = post(client, "/sms/inbound/", start)
    assert response.status_code == 200
    assert response.content.decode() == TWIML_EMPTY
    assert Patient.objects.get(pk=patient.pk).contact_by_sms


@SIGNED
def test_a_reply_that_is_garbage_is_answered_not_a_500(client):
    form = {"From": "not a number", "Body": "x" * 5000}
    assert post(client, "/sms/inbound/", form).status_code == 200
    assert post(client, "/sms/inbound/", {"Body": "C"}).status_code == 200  # no From
