"""For tests: the listener's memory that no endpoint is on (services.py) made
predictable — forgotten before each test, and never lapsing halfway through one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rehabdesk.webhooks import services


@contextmanager
def listener_clock_stopped() -> Iterator[None]:
    """Forget what an earlier test left remembered and stop the listener's clock, so a
    test's query counts do not depend on how fast the machine runs it. A test of the
    memory itself moves the clock by hand (monkeypatch services._clock)."""
    running = services._clock
    services._forget_no_endpoints()
    services._clock = lambda: 0.0
    try:
        yield
    finally:
        services._clock = running
        services._forget_no_endpoints()
