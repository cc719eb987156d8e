"""gunicorn on loopback for the cases that go over HTTP, started and stopped by the child.

It runs with the child's own environment (bench/databases.py: production settings, the
dataset's DATABASE_URL), so it serves exactly what the in-process cases measure.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.databases import REPO_DIR
from bench.loadgen import HOST, wait_until_up

# Two cores here: two sync workers per core keeps both busy while others wait on the
# database, without making every request wait for the CPU.
WORKERS = 4
# SQLite writers queue for the write lock (our settings let them wait up to 60 s):
# never let gunicorn kill a worker that is only waiting its turn.
WORKER_TIMEOUT_S = 120
STARTUP_TIMEOUT_S = 60


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def gunicorn(*, log: Path, workers: int = WORKERS) -> Iterator[int]:
    """Serve the project on a free loopback port until the block ends; yields the port.
    The server's own output (errors, tracebacks of 5xx answers) goes to `log`."""
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "rehabdesk.wsgi:application"]
    command += ["--bind", f"{HOST}:{port}", "--workers", str(workers), "--worker-class", "sync"]
    command += ["--timeout", str(WORKER_TIMEOUT_S), "--graceful-timeout", "10", "--preload"]
    command += ["--log-level", "warning", "--error-logfile", "-"]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        # Our own interpreter and arguments; the environment is this child's.
        process = subprocess.Popen(  # noqa: S603
            command, cwd=REPO_DIR, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            wait_until_up(
                port,
                "/api/locations",
                timeout_s=STARTUP_TIMEOUT_S,
                alive=lambda: process.poll() is None,
            )
            yield port
        finally:
            process.terminate()  # gunicorn stops gracefully on SIGTERM
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
