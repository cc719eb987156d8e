"""`manage.py verify_audit`: walk the audit trail's hash chain and name the first row
that does not follow (exit status 1), or say how many rows and where the chain ends."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rehabdesk.audit import chain
from rehabdesk.audit.selectors import chained_events


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chain from its first event to its last. Exit 0 and "
        "print the count, the last event's id and its hash (keep that line somewhere the "
        "database's owner cannot write: rows cut off the end show only against it); exit "
        "1 naming the first event that does not follow: altered, or a row before it "
        "removed or rewritten."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=5000, help="Events read at a time.")

    def handle(self, *args: Any, batch: int, **options: Any) -> None:
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        started = time.monotonic()
        walked = chain.walk(chained_events(batch=batch))
        seconds = time.monotonic() - started
        if walked.broken is not None:
            after = (
                f"after event {walked.broken.previous_id}"
                if walked.broken.previous_id is not None
                else "at the start of the chain"
            )
            raise CommandError(
                f"Audit chain broken at event {walked.broken.event_id} ({after}): "
                f"{walked.broken.reason}. {walked.events - 1} events before it verified."
            )
        self.stdout.write(
            f"Audit chain intact: {walked.events} events verified in {seconds:.1f} s; "
            f"last event {walked.head_id or '-'}, hash {walked.head_hash}."
        )
