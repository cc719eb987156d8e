"""The loop shared by the long-running commands (`run_worker`, `run_scheduler`): do a
round, sleep, repeat until SIGTERM or SIGINT — finishing the round in hand — and
survive the database going away between rounds."""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from types import FrameType

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connections

logger = logging.getLogger(__name__)


class LoopingCommand(BaseCommand):
    stopping = False

    def loop(self, one_round: Callable[[], None], interval: float, what: str) -> None:
        """Call `one_round` every `interval` seconds until asked to stop."""
        self.stopping = False
        previous = {
            signum: signal.signal(signum, self.stop) for signum in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            while not self.stopping:
                # A long-lived process honours CONN_MAX_AGE and health checks the way
                # requests do: between rounds, never inside one.
                close_old_connections()
                try:
                    one_round()
                except DatabaseError:
                    # The database went away (a restart, a failover): keep going, drop
                    # the connection, try again at the next round.
                    logger.exception("The %s could not reach the database", what)
                    connections.close_all()
                self.sleep(interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            connections.close_all()

    def stop(self, signum: int, frame: FrameType | None) -> None:
        # Only a flag: the round in hand is finished and recorded before the loop ends.
        self.stopping = True

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.1, deadline - time.monotonic()))
