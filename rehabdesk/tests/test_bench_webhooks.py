"""`make bench`'s webhook fan-out (bench/outbox_cases.py): its local receiver keeps
every delivery as sent, and a delivery the endpoint's secret does not verify, or whose
webhook-id was never queued, is caught."""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlsplit

from bench.outbox_cases import _FanOut, _forged, _local_receiver, _Receiver
from rehabdesk.webhooks.services import secret_new
from rehabdesk.webhooks.transport import signed_headers

BODY = '{"data":{"patient_id":1},"timestamp":"2027-03-08T13:00:00+00:00","type":"patient.created"}'


def _delivery(secret: str, message_id: str) -> tuple[dict[str, str], bytes]:
    headers = signed_headers(
        secret=secret, message_id=message_id, timestamp=int(time.time()), body=BODY
    )
    return headers, BODY.encode()


def test_it_counts_deliveries_signed_with_another_secret_or_never_queued() -> None:
    secret = secret_new()
    receiver = _Receiver(
        deliveries=[
            _delivery(secret, "msg_queued_and_signed"),
            _delivery(secret_new(), "msg_queued_but_forged"),
            _delivery(secret, "msg_never_queued"),
        ]
    )
    fan_out = _FanOut(
        secret=secret,
        queued=[1, 2],
        message_ids={"msg_queued_and_signed", "msg_queued_but_forged"},
        seconds=0.0,
    )

    assert _forged(receiver, fan_out) == 2


def test_the_receiver_answers_204_and_keeps_the_delivery_as_sent() -> None:
    receiver = _Receiver()
    headers, body = _delivery(secret_new(), "msg_0123")
    with _local_receiver(receiver) as url:
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port)
        connection.request("POST", parts.path, body=body, headers=headers)
        status = connection.getresponse().status
        connection.close()

    assert status == 204
    assert len(receiver.arrivals) == 1
    [(kept_headers, kept_body)] = receiver.deliveries
    assert kept_body == body
    assert kept_headers["webhook-id"] == "msg_0123"
    assert kept_headers["webhook-signature"] == headers["webhook-signature"]
