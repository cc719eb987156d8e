"""`manage.py run_worker`: send what the outbox holds, now and as it comes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from rehabdesk.core.commands import LoopingCommand
from rehabdesk.notifications.services import (
    CLAIM_LEASE,
    DeliveryReport,
    default_worker_name,
    deliver_due,
)


class Command(LoopingCommand):
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
        parser.add_argument(
            "--lease",
            type=float,
            default=CLAIM_LEASE.total_seconds(),
            help="Seconds a claim lasts unless renewed; a stopped worker's messages go to "
            "another worker after it (default %(default)g).",
        )

    def handle(
        self,
        *args: Any,
        once: bool,
        interval: float,
        batch: int,
        name: str,
        lease: float,
        **options: Any,
    ) -> None:
        if interval <= 0 or batch < 1 or lease < 1:
            raise CommandError(
                "--interval must be positive, --batch at least 1 and --lease at least 1."
            )
        self.worker = name or default_worker_name()
        self.batch = batch
        self.lease = timedelta(seconds=lease)
        self.stopping = False
        if once:
            self.report(self.drain(), always=True)
            return
        self.stdout.write(f"Worker {self.worker} sending the outbox every {interval:g} s.")
        self.loop(lambda: self.report(self.drain()), interval, "outbox worker")
        self.stdout.write(f"Worker {self.worker} stopped.")

    def drain(self) -> DeliveryReport:
        """Rounds until a round finds less than a full batch due (or we are asked to stop)."""
        total = DeliveryReport()
        while True:
            report = deliver_due(
                now=timezone.now(), worker=self.worker, batch=self.batch, lease=self.lease
            )
            total += report
            if report.claimed < self.batch or self.stopping:
                return total

    def report(self, report: DeliveryReport, *, always: bool = False) -> None:
        if report or always:
            self.stdout.write(f"Outbox: {report}.")
