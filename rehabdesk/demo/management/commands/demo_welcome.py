from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rehabdesk.clinic.models import Practitioner
from rehabdesk.demo.clinic import DEMO_PASSWORD, DEMO_TOTP_SECRET, PRACTITIONERS, demo_sign_ins
from rehabdesk.demo.patients import regular_patient_email
from rehabdesk.demo.progress import demo_measure_link, followed_charts


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
            f"  Home exercises           {base}/my/exercises/  (the exercises patient's, today's)",
            *self._questionnaire(),
            f"  Clinic configuration     {base}/admin/",
            f"  Privacy officer's desk   {base}/staff/privacy/  (the manager: requests, an"
            " emergency opening, a breach)",
            f"  Registrations to renew   {base}/staff/registrations/expiring/",
            f"  Your calendar (a feed)   {base}/staff/my-day/calendar/  (a practitioner makes"
            " their private address there)",
            f"  Closures feed (public)   {base}/feeds/closures/pickering.ics",
            "  Reminders                e-mails in var/mail/, text messages in var/sms/ (an"
            " e-mail 48 h and a text 24 h before each visit)",
            f"  API documentation        {base}/api/docs",
            "",
            *self._charts(base),
            "Staff sign in with a second factor. Add this key to an authenticator app",
            "(Google Authenticator, Aegis, 1Password…: add an account, enter a setup key,",
            "time-based) and type the six digits it shows after the password:",
            f"  {DEMO_TOTP_SECRET}  (the same for every demo staff account)",
            "Passkeys: browsers refuse them on 127.0.0.1; open the demo as localhost instead.",
            "",
            f"Demo sign-ins (password for all: {DEMO_PASSWORD})",
            *(f"  {what:<29} {email}" for what, email in demo_sign_ins()),
            "",
        ]
        self.stdout.write("\n".join(lines))

    def _questionnaire(self) -> list[str]:
        """The pain rating the demo e-mailed the patient who follows a program: its link
        (a token of its own, no sign-in), also in the e-mail in var/mail/ once the
        worker has sent it."""
        email = regular_patient_email()
        link = demo_measure_link(email=email) if email else None
        return [f"  Questionnaire (e-mailed) {link}  (to {email})"] if link else []

    def _charts(self, base: str) -> list[str]:
        """The charts of the demo practitioner's patients on a treatment plan."""
        practitioner = Practitioner.objects.filter(user__email=PRACTITIONERS[0].email).first()
        rows = followed_charts(practitioner=practitioner) if practitioner else []
        if not rows:
            return []
        return [
            "Treatment plans, outcome measures, home exercises (sign in as the practitioner)",
            *(
                f"  {what:<24} {base}/staff/patients/{patient.pk}/chart/  ({patient.full_name})"
                for what, patient in rows
            ),
            "",
        ]
