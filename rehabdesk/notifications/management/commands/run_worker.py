"""`manage.py run_worker`: send what the outbox holds, now and as it comes."""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone

from rehabdesk.notifications.services import DeliveryReport, default_worker_name, deliver_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Send the messages waiting in the outbox. With --once, send everything due and "
        "exit; otherwise keep checking every --interval seconds until SIGTERM or SIGINT "
        "(Ctrl-C), finishing the batch in hand first. Run as many as you like: each "
        "message goes to one worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Send what is due, then exit.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between checks.")
        parser.add_argument("--batch", type=int, default=20, help="Messages claimed at a time.")
        parser.add_argument("--name", default="", help="The worker's name (default host:pid).")

    def handle(
        self, *args: Any, once: bool, interval: float, batch: int, name: str, **options: Any
    ) -> None:
        if interval <= 0 or batch < 1:
            raise CommandError("--interval must be positive and --batch at least 1.")
        self.worker = name or default_worker_name()
        self.batch = batch
        self.stopping = False
        if once:
            self.report(self.drain(), always=True)
            return
        previous = {
            signum: signal.signal(signum, self.stop) for signum in (signal.SIGTERM, signal.SIGINT)
        }
        self.stdout.write(f"Worker {self.worker} sending the outbox every {interval:g} s.")
        try:
            while not self.stopping:
                # A long-lived process honours CONN_MAX_AGE and health checks the way
                # requests do: between rounds, never inside one.
                close_old_connections()
                try:
                    self.report(self.drain())
                except DatabaseError:
                    # The database went away (a restart, a failover): keep the worker,
                    # drop the connection, try again at the next check.
                    logger.exception("The outbox worker could not reach the database")
                    connections.close_all()
                self.sleep(interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            connections.close_all()
        self.stdout.write(f"Worker {self.worker} stopped.")

    def drain(self) -> DeliveryReport:
        """Rounds until a round finds less than a full batch due (or we are asked to stop)."""
        total = DeliveryReport()
        while True:
            report = deliver_due(now=timezone.now(), worker=self.worker, batch=self.batch)
            total += report
            if report.claimed < self.batch or self.stopping:
                return total

    def report(self, report: DeliveryReport, *, always: bool = False) -> None:
        if report or always:
            self.stdout.write(f"Outbox: {report}.")

    def stop(self, signum: int, frame: FrameType | None) -> None:
        # Only a flag: the batch in hand is finished and recorded before the loop ends.
        self.stopping = True

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.1, deadline - time.monotonic()))
