"""The development server, run as `make run` runs it, holds no database connection
between requests: its threads, one per browser connection, would otherwise each keep one
until PostgreSQL refuses new clients. Production keeps reusing connections."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from rehabdesk.core import database

ROOT = Path(__file__).resolve().parents[3]
CLIENTS = 30
REQUESTS_EACH = 3
PAGE = "/services/"  # a public page that reads the database
STARTED_WITHIN = 60.0
CLOSED_WITHIN = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url() -> str:
    """The test database, as a URL for another process."""
    given = connection.settings_dict
    user = quote(given["USER"] or "")
    password = f":{quote(given['PASSWORD'])}" if given["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{given['HOST'] or '127.0.0.1'}:{given['PORT'] or 5432}"
        f"/{given['NAME']}"
    )


def get(client: http.client.HTTPConnection) -> int:
    client.request("GET", PAGE)
    response = client.getresponse()
    response.read()
    return response.status


@pytest.fixture
def development_server(tmp_path: Path) -> Iterator[int]:
    """`manage.py runserver` with the environment `make run` gives it (the Makefile's
    RUN_ENV: DEBUG on, nothing said about connections), on the test database."""
    if database.open_connections() is None:
        pytest.skip("SQLite is a file: there is no server whose connections could run out")
    port = free_port()
    unset = {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_CONN_MAX_AGE"}
    env = {key: value for key, value in os.environ.items() if key not in unset}
    env |= {
        "DJANGO_SETTINGS_MODULE": "rehabdesk.settings",
        "DEBUG": "1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": database_url(),
        "REHABDESK_VAR_DIR": str(tmp_path),
    }
    log = tmp_path / "runserver.log"
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTED_WITHIN
        while True:
            assert server.poll() is None, log.read_text()
            try:
                assert get(http.client.HTTPConnection("127.0.0.1", port, timeout=30)) == 200
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def connections_settle_at(most: int) -> int:
    """The server's connections once those of the requests just answered are closed
    (each is closed a moment after its response is sent)."""
    deadline = time.monotonic() + CLOSED_WITHIN
    while True:
        count = database.open_connections()
        assert count is not None
        if count <= most or time.monotonic() > deadline:
            return count
        time.sleep(0.1)


@pytest.mark.parametrize(("debug", "kept_for"), [("1", 0), ("0", 60)])
def test_connections_are_kept_across_requests_in_production_only(tmp_path, debug, kept_for):
    unset = {"DJANGO_SETTINGS_MODULE", "DATABASE_CONN_MAX_AGE"}
    env = {key: value for key, value in os.environ.items() if key not in unset}
    env |= {
        "DEBUG": debug,
        "SECRET_KEY": "a-production-secret-" + "q7Zx" * 12,
        "DATABASE_URL": "postgres://clinic@db.example:5432/rehabdesk",
        "REHABDESK_VAR_DIR": str(tmp_path),
    }
    read = "from rehabdesk import settings; print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", read], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == kept_for


@pytest.mark.django_db
def test_it_holds_no_more_connections_after_thirty_browsers_than_before(
    development_server: int,
) -> None:
    # What the server holds once up: its start-up looked for unapplied migrations, and
    # the request that found it answering may not have closed its own yet.
    before = database.open_connections()
    assert before is not None
    clients: list[http.client.HTTPConnection] = []
    statuses: list[int] = []
    lock = threading.Lock()

    def browse() -> None:
        # Like a browser tab: one connection kept open, several pages over it.
        client = http.client.HTTPConnection("127.0.0.1", development_server, timeout=30)
        answered = [get(client) for _ in range(REQUESTS_EACH)]
        with lock:
            clients.append(client)
            statuses.extend(answered)

    browsers = [threading.Thread(target=browse) for _ in range(CLIENTS)]
    for browser in browsers:
        browser.start()
    for browser in browsers:
        browser.join()
    try:
        assert statuses == [200] * CLIENTS * REQUESTS_EACH
        # Every browser still connected, each served by a thread of its own.
        assert connections_settle_at(most=before) <= before
    finally:
        for client in clients:
            client.close()
