"""Two changes racing on real connections, for the tests of what a lock decides."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import connections, transaction

# Long enough for the second change to reach the lock and wait there; if it is slower,
# it reads the committed first change and the test proves less, but still holds.
QUEUED = 1.0


def first_then_second(first: Callable[[], object], second: Callable[[], object]) -> object:
    """Run `first` in a transaction left open until `second`, started in another
    connection once `first` is done, has had time to queue behind it; then commit
    `first` and return what `second` returned (or raised)."""
    done, release = threading.Event(), threading.Event()

    def hold_open() -> None:
        try:
            with transaction.atomic():
                first()
                done.set()
                assert release.wait(30)
        finally:
            done.set()
            connections.close_all()

    def then() -> object:
        try:
            return second()
        except Exception as error:  # noqa: BLE001 - the test looks at what it was
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        opened = pool.submit(hold_open)
        assert done.wait(30)
        waiting = pool.submit(then)
        time.sleep(QUEUED)
        release.set()
        opened.result()
        return waiting.result()
