"""Twilio's side of the wire, written down once: how its webhooks are signed and what
its delivery statuses mean. (The sending half is transports/sms.py.)

Signing, as Twilio documents it (https://www.twilio.com/docs/usage/security): take the
full URL Twilio called, scheme, host, path and query exactly; append every POST
parameter, sorted by name, as name then value with nothing between; HMAC-SHA1 that
with the account's auth token; base64. The result is the X-Twilio-Signature header.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable

SIGNATURE_HEADER = "X-Twilio-Signature"
# The API version in every path; the only one Twilio's Messages resource has.
API_VERSION = "2010-04-01"


def signature(url: str, params: Iterable[tuple[str, str]], auth_token: str) -> str:
    """The X-Twilio-Signature Twilio sends with a POST of `params` to `url`."""
    signed = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_valid(
    url: str, params: Iterable[tuple[str, str]], auth_token: str, given: str
) -> bool:
    """Whether `given` is Twilio's signature of this request; never with no token set
    (a webhook nobody can sign is one nobody should be able to call)."""
    if not auth_token or not given:
        return False
    return hmac.compare_digest(signature(url, params, auth_token), given)


def messages_path(account_sid: str) -> str:
    return f"/{API_VERSION}/Accounts/{account_sid}/Messages.json"
