"""A stand-in for Twilio's Messages API on 127.0.0.1, for tests and benchmarks: it
speaks the documented wire format (POST /2010-04-01/Accounts/{sid}/Messages.json, a
form with To, From or MessagingServiceSid, Body and an optional StatusCallback, HTTP
Basic authentication with the account SID and auth token; 201 and the message as JSON,
or an error as JSON with Twilio's code) and keeps what it accepted.

`sms_provider()` runs it and points the project's SMS settings at it for a block.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from django.test import override_settings

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "stand-in-auth-token-0123456789ab"  # noqa: S105 (the stand-in's own)
FROM_NUMBER = "+16135550100"
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_FIELDS = {"To", "From", "MessagingServiceSid", "Body", "StatusCallback"}


@dataclass
class Provider:
    """What the stand-in accepted, and what it is told to refuse."""

    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    received: list[dict[str, str]] = field(default_factory=list)
    sids: list[str] = field(default_factory=list)
    # The next answers to give instead of accepting: (HTTP status, Twilio error code).
    refusals: list[tuple[int, int]] = field(default_factory=list)
    # Numbers that replied STOP: Twilio refuses to text them (error 21610).
    stopped: set[str] = field(default_factory=set)
    # When each message was accepted (time.monotonic()), for benchmarks.
    arrivals: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(
        self, path: str, authorization: str, content_type: str, body: bytes
    ) -> tuple[int, dict[str, object]]:
        """(status, JSON) for one request, checked as Twilio checks it."""
        if path != f"/2010-04-01/Accounts/{self.account_sid}/Messages.json":
            return 404, {"code": 20404, "message": "The requested resource was not found"}
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if authorization != f"Basic {expected}":
            return 401, {"code": 20003, "message": "Authentication Error - invalid username"}
        if content_type.split(";")[0].strip() != "application/x-www-form-urlencoded":
            return 400, {"code": 20001, "message": "Not a form"}
        form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True))
        if set(form) - _FIELDS:
            return 400, {"code": 20001, "message": "Unknown parameter"}
        if not _E164.fullmatch(form.get("To", "")):
            return 400, {"code": 21211, "message": "The 'To' number is not a valid phone number."}
        if ("From" in form) == ("MessagingServiceSid" in form):
            return 400, {"code": 21603, "message": "A 'From' or 'MessagingServiceSid' is required"}
        if not form.get("Body") or len(form["Body"]) > 1600:
            return 400, {"code": 21602, "message": "Message body is required (at most 1600)."}
        with self.lock:
            if self.refusals:
                status, code = self.refusals.pop(0)
                return status, {"code": code, "message": "Refused as told", "status": status}
            if form["To"] in self.stopped:
                return 400, {"code": 21610, "message": "Attempt to send to unsubscribed recipient"}
            sid = "SM" + secrets.token_hex(16)
            self.received.append(form)
            self.sids.append(sid)
            self.arrivals.append(time.monotonic())
        return 201, {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": form["To"],
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form["Body"],
            "status": "queued",
            "num_segments": "1",
            "api_version": "2010-04-01",
        }


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as api.twilio.com does
        # The headers and the body go out as two writes: without this, the body waits for
        # the client's delayed ACK of the headers (40 ms a message on Linux).
        disable_nagle_algorithm = True

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            try:
                status, data = provider.answer(
                    self.path,
                    self.headers.get("Authorization", ""),
                    self.headers.get("Content-Type", ""),
                    body,
                )
            except ValueError:
                status, data = 400, {"code": 20001, "message": "Malformed form"}
            payload = json.dumps({**data, "status": data.get("status", status)}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # quiet, like a real provider is to us

    return Handler


@contextmanager
def local_sms_provider(provider: Provider | None = None) -> Iterator[tuple[Provider, str]]:
    """Run the stand-in on 127.0.0.1 for the block: (provider, its base URL)."""
    provider = provider or Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def sms_settings(base_url: str, **extra: object) -> dict[str, object]:
    """The settings that send the project's text messages to the stand-in."""
    return {
        "SMS_TRANSPORT": "twilio",
        "SMS_PROVIDER_URL": base_url,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM": FROM_NUMBER,
        "TWILIO_MESSAGING_SERVICE_SID": "",
        "SMS_PUBLIC_URL": "https://clinic.example",
        "SMS_TIMEOUT": 5,
        **extra,
    }


def sms_environment(base_url: str) -> dict[str, str]:
    """The environment that sends a process's text messages (production settings) there."""
    return {
        str(name): str(value)
        for name, value in sms_settings(base_url).items()
        if name not in {"SMS_TIMEOUT"}
    }


@contextmanager
def sms_provider(**extra: object) -> Iterator[Provider]:
    """Run the stand-in and send the project's text messages to it, for the block."""
    with local_sms_provider() as (provider, url), override_settings(**sms_settings(url, **extra)):
        yield provider
