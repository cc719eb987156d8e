from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from rehabdesk.scheduling.services import holds_release_expired


class Command(BaseCommand):
    help = "Release holds whose time is up, so their times can be booked again."

    def handle(self, *args: Any, **options: Any) -> None:
        released = holds_release_expired(now=timezone.now())
        self.stdout.write(f"Released {released} expired hold(s).")
