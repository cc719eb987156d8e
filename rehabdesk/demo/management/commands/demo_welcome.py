from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rehabdesk.demo.clinic import DEMO_PASSWORD, demo_sign_ins


class Command(BaseCommand):
    help = "Print where the demo clinic is served and how to sign in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, port: int, **options: Any) -> None:
        base = f"http://127.0.0.1:{port}"
        lines = [
            "",
            "Rehabdesk demo clinic",
            f"  Home                     {base}/",
            f"  Book online              {base}/book/",
            f"  Sign in                  {base}/sign-in/",
            f"  Front desk's day         {base}/staff/desk/",
            f"  Schedule                 {base}/staff/schedule/",
            f"  Patient portal           {base}/my/  (the parent's bookings, mail in var/mail/)",
            f"  Clinic configuration     {base}/admin/",
            f"  Registrations to renew   {base}/staff/registrations/expiring/",
            f"  API documentation        {base}/api/docs",
            "",
            f"Demo sign-ins (password for all: {DEMO_PASSWORD})",
            *(f"  {what:<24} {email}" for what, email in demo_sign_ins()),
            "",
        ]
        self.stdout.write("\n".join(lines))
