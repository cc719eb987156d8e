from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from rehabdesk.demo.clinic import load_demo


class Command(BaseCommand):
    help = "Load the demo clinic (two locations, practitioners, services). Safe to repeat."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--without-history",
            action="store_true",
            help="Skip the two years of past visits and 90 days of bookings.",
        )

    def handle(self, *args: Any, without_history: bool, **options: Any) -> None:
        days = {"history_days": 0, "future_days": 0} if without_history else {}
        summary = load_demo(now=timezone.now(), **days)
        if summary.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo clinic loaded: {summary.locations} locations, "
                    f"{summary.practitioners} practitioners, {summary.services} services, "
                    f"{summary.patients} patients, {summary.appointments} appointments."
                )
            )
        else:
            self.stdout.write("Demo clinic already loaded; nothing changed.")
