from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from rehabdesk.demo.clinic import load_demo


class Command(BaseCommand):
    help = "Load the demo clinic (two locations, practitioners, services). Safe to repeat."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = load_demo(today=timezone.localdate())
        if summary.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo clinic loaded: {summary.locations} locations, "
                    f"{summary.practitioners} practitioners, {summary.services} services, "
                    f"{summary.patients} patients."
                )
            )
        else:
            self.stdout.write("Demo clinic already loaded; nothing changed.")
