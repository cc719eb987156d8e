"""Plain HTTP clients for the cases that go through a real server: a request, a signed-in
session, and many clients at once in threads. Free of Django.

gunicorn's sync workers close every connection after one response, so each request
opens its own connection, as a browser talking to such a server would.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import re
import struct
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

HOST = "127.0.0.1"
# Longer than the server's own worker timeout, so the server gives up first.
CLIENT_TIMEOUT_S = 150.0


@dataclass(frozen=True)
class Answer:
    """A response, or status 0 when none came (refused, reset, timed out)."""

    status: int
    body: bytes
    cookies: Mapping[str, str]
    elapsed_ms: float
    error: str = ""
    location: str = ""  # where a redirect points


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = CLIENT_TIMEOUT_S,
) -> Answer:
    started = time.perf_counter_ns()
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        content = response.read()
        cookies: dict[str, str] = {}
        for header in response.msg.get_all("Set-Cookie") or []:
            parsed: SimpleCookie = SimpleCookie()
            parsed.load(header)
            cookies.update({name: morsel.value for name, morsel in parsed.items()})
        status = response.status
        location = response.getheader("Location", "")
    except (OSError, http.client.HTTPException) as error:
        return Answer(0, b"", {}, _since(started), error=f"{type(error).__name__}: {error}")
    finally:
        connection.close()
    return Answer(status, content, cookies, _since(started), location=location)


def _since(started_ns: int) -> float:
    return (time.perf_counter_ns() - started_ns) / 1_000_000


@dataclass
class Session:
    """A browser that signed in: its cookies, and the CSRF token Django wants back."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        return {
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
        }

    def post_json(self, path: str, body: bytes) -> Answer:
        headers = self.headers() | {"Content-Type": "application/json"}
        return request(self.port, "POST", path, body=body, headers=headers)


class SignInFailed(Exception):
    pass


_CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def totp_code(key_hex: str, at: float) -> str:
    """The six digits an authenticator app shows at `at` for this key (RFC 6238:
    HMAC-SHA1 over 30-second steps)."""
    step = struct.pack(">Q", int(at // 30))
    digest = hmac.new(bytes.fromhex(key_hex), step, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def sign_in(port: int, email: str, password: str, *, totp_key: str = "") -> Session:
    """Sign in through the sign-in page, as a person would: the password, then (staff)
    the code of their authenticator app, from `totp_key`."""
    session = Session(port)
    page = request(port, "GET", "/sign-in/")
    found = _CSRF_FIELD.search(page.body)
    if page.status != 200 or found is None:
        raise SignInFailed(f"GET /sign-in/ answered {page.status} {page.error}".strip())
    session.cookies.update(page.cookies)
    form = urlencode(
        {"csrfmiddlewaretoken": found.group(1).decode(), "username": email, "password": password}
    ).encode()
    headers = session.headers() | {"Content-Type": "application/x-www-form-urlencoded"}
    answer = request(port, "POST", "/sign-in/", body=form, headers=headers)
    # Signing in answers a redirect, a new session and a new CSRF token.
    if answer.status != 302 or "sessionid" not in answer.cookies:
        raise SignInFailed(f"signing in as {email} answered {answer.status}, not a redirect")
    session.cookies.update(answer.cookies)
    factor_path = urlsplit(answer.location).path
    if factor_path.startswith("/sign-in/factor/"):
        step = request(port, "GET", factor_path, headers=session.headers())
        found = _CSRF_FIELD.search(step.body)
        if step.status != 200 or found is None or not totp_key:
            raise SignInFailed(f"{email}'s second step answered {step.status}")
        session.cookies.update(step.cookies)
        form = urlencode(
            {
                "csrfmiddlewaretoken": found.group(1).decode(),
                "code": totp_code(totp_key, time.time()),
            }
        ).encode()
        headers = session.headers() | {"Content-Type": "application/x-www-form-urlencoded"}
        passed = request(port, "POST", factor_path, body=form, headers=headers)
        if passed.status != 302:
            raise SignInFailed(f"{email}'s code answered {passed.status}, not a redirect")
        session.cookies.update(passed.cookies)
    return session


def wait_until_up(port: int, path: str, *, timeout_s: float, alive: Callable[[], bool]) -> None:
    """Until GET `path` answers 200; fails early when the server process has died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not alive():
            raise ConnectionError("the server exited before it answered")
        if request(port, "GET", path, timeout=5).status == 200:
            return
        time.sleep(0.2)
    raise ConnectionError(f"no answer from port {port} after {timeout_s:.0f} s")


def in_parallel(clients: int, work: Callable[[int], None]) -> None:
    """Run work(0) … work(clients - 1) in threads, released together; re-raise the first
    exception a client raised."""
    gate = threading.Barrier(clients)
    failures: list[BaseException] = []

    def client(index: int) -> None:
        try:
            gate.wait()
            work(index)
        except BaseException as error:  # noqa: BLE001 - handed to the caller below
            failures.append(error)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
