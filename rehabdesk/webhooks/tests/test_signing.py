"""Standard Webhooks signatures: ours, made by the reference library, equal the
specification's recipe computed by hand (two of them, space-separated, while a replaced
secret still signs), and the library's verifier accepts them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from rehabdesk.webhooks.services import message_id_new, secret_new
from rehabdesk.webhooks.transport import signed_headers

# The spec's own example secret format: whsec_ + base64 of the key bytes.
KEY = bytes(range(32))
SECRET = "whsec_" + base64.b64encode(KEY).decode()
BODY = '{"data":{"patient_id":7},"timestamp":"2027-03-08T13:00:00+00:00","type":"patient.created"}'


def by_hand(key: bytes, message_id: str, timestamp: int, body: str) -> str:
    """The specification's recipe: HMAC-SHA256 over "id.timestamp.body", base64, v1,."""
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def test_the_signature_is_the_specifications_recipe():
    headers = signed_headers(secret=SECRET, message_id="msg_abc", timestamp=1804687200, body=BODY)
    assert headers == {
        "webhook-id": "msg_abc",
        "webhook-timestamp": "1804687200",
        "webhook-signature": by_hand(KEY, "msg_abc", 1804687200, BODY),
    }
    # A constant worked out once by hand, so a change on both sides still shows.
    assert (
        by_hand(b"\x00" * 32, "msg_1", 1, "{}")
        == "v1,"
        + base64.b64encode(hmac.new(b"\x00" * 32, b"msg_1.1.{}", hashlib.sha256).digest()).decode()
    )


def test_with_the_replaced_secret_the_header_lists_both_new_first_space_separated():
    old_key = bytes(range(32, 64))
    old = "whsec_" + base64.b64encode(old_key).decode()
    headers = signed_headers(
        secret=SECRET, previous=old, message_id="msg_abc", timestamp=1804687200, body=BODY
    )
    assert headers["webhook-signature"] == (
        by_hand(KEY, "msg_abc", 1804687200, BODY)
        + " "
        + by_hand(old_key, "msg_abc", 1804687200, BODY)
    )


def test_a_change_to_any_signed_part_changes_the_signature():
    base = signed_headers(secret=SECRET, message_id="msg_a", timestamp=100, body=BODY)
    for changed in (
        signed_headers(secret=SECRET, message_id="msg_b", timestamp=100, body=BODY),
        signed_headers(secret=SECRET, message_id="msg_a", timestamp=101, body=BODY),
        signed_headers(secret=SECRET, message_id="msg_a", timestamp=100, body=BODY + " "),
        signed_headers(secret=secret_new(), message_id="msg_a", timestamp=100, body=BODY),
    ):
        assert changed["webhook-signature"] != base["webhook-signature"]


def test_a_receiver_using_the_library_accepts_ours_and_refuses_a_tampered_body():
    import time

    now = int(time.time())
    headers = signed_headers(secret=SECRET, message_id="msg_x", timestamp=now, body=BODY)
    Webhook(SECRET).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(BODY.replace("7", "8"), headers)


def test_secrets_and_message_ids_have_the_formats_of_the_specification():
    secret = secret_new()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert secret != secret_new()
    assert re.fullmatch(r"msg_[0-9a-f]{24}", message_id_new())
