"""`manage.py run_scheduler`: the scheduling chores that run on their own clock (the
waitlist, expired holds, appointment reminders), then the chores other apps register
(core/chores.py: the daily exercise reminders)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from rehabdesk.core.chores import chores
from rehabdesk.core.commands import LoopingCommand
from rehabdesk.scheduling.services import (
    freed_time_process,
    holds_release_expired,
    reminders_send_due,
    waitlist_offers_expire,
)

Counts = tuple[int, int, int, list[tuple[str, int]]]
REMINDERS = "appointment reminder(s) queued"


def run_once() -> Counts:
    """One round: close unanswered waitlist offers (passing their time on), release
    expired holds, offer freed time to the waitlist, queue the reminders due, then each
    registered chore. Returns how many of each."""
    now = timezone.now()
    expired = waitlist_offers_expire(now=now)
    released = holds_release_expired(now=now)
    offered = freed_time_process(now=now)
    reminded = reminders_send_due(now=now)
    others = [(REMINDERS, reminded)] + [(chore.label, chore.run(now)) for chore in chores()]
    return expired, released, offered, others


def describe(counts: Counts) -> str:
    """The round in words; another app's chore is named when it did something."""
    expired, released, offered, others = counts
    said = f"{expired} offer(s) expired, {released} hold(s) released, {offered} offer(s) made."
    done = [f"{count} {label}" for label, count in others if count]
    return f"{said[:-1]}, {', '.join(done)}." if done else said


class Command(LoopingCommand):
    help = (
        "Release expired holds, run the waitlist (close unanswered offers, offer freed "
        "time to waiting patients) and queue appointment reminders at their times. With "
        "--once, one round; otherwise every --interval seconds until SIGTERM or SIGINT. "
        "Safe to run more than one: each offer, freed time and reminder is claimed by one "
        "process."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One round, then exit.")
        parser.add_argument("--interval", type=float, default=15.0, help="Seconds between rounds.")

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        if interval <= 0:
            raise CommandError("--interval must be positive.")
        if once:
            self.stdout.write(describe(run_once()))
            return
        self.stdout.write(f"Scheduler running every {interval:g} s.")
        self.loop(self.round, interval, "scheduler")
        self.stdout.write("Scheduler stopped.")

    def round(self) -> None:
        counts = run_once()
        if any(counts[:3]) or any(count for _, count in counts[3]):
            self.stdout.write(describe(counts))
